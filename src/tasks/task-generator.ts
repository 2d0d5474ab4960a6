/**
 * The `TaskGenerator` interface and `defineGenerator`, the helper every procedural task uses:
 * it validates options, draws a difficulty per problem, seeds one PRNG per problem and fills the
 * prompt format. A problem depends only on (task, seed, index, difficulty, params): so
 * `generate(10)` is a prefix of `generate(20)` with the same options, and equal ids mean equal problems.
 */
import type { Problem, Verifier } from "../types.js";
import { type DifficultyRange, type DifficultySpec, sampleDifficulty, validateDifficulty } from "./difficulty.js";
import { InvalidTaskOptionError } from "./errors.js";
import { Rng, hashSeed } from "../core/rng.js";

/** A generator-specific parameter value. */
export type ParamValue = number | string | boolean;

/** Declaration of one generator parameter (for validation, help text and docs). */
export interface ParamSpec {
  default: ParamValue;
  description: string;
}

/** Options of `TaskGenerator.generate`. */
export interface TaskGenerateOptions {
  /** Difficulty (default: the generator's default level). */
  difficulty?: DifficultySpec;
  /** Seed (default 0). The same seed and options give the same problems. */
  seed?: number;
  /** Index of the first problem (default 0): `generate(5, {offset: 5})` continues `generate(5)`. */
  offset?: number;
  /** A named prompt format of this generator ("compact", "text", ...) or a custom template with `{field}` placeholders. */
  format?: string;
  /** Generator-specific parameters (see `TaskGenerator.params`); unknown names are errors. */
  params?: Record<string, ParamValue>;
}

/** A procedural task: problems with a difficulty knob and a seed, and the verifier that checks them. */
export interface TaskGenerator {
  readonly name: string;
  readonly description: string;
  /** The difficulty scale (integer levels, their meaning, the default). */
  readonly difficulty: DifficultyRange;
  /** Named prompt formats: template strings with `{field}` placeholders. */
  readonly formats: Readonly<Record<string, string>>;
  /** The format used when none is given. */
  readonly defaultFormat: string;
  /** The placeholders a custom format may use, with what each holds. */
  readonly fields: Readonly<Record<string, string>>;
  /** What the answer looks like ("an integer", "comma-separated integers"). */
  readonly answerFormat: string;
  /** Generator-specific parameters and their defaults. */
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Checks responses to this task's problems (reads `problem.answer` and `problem.meta`). */
  readonly verifier: Verifier;
  /** `n` problems; deterministic in (seed, offset, difficulty, format, params). */
  generate(n: number, opts?: TaskGenerateOptions): Problem[];
}

/** What a generator's `make` function returns for one problem. */
export interface MadeProblem {
  /** Values for the format placeholders. */
  fields: Record<string, string | number>;
  /** The gold answer, exactly as a correct model would write it. */
  answer: string;
  /** A compact worked solution in the task's own notation, where the task has one (for warm-up corpora). */
  trace?: string;
  /** Extra metadata (numbers, target, ...) the verifier or users need. */
  meta?: Record<string, unknown>;
}

/** Everything `defineGenerator` needs to build a TaskGenerator. */
export interface GeneratorDefinition {
  name: string;
  description: string;
  difficulty: DifficultyRange;
  formats: Record<string, string>;
  defaultFormat: string;
  fields: Record<string, string>;
  answerFormat: string;
  params?: Record<string, ParamSpec>;
  verifier: Verifier;
  /** Make one problem at an integer difficulty level from its own PRNG and the resolved params. */
  make(rng: Rng, difficulty: number, params: Record<string, ParamValue>): MadeProblem;
  /** Check resolved params together (e.g. min <= max); throw InvalidTaskOptionError. */
  checkParams?(params: Record<string, ParamValue>): void;
}

const PLACEHOLDER = /\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g;

/** Replace `{field}` placeholders (unknown ones stay as they are); `{{` and `}}` are literal braces. */
export function fillTemplate(template: string, fields: Record<string, string | number>): string {
  return template.replace(/\{\{|\}\}|\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (m, key: string | undefined) =>
    m === "{{" ? "{" : m === "}}" ? "}" : key !== undefined && Object.hasOwn(fields, key) ? String(fields[key]) : m,
  );
}

