/**
 * The root of every error the library throws: `ScratchpadError`, with a stable machine-readable
 * `code` (never reworded, unlike the message) and a cross-realm `isInstance` check, in the manner of
 * the Vercel AI SDK's `AISDKError`. Every stage's error classes extend it, so a caller can catch
 * "any scratchpad error" (`ScratchpadError.isInstance(e)`) or one kind (`e.code === "..."`, or the
 * subclass's own `isInstance`).
 */

/** The marker every scratchpad error carries; a global symbol, so two copies of the package agree. */
const MARKER = Symbol.for("scratchpad.error");

/** Options of a `ScratchpadError`: the underlying cause, when one error wraps another. */
export interface ScratchpadErrorOptions {
  cause?: unknown;
}

/** The base class of the library's errors: `name`, a stable `code`, a message that names the fix. */
export class ScratchpadError extends Error {
  private readonly [MARKER] = true;
  /** A stable identifier of the kind of failure (e.g. `"checkpoint_invalid"`); safe to branch on. */
  readonly code: string;

  constructor(code: string, message: string, options: ScratchpadErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
  }

  /**
   * Whether `error` is a scratchpad error: checks the marker, not the prototype chain, so it holds
   * across bundles and duplicate installs. On a subclass (`CheckpointError.isInstance(e)`) it also
   * requires that subclass.
   */
  static isInstance<T extends ScratchpadError>(this: abstract new (...args: never[]) => T, error: unknown): error is T {
    if (typeof error !== "object" || error === null || (error as Record<symbol, unknown>)[MARKER] !== true) return false;
    if ((this as unknown) === ScratchpadError) return true;
    // A subclass: the error is an instance of it here, or (another copy of the package) has its name up its chain.
    if (error instanceof this) return true;
    for (let p = Object.getPrototypeOf(error); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      if ((p.constructor as { name?: string } | undefined)?.name === this.name) return true;
    }
    return false;
  }
}
