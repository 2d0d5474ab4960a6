/**
 * `MathPool`: worker threads that verify math items in parallel (one per core by default), so that the
 * reward server uses every core and a slow verification never blocks the HTTP loop. Tasks queue in submission
 * order; a free worker takes the queued tasks in one message (up to `MAX_BATCH`), so that many small requests
 * (OpenRLHF's one query per request) cost one round trip per batch, not per request. An aborted task (deadline,
 * client gone) rejects at once; when every task a worker holds is aborted, the worker is terminated (it may be
 * stuck on hostile input) and replaced, as is a worker that dies.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";
import { ScratchpadError } from "../../core/errors.js";
import type { MathVerifyOptions } from "../../verify/math/types.js";

/** What the server asks a worker to do. */
export type MathTask = { id: number; op: "lines"; items: unknown[]; first: number } | { id: number; op: "pairs"; pairs: { gold: string; response: string }[] };

/** A `pairs` verdict, trimmed to what the reward needs. */
export interface PairVerdict {
  correct: boolean;
  score: number;
  reason: string;
  ms: number;
}

/** A worker's answer to one task. */
export type MathTaskResult = { id: number; results: unknown[] } | { id: number; error: string };

/** The task was stopped because its request was aborted (deadline, client gone). */
export class MathTaskAbortedError extends ScratchpadError {
  override readonly name = "MathTaskAbortedError";
  constructor() {
    super("math_task_aborted", "math verification stopped: the request was aborted");
  }
}

type TaskInput = { op: "lines"; items: unknown[]; first: number } | { op: "pairs"; pairs: { gold: string; response: string }[] };

/** Tasks sent to one worker in one message, at most. */
const MAX_BATCH = 32;

interface Job {
  task: MathTask;
  /** Resolved or rejected already (an aborted job's late result is dropped). */
  done?: boolean;
  resolve: (r: unknown[]) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  worker: Worker;
  /** The batch the worker is running (empty: idle). */
  jobs: Job[];
  /** The worker has loaded the verifier (its first message). */
  ready: boolean;
}

/**
 * Start the worker: the compiled .js beside this file, or, when running from the .ts sources (tests, dev under
 * tsx), a small bootstrap that registers tsx in the worker before importing the .ts worker.
 */
function startWorker(mathOptions: MathVerifyOptions): Worker {
  const here = import.meta.url;
  const resourceLimits = { maxOldGenerationSizeMb: 1024 };
  const workerData = { mathOptions };
  if (!here.endsWith(".ts")) return new Worker(new URL("./math-worker.js", here), { resourceLimits, workerData });
  const src = JSON.stringify(new URL("./math-worker.ts", here).href);
  return new Worker(`import("tsx/esm/api").then((api) => { api.register(); return import(${src}); });`, { eval: true, resourceLimits, workerData });
}

/** A fixed set of math worker threads with a FIFO queue. */
export class MathPool {
  /** Number of worker threads. */
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers lost in a row without any finishing a task; past a bound the pool stops respawning. */
  private crashes = 0;
  private broken: Error | undefined;