function resolveFormat(def: GeneratorDefinition, format: string | undefined): { name: string; template: string } {
  const f = format ?? def.defaultFormat;
  if (Object.hasOwn(def.formats, f)) return { name: f, template: def.formats[f] };
  if (!f.includes("{")) {
    throw new InvalidTaskOptionError(
      `task ${def.name}: unknown format "${f}"; use one of ${Object.keys(def.formats).join(", ")} ` +
        `or a custom template with placeholders ${Object.keys(def.fields)
          .map((k) => `{${k}}`)
          .join(" ")}`,
    );
  }
  for (const m of f.replace(/\{\{|\}\}/g, "").matchAll(PLACEHOLDER)) {
    if (!Object.hasOwn(def.fields, m[1])) {
      throw new InvalidTaskOptionError(
        `task ${def.name}: format placeholder {${m[1]}} is unknown; available: ` +
          Object.keys(def.fields)
            .map((k) => `{${k}}`)
            .join(" "),
      );
    }
  }
  return { name: "custom", template: f };
}

function resolveParams(def: GeneratorDefinition, given: Record<string, ParamValue> = {}): Record<string, ParamValue> {
  const specs = def.params ?? {};
  const out: Record<string, ParamValue> = {};
  for (const [k, spec] of Object.entries(specs)) out[k] = spec.default;
  for (const [k, v] of Object.entries(given)) {
    if (!Object.hasOwn(specs, k)) {
      const known = Object.keys(specs);
      throw new InvalidTaskOptionError(
        `task ${def.name}: unknown parameter "${k}"; ` + (known.length ? `known parameters: ${known.join(", ")}` : "this task has no parameters"),
      );
    }
    const want = typeof specs[k].default;
    let value: ParamValue = v;
    if (typeof v === "string" && want === "number") value = Number(v);
    if (typeof v === "string" && want === "boolean") value = v === "true" ? true : v === "false" ? false : v;
    if (typeof value !== want || (typeof value === "number" && !Number.isFinite(value))) {
      throw new InvalidTaskOptionError(`task ${def.name}: parameter "${k}" must be a ${want}, got ${JSON.stringify(v)}`);
    }
    out[k] = value;
  }
  def.checkParams?.(out);
  return out;
}

function checkCount(name: string, what: string, v: number, max: number): void {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new InvalidTaskOptionError(`task ${name}: ${what} must be an integer from 0 to ${max}, got ${v}`);
  }
}

/** "" for default params, else ":p" + a hash of the non-default ones, so ids stay unique across params. */
function paramsTag(def: GeneratorDefinition, params: Record<string, ParamValue>): string {
  const changed = Object.entries(params).filter(([k, v]) => def.params?.[k]?.default !== v);
  if (changed.length === 0) return "";
  return `:p${hashSeed(...changed.flat().map(String)).toString(36)}`;
}

/** Build a TaskGenerator from a definition (see `GeneratorDefinition`). */
export function defineGenerator(def: GeneratorDefinition): TaskGenerator {
  return {
    name: def.name,
    description: def.description,
    difficulty: def.difficulty,
    formats: def.formats,
    defaultFormat: def.defaultFormat,
    fields: def.fields,
    answerFormat: def.answerFormat,
    params: def.params ?? {},
    verifier: def.verifier,
    generate(n: number, opts: TaskGenerateOptions = {}): Problem[] {
      checkCount(def.name, "n", n, 10_000_000);
      const offset = opts.offset ?? 0;
      checkCount(def.name, "offset", offset, Number.MAX_SAFE_INTEGER);
      const seed = opts.seed ?? 0;
      if (!Number.isSafeInteger(seed)) {
        throw new InvalidTaskOptionError(`task ${def.name}: seed must be an integer, got ${seed}`);
      }
      const spec = opts.difficulty ?? def.difficulty.default;
      validateDifficulty(spec, def.difficulty);
      const format = resolveFormat(def, opts.format);
      const params = resolveParams(def, opts.params);
      const paramTag = paramsTag(def, params);
      const problems: Problem[] = [];
      for (let k = 0; k < n; k++) {
        const index = offset + k;
        const difficulty = sampleDifficulty(spec, new Rng(hashSeed(def.name, seed, index, "difficulty")));
        const made = def.make(new Rng(hashSeed(def.name, seed, index, difficulty)), difficulty, params);
        problems.push({
          id: `${def.name}:s${seed}:i${index}:d${difficulty}${paramTag}`,
          prompt: fillTemplate(format.template, made.fields),
          answer: made.answer,
          verifier: def.verifier,
          difficulty,
          meta: {
            task: def.name,
            seed,
            index,
            format: format.name,
            ...(Object.keys(params).length ? { params } : {}),
            ...(made.trace !== undefined ? { trace: made.trace } : {}),
            ...made.meta,
          },
        });
      }
      return problems;
    },
  };
}
