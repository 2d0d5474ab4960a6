/**
 * The registry of procedural task generators: look one up by name, list them, add your own.
 */
import { TaskError, UnknownTaskError } from "./errors.js";
import { addition } from "./generators/addition.js";
import { baseConversion } from "./generators/base-conversion.js";
import { countdown } from "./generators/countdown.js";
import { digitSum } from "./generators/digit-sum.js";
import { linearEquation } from "./generators/linear-equation.js";
import { modular } from "./generators/modular.js";
import { multiplication } from "./generators/multiplication.js";
import { reverse } from "./generators/reverse.js";
import { sorting } from "./generators/sorting.js";
import { subtraction } from "./generators/subtraction.js";
import type { TaskGenerator } from "./task-generator.js";

const registry = new Map<string, TaskGenerator>();
for (const g of [addition, subtraction, multiplication, countdown, linearEquation, modular, sorting, baseConversion, digitSum, reverse]) {
  registry.set(g.name, g);
}

/** The generator registered under `name`; throws UnknownTaskError (listing the names) otherwise. */
export function getTask(name: string): TaskGenerator {
  const g = registry.get(name);
  if (!g) throw new UnknownTaskError(name, [...registry.keys()]);
  return g;
}

/** Whether a generator is registered under `name`. */
export function hasTask(name: string): boolean {
  return registry.has(name);
}

/** Every registered generator, in registration order. */
export function listTasks(): TaskGenerator[] {
  return [...registry.values()];
}

/** Register a generator (replacing one of the same name only when `replace` is set). */
export function registerTask(generator: TaskGenerator, replace = false): void {
  if (registry.has(generator.name) && !replace) {
    throw new TaskError(`a task named "${generator.name}" is already registered: pick another name or pass replace=true`);
  }
  registry.set(generator.name, generator);
}
