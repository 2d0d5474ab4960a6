/**
 * A concurrency limiter: at most `limit` tasks run at once; the rest wait in FIFO order.
 */

/** Runs async tasks with at most `limit` in flight. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency limit must be a whole number ≥ 1, got ${limit}`);
  }

  /** Tasks running now. */
  get inFlight(): number {
    return this.active;
  }

  /** Run `task` when a slot is free; the slot is released when it settles. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next)
        next(); // hand the slot over without releasing it
      else this.active--;
    }
  }
}
