/**
 * The deadline of one verification (not to be confused with scale's thinking budget). Every loop of the parser and evaluator calls `tick()`,
 * which checks the clock every 32 operations and throws `MathTimeoutError` past the
 * deadline: the work is synchronous and bounded, so the limit really interrupts it.
 */
import { MathTimeoutError } from "./errors.js";

/** A deadline plus an operation counter. */
export class Deadline {
  private ops = 0;
  private readonly deadline: number;

  /** @param limitMs milliseconds from now. */
  constructor(readonly limitMs: number) {
    this.deadline = performance.now() + limitMs;
  }

  /** Count `n` operations; throws `MathTimeoutError` once past the deadline. */
  tick(n = 1): void {
    this.ops += n;
    if (this.ops >= 32) {
      this.ops = 0;
      if (performance.now() > this.deadline) throw new MathTimeoutError(this.limitMs);
    }
  }

  /** Check the clock now. */
  check(): void {
    if (performance.now() > this.deadline) throw new MathTimeoutError(this.limitMs);
  }
}

/** A budget that never runs out (for callers that bound the work themselves). */
export const unlimitedBudget = (): Deadline => new Deadline(Number.POSITIVE_INFINITY);
