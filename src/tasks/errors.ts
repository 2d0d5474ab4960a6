/**
 * Error classes of the tasks stage. Each has a stable `name` and says how to fix the problem.
 */
import { ScratchpadError } from "../core/errors.js";

/** Base class: every error thrown by src/tasks is a TaskError. */
export class TaskError extends ScratchpadError {
  /** `code` defaults to the class's kind (`"invalid_difficulty"` for InvalidDifficultyError, …). */
  constructor(message: string, code?: string) {
    super(code ?? TaskError.codeOf(new.target.name), message);
  }
  override name = "TaskError";

  /** `UnknownTaskError` → `"unknown_task"`. */
  private static codeOf(className: string): string {
    return className
      .replace(/Error$/, "")
      .replace(/(?<!^)(?=[A-Z])/g, "_")
      .toLowerCase();
  }
}

/** A task or dataset name that is not registered. */
export class UnknownTaskError extends TaskError {
  override name = "UnknownTaskError";
  constructor(
    readonly task: string,
    readonly known: readonly string[],
  ) {
    super(`unknown task "${task}"; known tasks: ${known.join(", ")} (run \`scratchpad tasks list\`)`);
  }
}

/** A difficulty outside a generator's range, or one that cannot be parsed. */
export class InvalidDifficultyError extends TaskError {
  override name = "InvalidDifficultyError";
}

/** Bad generator options: unknown parameter, bad format template, bad count. */
export class InvalidTaskOptionError extends TaskError {
  override name = "InvalidTaskOptionError";
}

/** A dataset file that is not where the loader looked. */
export class DatasetNotFoundError extends TaskError {
  override name = "DatasetNotFoundError";
  constructor(
    readonly dataset: string,
    readonly path: string,
  ) {
    super(
      `dataset "${dataset}": file not found: ${path}. ` +
        `Point the loader at the folder holding the benchmark JSONL files with the dataDir option ` +
        `(CLI: --data-dir DIR) or the SCRATCHPAD_DATA environment variable ` +
        `(default: data/ in the package root).`,
    );
  }
}

/** A dataset file whose rows do not have the fields the loader expects. */
export class DatasetFormatError extends TaskError {
  override name = "DatasetFormatError";
  constructor(
    readonly path: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${path}:${line}: ${detail}`);
  }
}
