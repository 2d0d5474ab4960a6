/**
 * Rubrics: weighted sums of reward functions, the last step of verification (parser → reward function →
 * rubric). A reward function maps a response and its problem to a number, or null where it does not apply.
 * The rubric runs every function, bounds each by a timeout, and turns a throw, a rejection, a timeout or a
 * non-finite number into a null component plus an entry in `errors`: nothing a reward function does reaches
 * the trainer as an exception.
 *
 * Ready-made reward functions: `accuracyReward` (the problem's verifier: 1 or 0, or its partial score) here,
 * and `formatReward` (think-then-answer format, strict or soft) in format.ts.
 */
import type { Problem } from "../types.js";
import { ScratchpadError } from "../core/errors.js";

/** Scores one response to one problem: a number, or null where the function does not apply. */
export type RewardFunction = (response: string, problem: Problem) => number | null | Promise<number | null>;

/** One weighted part of a rubric. */
export interface RubricComponent {
  /** Unique name, used as the key in `components` and `errors` (and for logging: `rewards/<name>`). */
  name: string;
  fn: RewardFunction;
  /** Weight in the total (default 1; may be negative for penalties). */
  weight?: number;
  /** Time limit for this function in milliseconds (default: the rubric's `timeoutMs`). */
  timeoutMs?: number;
}

/** Options of a `Rubric`. */
export interface RubricOptions {
  /** Default time limit per reward function, in milliseconds (default 30 000). */
  timeoutMs?: number;
  /**
   * How components combine: `"sum"` (default): Σ weight·value over the components that apply;
   * `"mean"`: that sum divided by the sum of |weight| of the components that apply.
   */
  combine?: "sum" | "mean";
  /** Called for every component error (besides being returned in `errors`). */
  onError?: (name: string, message: string) => void;
}

/** A rubric's score of one response. */
export interface RubricScore {
  /** The weighted combination of the components that apply (0 when none applies). */
  total: number;
  /** Each component's value, null where it did not apply or failed. */
  components: Record<string, number | null>;
  /** Why a component is null because it failed: thrown error, timeout, non-finite value. Empty when none failed. */
  errors: Record<string, string>;
}

/** Invalid rubric configuration (duplicate names, non-finite weights, ...). */
export class RubricConfigError extends ScratchpadError {
  override readonly name = "RubricConfigError";
  constructor(message: string) {
    super("rubric_config", `invalid rubric: ${message}`);
  }
}

class RewardTimeout extends ScratchpadError {
  constructor(message: string) {
    super("reward_timeout", message);
  }
  override readonly name = "RewardTimeout";
}

async function callBounded(fn: RewardFunction, response: string, problem: Problem, timeoutMs: number): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RewardTimeout(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // Promise.resolve().then() also turns a synchronous throw into a rejection.
    return await Promise.race([Promise.resolve().then(() => fn(response, problem)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A weighted combination of reward functions. */
export class Rubric {
  readonly components: readonly Required<RubricComponent>[];
  private readonly combine: "sum" | "mean";
  private readonly onError?: (name: string, message: string) => void;

  constructor(components: RubricComponent[], options: RubricOptions = {}) {
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!(timeoutMs > 0)) throw new RubricConfigError(`timeoutMs must be positive, got ${String(options.timeoutMs)}`);
    if (!Array.isArray(components) || components.length === 0) throw new RubricConfigError("needs at least one component");
    const seen = new Set<string>();
    this.components = components.map((c, i) => {
      if (!c || typeof c.name !== "string" || c.name === "") throw new RubricConfigError(`component ${i} needs a non-empty name`);
      if (seen.has(c.name)) throw new RubricConfigError(`component name "${c.name}" is used twice; names must be unique`);
      seen.add(c.name);
      if (typeof c.fn !== "function") throw new RubricConfigError(`component "${c.name}" needs fn, a reward function`);
      const weight = c.weight ?? 1;
      if (!Number.isFinite(weight)) throw new RubricConfigError(`component "${c.name}" has a non-finite weight`);
      const t = c.timeoutMs ?? timeoutMs;
      if (!(t > 0)) throw new RubricConfigError(`component "${c.name}" timeoutMs must be positive`);
      return { name: c.name, fn: c.fn, weight, timeoutMs: t };
    });
    this.combine = options.combine ?? "sum";
    if (this.combine !== "sum" && this.combine !== "mean") {
      throw new RubricConfigError(`combine must be "sum" or "mean", got ${JSON.stringify(options.combine)}`);
    }
    this.onError = options.onError;
  }

  /** Score one response: every component runs concurrently; never rejects. */
  async score(response: string, problem: Problem): Promise<RubricScore> {
    const values = await Promise.all(
      this.components.map(async (c): Promise<[number | null, string | undefined]> => {
        try {
          const v = await callBounded(c.fn, response, problem, c.timeoutMs);
          if (v === null || v === undefined) return [null, undefined];
          if (typeof v !== "number" || !Number.isFinite(v)) return [null, `returned ${String(v)}, not a finite number or null`];
          return [v, undefined];
        } catch (err) {
          return [null, err instanceof Error ? `${err.name}: ${err.message}` : `threw ${String(err)}`];
        }
      }),
    );
    const components: Record<string, number | null> = {};
    const errors: Record<string, string> = {};
    let sum = 0;
    let weights = 0;
    this.components.forEach((c, i) => {
      const [v, err] = values[i];
      components[c.name] = v;
      if (err !== undefined) {
        errors[c.name] = err;
        try {
          this.onError?.(c.name, err);
        } catch {
          // a logging callback must not break scoring either
        }
      }
      if (v !== null) {
        sum += c.weight * v;
        weights += Math.abs(c.weight);
      }
    });
    const total = this.combine === "mean" ? (weights > 0 ? sum / weights : 0) : sum;
    return { total, components, errors };
  }

  /** Score many responses (to the same or different problems), in order. */
  scoreMany(items: { response: string; problem: Problem }[]): Promise<RubricScore[]> {
    return Promise.all(items.map((it) => this.score(it.response, it.problem)));
  }
}

/** Options of `accuracyReward`. */
export interface AccuracyRewardOptions {
  /** Use the verdict's partial `score` (e.g. the fraction of tests passed) instead of 1/0 (default false). */
  partial?: boolean;
}

/**
 * The problem's own verifier as a reward: 1 when `problem.verifier` says correct, else 0 (or the verdict's
 * `score` with `partial`). Null when the problem has no verifier.
 */
export function accuracyReward(options: AccuracyRewardOptions = {}): RewardFunction {
  return async (response: string, problem: Problem): Promise<number | null> => {
    const verifier = problem?.verifier;
    if (!verifier || typeof verifier.verify !== "function") return null;
    const verdict = await verifier.verify(response, problem);
    if (options.partial && typeof verdict.score === "number") return verdict.score;
    return verdict.correct ? 1 : 0;
  };
}
