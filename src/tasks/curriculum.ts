/**
 * A curriculum over one task's difficulty: it hands out batches of fresh problems at the current
 * level and steps the level up (or down) by a fixed step, either every K batches ("steps" mode) or
 * when accuracy over a window of recent results passes a threshold ("accuracy" mode). Its state is
 * plain JSON, so a training run can save and resume it.
 */
import type { Problem } from "../types.js";
import type { DifficultyWeight } from "./difficulty.js";
import { InvalidTaskOptionError } from "./errors.js";
import { getTask } from "./registry.js";
import type { ParamValue, TaskGenerator } from "./task-generator.js";

/** Options of a Curriculum. */
export interface CurriculumOptions {
  /** The task (a generator or its registered name). */
  task: TaskGenerator | string;
  /** Starting level (default: the lowest bound). May be fractional (mixes neighbouring levels). */
  start?: number;
  /** Bounds (default: the task's range). */
  min?: number;
  max?: number;
  /** How much one promotion or demotion moves the level (default 1; fractional steps are fine). */
  step?: number;
  /** "accuracy" (default): step when window accuracy >= threshold; "steps": every `everySteps` batches. */
  mode?: "accuracy" | "steps";
  /** Accuracy needed to promote (default 0.8). */
  threshold?: number;
  /** Demote when window accuracy falls below this (default: never). */
  demoteBelow?: number;
  /** Results considered for accuracy (default 64); the window is cleared on every change. */
  window?: number;
  /** Batches between promotions in "steps" mode (default 100). */
  everySteps?: number;
  /** Fraction of each batch drawn uniformly from levels below the current one (default 0). */
  replay?: number;
  /** Seed of the problem stream (default 0). */
  seed?: number;
  /** Prompt format and generator params, passed through to the generator. */
  format?: string;
  params?: Record<string, ParamValue>;
}

/** One result fed back to the curriculum: a boolean, or a verdict-like object with the problem's level. */
export type CurriculumResult = boolean | { correct: boolean; difficulty?: number };

/** A change of level. */
export interface CurriculumEvent {
  from: number;
  to: number;
  /** Window accuracy at the change (NaN in steps mode with no results). */
  accuracy: number;
  /** Batch count at which it happened. */
  batch: number;
}

/** The resumable state of a Curriculum (plain JSON). */
export interface CurriculumState {
  difficulty: number;
  offset: number;
  batches: number;
  batchesAtLevel: number;
  window: boolean[];
  history: CurriculumEvent[];
}

/** Steps a task's difficulty as the learner improves (see the module comment). */
export class Curriculum {
  readonly task: TaskGenerator;
  private readonly opts: Required<Omit<CurriculumOptions, "task" | "format" | "params" | "demoteBelow" | "start">> &
    Pick<CurriculumOptions, "format" | "params" | "demoteBelow">;
  private s: CurriculumState;

  constructor(options: CurriculumOptions, state?: CurriculumState) {
    this.task = typeof options.task === "string" ? getTask(options.task) : options.task;
    const r = this.task.difficulty;
    this.opts = {
      min: options.min ?? r.min,
      max: options.max ?? r.max,
      step: options.step ?? 1,
      mode: options.mode ?? "accuracy",
      threshold: options.threshold ?? 0.8,
      demoteBelow: options.demoteBelow,
      window: options.window ?? 64,
      everySteps: options.everySteps ?? 100,
      replay: options.replay ?? 0,
      seed: options.seed ?? 0,
      format: options.format,
      params: options.params,
    };
    const o = this.opts;
    const bad = (msg: string): never => {
      throw new InvalidTaskOptionError(`curriculum for ${this.task.name}: ${msg}`);
    };
    if (!(Number.isInteger(o.min) && Number.isInteger(o.max) && o.min >= r.min && o.max <= r.max && o.min <= o.max)) {
      bad(`min/max must be integers in ${r.min}..${r.max} with min <= max, got ${o.min}..${o.max}`);
    }
    if (!(o.step > 0)) bad(`step must be > 0, got ${o.step}`);
    if (o.mode !== "accuracy" && o.mode !== "steps") bad(`mode must be "accuracy" or "steps", got "${String(o.mode)}"`);
    if (!(o.threshold > 0 && o.threshold <= 1)) bad(`threshold must be in (0, 1], got ${o.threshold}`);
    if (!(Number.isInteger(o.window) && o.window > 0)) bad(`window must be a positive integer, got ${o.window}`);
    if (!(Number.isInteger(o.everySteps) && o.everySteps > 0)) bad(`everySteps must be a positive integer, got ${o.everySteps}`);
    if (!(o.replay >= 0 && o.replay < 1)) bad(`replay must be in [0, 1), got ${o.replay}`);
    const start = options.start ?? o.min;
    if (!(start >= o.min && start <= o.max)) bad(`start must lie in ${o.min}..${o.max}, got ${start}`);
    this.s = state ? structuredClone(state) : { difficulty: start, offset: 0, batches: 0, batchesAtLevel: 0, window: [], history: [] };
  }

