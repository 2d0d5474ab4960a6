/**
 * The problem sets `scratchpad eval` and `scratchpad route` run on: a procedural task with a fixed
 * number of problems at each difficulty level, or a benchmark dataset (GSM8K, MATH-500, AIME, AMC,
 * HumanEval, MBPP, ...), subsampled with a seed.
 */
import type { Problem } from "../types.js";
import { UnknownTaskError } from "../tasks/errors.js";
import { getDataset, hasDataset, listDatasets } from "../tasks/loaders/datasets.js";
import { getTask, hasTask, listTasks } from "../tasks/registry.js";
import { ScratchpadError } from "../core/errors.js";

/** The task of the main job (see docs/rl.md): multi-digit addition in its compact format. */
export const DEFAULT_EVAL_TASK = "addition";

/** The defaults of `buildProblems` (the one place they are written; the CLI's help shows them). */
export const PROBLEM_SET_DEFAULTS = { task: DEFAULT_EVAL_TASK, n: 20, seed: 0 } as const;

/** Which problems to evaluate. */
export interface ProblemSetOptions {
  /** A generator name (`scratchpad tasks list`) or a dataset name (default "addition"). */
  task?: string;
  /** Generators: problems per difficulty level; datasets: problems in all (default 20). */
  n?: number;
  /** Seed of the problem set (default 0). */
  seed?: number;
  /** Generators: difficulty levels, "1-6" or "1,3,5" (default: the lowest six levels of the task). */
  difficulty?: string;
  /** Generators: a named prompt format of the task. */
  format?: string;
  /** Datasets: the split. */
  split?: string;
  /** Datasets: the data folder. */
  dataDir?: string;
}

/** Error for a bad problem-set request, naming the fix. */
export class ProblemSetError extends ScratchpadError {
  constructor(message: string) {
    super("problem_set", message);
  }
  override readonly name = "ProblemSetError";
}

/** Parse "1-6" or "1,3,5" into levels. */
export function parseLevels(spec: string): number[] {
  const range = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(spec);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a) throw new ProblemSetError(`difficulty range "${spec}" is backwards: write ${b}-${a}`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const list = spec.split(",").map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((x) => !Number.isInteger(x))) {
    throw new ProblemSetError(`cannot read difficulty "${spec}": use a range like 1-6 or a list like 1,3,5`);
  }
  return list;
}

/** Build the problem set. Procedural problems are ordered by difficulty. */
export async function buildProblems(o: ProblemSetOptions = {}): Promise<Problem[]> {
  const task = o.task ?? PROBLEM_SET_DEFAULTS.task;
  const n = o.n ?? PROBLEM_SET_DEFAULTS.n;
  const seed = o.seed ?? PROBLEM_SET_DEFAULTS.seed;
  if (!Number.isInteger(n) || n < 1) throw new ProblemSetError(`--n must be a whole number ≥ 1, got ${n}`);
  if (hasTask(task)) {
    const g = getTask(task);
    const levels = o.difficulty ? parseLevels(o.difficulty) : defaultLevels(g.difficulty.min, g.difficulty.max);
    for (const d of levels) {
      if (d < g.difficulty.min || d > g.difficulty.max) {
        throw new ProblemSetError(`difficulty ${d} is outside ${task}'s range ${g.difficulty.min}-${g.difficulty.max} (${g.difficulty.meaning})`);
      }
    }
    return levels.flatMap((d) => g.generate(n, { difficulty: d, seed, format: o.format }));
  }
  if (hasDataset(task)) {
    if (o.difficulty !== undefined) throw new ProblemSetError(`${task} is a dataset: --difficulty applies to procedural tasks only`);
    return getDataset(task).load({ limit: n, seed, split: o.split, dataDir: o.dataDir });
  }
  throw new UnknownTaskError(task, [...listTasks().map((t) => t.name), ...listDatasets().map((d) => d.name)]);
}

/** The lowest six levels of a task's scale. */
function defaultLevels(min: number, max: number): number[] {
  return Array.from({ length: Math.min(6, max - min + 1) }, (_, i) => min + i);
}
