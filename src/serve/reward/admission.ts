/**
 * Load control of the reward server: `Admission` bounds the items accepted and not yet answered (a request
 * that would overflow it gets 503 + Retry-After), and `Semaphore` bounds the sandboxed programs running at once.
 */

/** Counts items in flight against a bound. */
export class Admission {
  private inFlight = 0;

  constructor(readonly maxItems: number) {}

  /** Items accepted and not yet released. */
  get load(): number {
    return this.inFlight;
  }

  /**
   * Take `n` items, or return false when that would pass the bound. A request larger than the bound is
   * still admitted when nothing else is in flight, so that it can never be refused forever.
   */
  tryAcquire(n: number): boolean {
    if (this.inFlight > 0 && this.inFlight + n > this.maxItems) return false;
    this.inFlight += n;
    return true;
  }

  /** Give back `n` items. */
  release(n: number): void {
    this.inFlight = Math.max(0, this.inFlight - n);
  }
}

/** A counting semaphore with a FIFO wait list; waiters can give up through an `AbortSignal`. */
export class Semaphore {
  private active = 0;
  private readonly waiters: { go: () => void; signal?: AbortSignal; onAbort?: () => void }[] = [];

  constructor(readonly permits: number) {}

  /** Holders now. */
  get running(): number {
    return this.active;
  }

  /** Waiting now. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Run `fn` holding one permit. Rejects with the signal's reason if it aborts while waiting. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.permits) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const w: (typeof this.waiters)[number] = { go: resolve, signal };
      if (signal) {
        w.onAbort = () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      this.waiters.push(w);
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) {
      if (next.onAbort) next.signal?.removeEventListener("abort", next.onAbort);
      next.go();
    } else {
      this.active--;
    }
  }
}
