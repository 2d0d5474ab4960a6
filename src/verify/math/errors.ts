/**
 * Error classes of the math verifier. They never escape `verifyMath` (which returns verdicts), but
 * the parser and evaluator use them internally, and `parseMath` throws them to direct callers.
 */
import { ScratchpadError } from "../../core/errors.js";

/** An answer could not be parsed as math. */
export class MathParseError extends ScratchpadError {
  override readonly name = "MathParseError";
  constructor(
    message: string,
    /** The input (cut to 200 characters) that failed. */
    readonly input: string,
  ) {
    super("math_parse", message);
  }
}

/** A verification ran past its time limit or its operation budget. */
export class MathTimeoutError extends ScratchpadError {
  override readonly name = "MathTimeoutError";
  constructor(readonly limitMs: number) {
    super("math_timeout", `math verification exceeded its time limit of ${limitMs} ms (raise timeoutMs if the answers are large)`);
  }
}

/** An exact value grew past the size limit (huge powers, factorials, long numbers): the caller falls back. */
export class MathTooLargeError extends ScratchpadError {
  override readonly name = "MathTooLargeError";
  constructor(what: string) {
    super("math_too_large", `exact value too large: ${what}`);
  }
}
