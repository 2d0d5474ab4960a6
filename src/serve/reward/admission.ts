/**
 * Load control of the reward server: `Admission` bounds the items accepted and not yet answered (a request
 * that would overflow it gets 503 + Retry-After), and `Semaphore` bounds the sandboxed programs running at once,
 * handing its permits to the requests waiting in turn.
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

interface Waiter {
  go: () => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  owner: object;
}

/**
 * A counting semaphore; waiters can give up through an `AbortSignal`. Waiters are grouped by owner (their signal:
 * one per request) and a freed permit goes to the owners in turn, FIFO within an owner, so that a request with
 * many slow programs delays another request by one program per permit, not by all of its programs.
 */
export class Semaphore {
  private active = 0;
  /** Waiters per owner; the map's order is the owners' turn (an owner served goes last). */
  private readonly waiters = new Map<object, Waiter[]>();
  private queued = 0;

  constructor(readonly permits: number) {}

  /** Holders now. */
  get running(): number {
    return this.active;
  }

  /** Waiting now. */
  get waiting(): number {
    return this.queued;
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
      const w: Waiter = { go: resolve, signal, owner: signal ?? {} };
      if (signal) {
        w.onAbort = () => {
          const own = this.waiters.get(w.owner);
          const i = own ? own.indexOf(w) : -1;
          if (own && i >= 0) {
            own.splice(i, 1);
            this.queued--;
            if (own.length === 0) this.waiters.delete(w.owner);
          }
          reject(signal.reason);
        };
        signal.addEventListener("abort", w.onAbort, { once: true });
      }
      const own = this.waiters.get(w.owner);
      if (own) own.push(w);
      else this.waiters.set(w.owner, [w]);
      this.queued++;
    });
  }

  private release(): void {
    const first = this.waiters.entries().next();
    if (first.done) {
      this.active--;
      return;
    }
    const [owner, own] = first.value;
    const next = own.shift()!;
    this.queued--;
    this.waiters.delete(owner);
    if (own.length > 0) this.waiters.set(owner, own);
    if (next.onAbort) next.signal?.removeEventListener("abort", next.onAbort);
    next.go();
  }
}