  /** The current level (possibly fractional). */
  get difficulty(): number {
    return this.s.difficulty;
  }

  /** Level changes so far. */
  get history(): readonly CurriculumEvent[] {
    return this.s.history;
  }

  /** A copy of the state, for checkpoints (`new Curriculum(options, state)` resumes). */
  state(): CurriculumState {
    return structuredClone(this.s);
  }

  /** The difficulty mix of the next batch: the current level, plus `replay` spread over lower levels. */
  mix(): DifficultyWeight[] {
    const d = this.s.difficulty;
    const lo = Math.floor(d);
    const frac = d - lo;
    const lowerCount = Math.max(0, lo - this.opts.min);
    const main = lowerCount > 0 ? 1 - this.opts.replay : 1;
    const out: DifficultyWeight[] = [{ difficulty: lo, weight: main * (1 - frac) }];
    if (frac > 0) out.push({ difficulty: lo + 1, weight: main * frac });
    for (let k = this.opts.min; k < lo; k++) out.push({ difficulty: k, weight: this.opts.replay / lowerCount });
    return out.filter((w) => w.weight > 0);
  }

  /** The next `n` problems (fresh ones each call: the stream continues where the last batch ended). */
  sample(n: number): Problem[] {
    const problems = this.task.generate(n, {
      difficulty: { mix: this.mix() },
      seed: this.opts.seed,
      offset: this.s.offset,
      format: this.opts.format,
      params: this.opts.params,
    });
    this.s.offset += n;
    return problems;
  }

  /**
   * Feed back one batch of results. Results of replayed lower levels (difficulty below the current
   * level's floor) do not count towards accuracy. Returns the level change, if one happened.
   */
  record(results: readonly CurriculumResult[]): CurriculumEvent | null {
    const floor = Math.floor(this.s.difficulty);
    for (const r of results) {
      const { correct, difficulty } = typeof r === "boolean" ? { correct: r, difficulty: undefined } : r;
      if (difficulty !== undefined && difficulty < floor) continue;
      this.s.window.push(correct);
    }
    if (this.s.window.length > this.opts.window) this.s.window.splice(0, this.s.window.length - this.opts.window);
    this.s.batches++;
    this.s.batchesAtLevel++;
    const acc = this.s.window.length ? this.s.window.filter(Boolean).length / this.s.window.length : NaN;
    const full = this.s.window.length >= this.opts.window;
    let to = this.s.difficulty;
    if (this.opts.mode === "steps") {
      if (this.s.batchesAtLevel >= this.opts.everySteps) to = this.s.difficulty + this.opts.step;
    } else if (full && acc >= this.opts.threshold) {
      to = this.s.difficulty + this.opts.step;
    } else if (full && this.opts.demoteBelow !== undefined && acc < this.opts.demoteBelow) {
      to = this.s.difficulty - this.opts.step;
    }
    to = Math.min(this.opts.max, Math.max(this.opts.min, to));
    if (to === this.s.difficulty) {
      if (this.opts.mode === "steps" && this.s.batchesAtLevel >= this.opts.everySteps) this.s.batchesAtLevel = 0;
      return null;
    }
    const event: CurriculumEvent = { from: this.s.difficulty, to, accuracy: acc, batch: this.s.batches };
    this.s.history.push(event);
    this.s.difficulty = to;
    this.s.batchesAtLevel = 0;
    this.s.window = [];
    return event;
  }
}