  /**
   * @param size worker threads (default: the number of cores)
   * @param mathOptions the math verifier's options for every item and pair (an item's own `options` win over them)
   */
  constructor(
    size = os.availableParallelism(),
    readonly mathOptions: MathVerifyOptions = {},
  ) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`MathPool size must be a positive integer, got ${size}`);
    this.size = size;
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Workers that have started and loaded the verifier. */
  get ready(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** Tasks waiting for a worker. */
  get pending(): number {
    return this.queue.length;
  }

  /** Verify `verify math --jsonl` items (numbered from `first`); resolves with the CLI's output objects. */
  lines(items: unknown[], first: number, signal?: AbortSignal): Promise<Record<string, unknown>[]> {
    return this.submit({ op: "lines", items, first }, signal) as Promise<Record<string, unknown>[]>;
  }

  /** Verify (gold, response) pairs; resolves with one verdict each. */
  pairs(pairs: { gold: string; response: string }[], signal?: AbortSignal): Promise<PairVerdict[]> {
    return this.submit({ op: "pairs", pairs }, signal) as Promise<PairVerdict[]>;
  }

  /** Stop every worker; queued and running tasks reject. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.finish(job, new ScratchpadError("math_pool_failed", "the math pool was closed"));
    await Promise.all(
      this.slots.map(async (s) => {
        for (const j of s.jobs) this.finish(j, new ScratchpadError("math_pool_failed", "the math pool was closed"));
        s.jobs = [];
        await s.worker.terminate();
      }),
    );
  }

  private submit(input: TaskInput, signal?: AbortSignal): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new ScratchpadError("math_pool_failed", "the math pool was closed"));
    if (this.broken) return Promise.reject(this.broken);
    if (signal?.aborted) return Promise.reject(new MathTaskAbortedError());
    return new Promise<unknown[]>((resolve, reject) => {
      const job: Job = { task: { ...input, id: this.nextId++ }, resolve, reject, signal };
      if (signal) {
        job.onAbort = () => this.abort(job);
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  private spawn(): Slot {
    const worker = startWorker(this.mathOptions);
    worker.unref();
    const slot: Slot = { worker, jobs: [], ready: false };
    worker.on("message", (results: MathTaskResult[] | "ready") => {
      if (results === "ready") {
        slot.ready = true;
        return;
      }
      const jobs = slot.jobs;
      slot.jobs = [];
      this.crashes = 0;
      for (const m of results) {
        const job = jobs.find((j) => j.task.id === m.id);
        if (!job) continue;
        if ("error" in m) this.finish(job, new ScratchpadError("math_pool_failed", `math worker: ${m.error}`));
        else this.finish(job, undefined, m.results);
      }
      for (const j of jobs) this.finish(j, new ScratchpadError("math_pool_failed", "math worker: no result for this task"));
      this.pump();
    });
    worker.on("error", (e) => this.replace(slot, e));
    worker.on("exit", (code) => this.replace(slot, new ScratchpadError("math_pool_failed", `math worker exited (status ${code})`)));
    return slot;
  }

  /** Replace a dead (or stopped) worker; its task, if any, rejects with `why`. */
  private replace(slot: Slot, why: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    const jobs = slot.jobs;
    slot.jobs = [];
    slot.worker.removeAllListeners();
    slot.worker.on("error", () => undefined);
    void slot.worker.terminate();
    for (const j of jobs) this.finish(j, why);
    if (!(why instanceof MathTaskAbortedError)) this.crashes++;
    if (this.crashes > 3 * this.size + 3 && !this.broken) {
      this.broken = new ScratchpadError("math_pool_failed", `math workers keep failing (last: ${why.message})`);
      for (const j of this.queue.splice(0)) this.finish(j, this.broken);
    }
    if (this.closed || this.broken) {
      this.slots.splice(i, 1);
      return;
    }
    this.slots[i] = this.spawn();
    this.pump();
  }

  private abort(job: Job): void {
    const q = this.queue.indexOf(job);
    if (q >= 0) {
      this.queue.splice(q, 1);
      this.finish(job, new MathTaskAbortedError());
      return;
    }
    const slot = this.slots.find((s) => s.jobs.includes(job));
    this.finish(job, new MathTaskAbortedError());
    // Every task of the batch given up: stop the worker (it may be stuck) and start a fresh one.
    if (slot && slot.jobs.every((j) => j.done)) this.replace(slot, new MathTaskAbortedError());
  }

  private finish(job: Job, err: Error | undefined, results?: unknown[]): void {
    if (job.done) return;
    job.done = true;
    if (job.onAbort) job.signal?.removeEventListener("abort", job.onAbort);
    if (err) job.reject(err);
    else job.resolve(results!);
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.jobs.length > 0 || this.queue.length === 0) continue;
      let batch = this.queue.splice(0, Math.max(1, Math.min(MAX_BATCH, Math.ceil(this.queue.length / this.idleSlots()))));
      try {
        slot.worker.postMessage(batch.map((j) => j.task));
      } catch {
        // Input that cannot be copied to a worker (too deep, too large): fail only the tasks that cannot travel.
        batch = batch.filter((job) => {
          try {
            structuredClone(job.task);
            return true;
          } catch (e) {
            this.finish(
              job,
              new ScratchpadError("math_pool_failed", `the items could not be sent to a math worker: ${e instanceof Error ? e.message : String(e)}`),
            );
            return false;
          }
        });
        if (batch.length === 0) continue;
        slot.worker.postMessage(batch.map((j) => j.task));
      }
      slot.jobs = batch;
    }
  }

  private idleSlots(): number {
    return Math.max(1, this.slots.filter((s) => s.jobs.length === 0).length);
  }
}
