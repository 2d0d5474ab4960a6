/**
 * Difficulty specifications: one level, a fractional level, a range, a list or a weighted mix,
 * and how a generator turns a specification into a concrete integer level per problem.
 */
import { InvalidDifficultyError } from "./errors.js";
import type { Rng } from "../core/rng.js";

/** A generator's difficulty scale: integer levels from `min` to `max`. */
export interface DifficultyRange {
  min: number;
  max: number;
  /** Level used when none is given. */
  default: number;
  /** What a level means ("number of digits of the larger operand"). */
  meaning: string;
}

/** One weighted component of a difficulty mix. */
export interface DifficultyWeight {
  difficulty: number;
  weight: number;
}

/**
 * How hard the generated problems are:
 * - a number: that level; a fractional number (2.3) mixes the two neighbouring levels (70% 2, 30% 3),
 *   so a curriculum can move smoothly;
 * - an array of levels: uniform over them;
 * - `{min, max}`: uniform over the integer levels in between (inclusive);
 * - `{mix: [{difficulty, weight}, ...]}`: a weighted mix (weights need not sum to 1).
 */
export type DifficultySpec = number | readonly number[] | { readonly min: number; readonly max: number } | { readonly mix: readonly DifficultyWeight[] };

function checkLevel(d: number, range: DifficultyRange, integer: boolean): void {
  if (!Number.isFinite(d) || d < range.min || d > range.max || (integer && !Number.isInteger(d))) {
    throw new InvalidDifficultyError(
      `difficulty ${d} is outside this task's range: use ${integer ? "an integer" : "a number"} ` + `from ${range.min} to ${range.max} (${range.meaning})`,
    );
  }
}

/** Throws InvalidDifficultyError when a spec has a level outside the range or a bad weight. */
export function validateDifficulty(spec: DifficultySpec, range: DifficultyRange): void {
  if (typeof spec === "number") return checkLevel(spec, range, false);
  if (Array.isArray(spec)) {
    if (spec.length === 0) throw new InvalidDifficultyError("difficulty list is empty: give at least one level");
    for (const d of spec as readonly number[]) checkLevel(d, range, true);
    return;
  }
  if ("mix" in spec) {
    if (spec.mix.length === 0) throw new InvalidDifficultyError("difficulty mix is empty: give at least one level");
    let total = 0;
    for (const { difficulty, weight } of spec.mix) {
      checkLevel(difficulty, range, true);
      if (!Number.isFinite(weight) || weight < 0) {
        throw new InvalidDifficultyError(`difficulty weight ${weight} for level ${difficulty} must be >= 0`);
      }
      total += weight;
    }
    if (total <= 0) throw new InvalidDifficultyError("difficulty mix weights sum to 0: give a positive weight");
    return;
  }
  if ("min" in spec) {
    checkLevel(spec.min, range, true);
    checkLevel(spec.max, range, true);
    if (spec.max < spec.min) {
      throw new InvalidDifficultyError(`difficulty range ${spec.min}-${spec.max} is empty: min must be <= max`);
    }
    return;
  }
  throw new InvalidDifficultyError(`unrecognised difficulty spec ${JSON.stringify(spec)}`);
}

/** Draw one integer level from a (validated) spec. */
export function sampleDifficulty(spec: DifficultySpec, rng: Rng): number {
  if (typeof spec === "number") {
    const lo = Math.floor(spec);
    return lo === spec ? spec : rng.next() < spec - lo ? lo + 1 : lo;
  }
  if (Array.isArray(spec)) return rng.pick(spec as readonly number[]);
  if ("mix" in spec) {
    const total = spec.mix.reduce((s, w) => s + w.weight, 0);
    let r = rng.next() * total;
    for (const w of spec.mix) {
      r -= w.weight;
      if (r < 0) return w.difficulty;
    }
    return spec.mix[spec.mix.length - 1].difficulty;
  }
  const { min, max } = spec as { min: number; max: number };
  return rng.int(min, max);
}

/**
 * Parse the CLI forms: "3", "2.5", "1-5" (range), "1,2,4" (list), "1:0.2,3:0.8" (weighted mix).
 */
export function parseDifficulty(text: string): DifficultySpec {
  const s = text.trim();
  const num = (t: string): number => {
    const v = Number(t.trim());
    if (t.trim() === "" || !Number.isFinite(v)) {
      throw new InvalidDifficultyError(`cannot parse difficulty "${text}": use N, N.5, MIN-MAX, A,B,C or LEVEL:WEIGHT,LEVEL:WEIGHT`);
    }
    return v;
  };
  if (s.includes(":")) {
    return {
      mix: s.split(",").map((part) => {
        const [d, w, extra] = part.split(":");
        if (w === undefined || extra !== undefined) num("x");
        return { difficulty: num(d), weight: num(w) };
      }),
    };
  }
  if (s.includes(",")) return s.split(",").map(num);
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(s);
  if (range) return { min: Number(range[1]), max: Number(range[2]) };
  return num(s);
}

/** A short text form of a spec, for ids and logs ("3", "1-5", "1,2", "1:0.2,3:0.8"). */
export function formatDifficulty(spec: DifficultySpec): string {
  if (typeof spec === "number") return String(spec);
  if (Array.isArray(spec)) return (spec as readonly number[]).join(",");
  if ("mix" in spec) return spec.mix.map((w) => `${w.difficulty}:${w.weight}`).join(",");
  const { min, max } = spec as { min: number; max: number };
  return `${min}-${max}`;
}
