/**
 * `CodePool`: runs many programs through `runCode` in parallel, at most `concurrency` at a time (default:
 * the number of cores), in submission order. Results come back per request, so callers can await them in
 * any order; `runAll` keeps the input order.
 */
import os from "node:os";
import { runCode } from "./run-code.js";
import type { CodeRequest, CodeResult } from "./types.js";
import { ScratchpadError } from "../../core/errors.js";

/** Options of a `CodePool`. */
export interface CodePoolOptions {
  /** Programs running at once (default `os.availableParallelism()`). */
  concurrency?: number;
}

/** Thrown (as a rejection) for requests still queued when the pool is closed. */
export class CodePoolClosedError extends ScratchpadError {
  override readonly name = "CodePoolClosedError";
  constructor() {
    super("code_pool_closed", "the code pool was closed before this program ran; create a new CodePool to run more");
  }
}

interface Job {
  req: CodeRequest;
  resolve: (r: CodeResult) => void;
  reject: (e: unknown) => void;
}

/** A bounded-parallelism queue in front of `runCode`. */
export class CodePool {
  /** Programs running at once. */
  readonly concurrency: number;
  private readonly queue: Job[] = [];
  private running = 0;
  private closed = false;

  constructor(opts: CodePoolOptions = {}) {
    const n = opts.concurrency ?? os.availableParallelism();
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`CodePool concurrency must be a positive integer, got ${String(opts.concurrency)}`);
    }
    this.concurrency = n;
  }

  /** Programs running now. */
  get active(): number {
    return this.running;
  }

  /** Programs waiting for a slot. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queue one program; resolves with its result (rejects only for a malformed request or a closed pool). */
  run(req: CodeRequest): Promise<CodeResult> {
    if (this.closed) return Promise.reject(new CodePoolClosedError());
    return new Promise<CodeResult>((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      this.pump();
    });
  }

  /** Run every request; results in the input order. A malformed request rejects the whole batch. */
  runAll(reqs: CodeRequest[]): Promise<CodeResult[]> {
    return Promise.all(reqs.map((r) => this.run(r)));
  }

  /** Reject every queued request with `CodePoolClosedError`; running programs finish. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new CodePoolClosedError());
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.running++;
      runCode(job.req)
        .then(job.resolve, job.reject)
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}

let shared: CodePool | undefined;

/** A process-wide pool (one slot per core) shared by `codeVerifier` and the CLI. */
export function defaultCodePool(): CodePool {
  shared ??= new CodePool();
  return shared;
}
