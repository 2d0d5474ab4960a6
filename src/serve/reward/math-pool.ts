/**
 * `MathPool`: worker threads that verify math items in parallel (one per core by default), so that the
 * reward server uses every core and a slow verification never blocks the HTTP loop. Tasks queue per request
 * (the owner: the request's abort signal) and a free worker takes them round robin across requests, in one message
 * of up to `MAX_BATCH` tasks and `MAX_BATCH_ITEMS` items, so that many small requests (OpenRLHF's one query per
 * request) cost one round trip per batch, not per request, and a request of many slow items (each up to the
 * verifier's time limit) delays the others by one message, not by all of its items. An aborted task (deadline,
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
/** Items (pairs, lines) sent to one worker in one message, at most (a single larger task goes alone). */
const MAX_BATCH_ITEMS = 16;

function itemCount(t: MathTask): number {
  return t.op === "lines" ? t.items.length : t.pairs.length;
}

interface Job {
  task: MathTask;
  /** Resolved or rejected already (an aborted job's late result is dropped). */
  done?: boolean;
  resolve: (r: unknown[]) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** Whose task it is (the request's signal): the queue takes owners in turn. */
  owner: object;
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

/** A fixed set of math worker threads; queued tasks are taken round robin across their owners (requests). */
export class MathPool {
  /** Number of worker threads. */
  readonly size: number;
  private readonly slots: Slot[] = [];
  /** Queued tasks per owner, FIFO within an owner; the map's order is the owners' turn (served: moved last). */
  private readonly queue = new Map<object, Job[]>();
  private queued = 0;
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
    return this.queued;
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
    for (const job of this.drain()) this.finish(job, new ScratchpadError("math_pool_failed", "the math pool was closed"));
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
      const job: Job = { task: { ...input, id: this.nextId++ }, resolve, reject, signal, owner: signal ?? {} };
      if (signal) {
        job.onAbort = () => this.abort(job);
        signal.addEventListener("abort", job.onAbort, { once: true });
      }
      const own = this.queue.get(job.owner);
      if (own) own.push(job);
      else this.queue.set(job.owner, [job]);
      this.queued++;
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
      for (const j of this.drain()) this.finish(j, this.broken);
    }
    if (this.closed || this.broken) {
      this.slots.splice(i, 1);
      return;
    }
    this.slots[i] = this.spawn();
    this.pump();
  }

  private abort(job: Job): void {
    const own = this.queue.get(job.owner);
    const q = own ? own.indexOf(job) : -1;
    if (own && q >= 0) {
      own.splice(q, 1);
      this.queued--;
      if (own.length === 0) this.queue.delete(job.owner);
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
      if (slot.jobs.length > 0 || this.queued === 0) continue;
      let batch = this.take(Math.max(1, Math.min(MAX_BATCH, Math.ceil(this.queued / this.idleSlots()))));
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

  /**
   * Up to `maxTasks` queued tasks and `MAX_BATCH_ITEMS` items (at least one task), one from each owner in turn:
   * an owner served goes to the back of the line.
   */
  private take(maxTasks: number): Job[] {
    const batch: Job[] = [];
    let items = 0;
    while (batch.length < maxTasks && this.queued > 0) {
      const [owner, jobs] = this.queue.entries().next().value as [object, Job[]];
      const n = itemCount(jobs[0].task);
      if (batch.length > 0 && items + n > MAX_BATCH_ITEMS) break;
      batch.push(jobs.shift()!);
      items += n;
      this.queued--;
      this.queue.delete(owner);
      if (jobs.length > 0) this.queue.set(owner, jobs);
    }
    return batch;
  }

  /** Every queued task, the queue emptied. */
  private drain(): Job[] {
    const all = [...this.queue.values()].flat();
    this.queue.clear();
    this.queued = 0;
    return all;
  }

  private idleSlots(): number {
    return Math.max(1, this.slots.filter((s) => s.jobs.length === 0).length);
  }
}
