/**
 * The characters a task uses: for building a character-level vocabulary for the tiny embedded model
 * (prompts, answers and worked traces of a sample of problems).
 */
import type { Problem } from "../types.js";
import type { TaskGenerateOptions, TaskGenerator } from "./task-generator.js";

/** The sorted set of characters in the prompts, answers and `meta.trace`s of `problems`. */
export function problemAlphabet(problems: readonly Problem[]): string {
  const chars = new Set<string>();
  for (const p of problems) {
    for (const text of [p.prompt, p.answer, typeof p.meta.trace === "string" ? p.meta.trace : ""]) {
      for (const c of text) chars.add(c);
    }
  }
  return [...chars].sort().join("");
}

/**
 * The characters a generator uses over its whole difficulty range (sampled: `n` problems per level,
 * default 200), with the given format and params.
 */
export function taskAlphabet(task: TaskGenerator, opts: Omit<TaskGenerateOptions, "difficulty"> & { n?: number } = {}): string {
  const { n = 200, ...rest } = opts;
  const problems: Problem[] = [];
  for (let d = task.difficulty.min; d <= task.difficulty.max; d++) problems.push(...task.generate(n, { ...rest, difficulty: d }));
  return problemAlphabet(problems);
}
