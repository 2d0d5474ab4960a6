/**
 * The reward server (node:http): verifiable rewards for RL frameworks that train elsewhere.
 *
 * - `POST /get_reward`: OpenRLHF's `--remote_rm_url` contract (get-reward.ts);
 * - `POST /run_code`: SandboxFusion's contract as veRL's client calls it (run-code.ts);
 * - `POST /verify`: `verify math|code --jsonl` items in, its result objects out (verify.ts);
 * - `GET /health`.
 *
 * Load: math runs on worker threads (math-pool.ts), programs in the sandbox at most `workers` at once; the
 * items accepted and not yet answered are bounded (`maxQueue`: past it, 503 + Retry-After); each request has a
 * deadline (504 past it, its queued work dropped); a body over `maxBodyBytes` gets 413 and the connection is
 * closed. Errors are OpenAI-shaped JSON (`{"error": {"message", "type", "param", "code"}}`).
 */
import { setMaxListeners } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { sandboxInfo } from "../../verify/code/sandbox-info.js";
import { OpenAIHttpError } from "../errors.js";
import { Admission, Semaphore } from "./admission.js";
import { computeRewards, parseGetRewardBody, type RewardTask } from "./get-reward.js";
import { MathPool } from "./math-pool.js";
import { DEFAULT_RUN_CODE_BOUNDS, parseRunCodeBody, runCodeRequest, type RunCodeBounds } from "./run-code.js";
import { parseVerifyBody, runVerify } from "./verify.js";
import { ScratchpadError } from "../../core/errors.js";
import { lineOptions } from "../../verify/math/options.js";
import type { MathVerifyOptions } from "../../verify/math/types.js";

/** Where `startRewardServer` listens unless told (the one place these defaults are written). */
export const REWARD_SERVER_DEFAULTS = { port: 5000, host: "127.0.0.1" } as const;

/** Options of the reward server; all optional. */
export interface RewardServerOptions {
  /** Math worker threads and programs run at once (default: the number of cores). */
  workers?: number;
  /** Which verifier `/get_reward` labels go to: `math`, `code`, or `auto` (default: a label object with tests is code). */
  task?: RewardTask;
  /** Largest request body, bytes (default 64 MiB). */
  maxBodyBytes?: number;
  /** Items (queries, `/verify` items, programs) accepted and not yet answered (default 16384). */
  maxQueue?: number;
  /** Per-request deadline, ms (default 150 000: under OpenRLHF's 180 s client timeout). */
  deadlineMs?: number;
  /** Bounds of `/run_code` requests. */
  runCode?: Partial<RunCodeBounds>;
  /**
   * The math verifier's options for every math reward (`/get_reward` gold labels, `/verify` math items, whose own
   * `options` win): Math-Verify's names, e.g. open-r1's accuracy reward `{extraction: ["latex"], goldExtraction:
   * ["latex", "expr"], boxed_match_priority: 0, try_extract_without_anchor: false, extraction_mode: "first_match"}`.
   * Invalid options throw a `ScratchpadError` naming the option.
   */
  mathOptions?: MathVerifyOptions;
}

/** A running reward server. */
export interface RunningRewardServer {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:5000. */
  url: string;
  port: number;
  /** Stop accepting connections, end open ones, stop the workers. */
  close(): Promise<void>;
}

interface Ctx {
  task: RewardTask;
  workers: number;
  maxBody: number;
  /** Bytes all request bodies being read may hold together (past it: 503 and the connection closed). */
  maxBodyBytesInFlight: number;
  bodyBytes: number;
  deadlineMs: number;
  runCode: RunCodeBounds;
  admission: Admission;
  math: MathPool;
  sandbox: Semaphore;
  mathChunk: number;
  started: number;
  served: number;
}

class DeadlineError extends ScratchpadError {
  constructor(message: string) {
    super("deadline", message);
  }
  override readonly name = "DeadlineError";
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, err: unknown): void {
  const e =
    err instanceof OpenAIHttpError
      ? err
      : new OpenAIHttpError(500, `internal error: ${err instanceof Error ? err.message : String(err)}`, "server_error", null, "internal_error");
  const headers: Record<string, string> = {};
  if (e.status === 503 || e.status === 429) headers["retry-after"] = "1";
  json(res, e.status, e.toJSON(), headers);
}

/** Answer an error and close the connection once the answer is flushed (the rest of the body is never read). */
function refuseBody(req: IncomingMessage, res: ServerResponse, err: OpenAIHttpError): void {
  const body = JSON.stringify(err.toJSON());
  const socket = req.socket;
  req.pause();
  if (res.headersSent || res.destroyed) {
    socket.destroy();
    return;
  }
  res.shouldKeepAlive = false;
  const headers: Record<string, string> = { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), connection: "close" };
  if (err.status === 503) headers["retry-after"] = "1";
  res.writeHead(err.status, headers);
  res.end(body, () => socket.destroy());
}

function tooLarge(max: number): OpenAIHttpError {
  return new OpenAIHttpError(413, `request body over ${max} bytes (the server's --max-body)`, "invalid_request_error", null, "request_too_large");
}

function bodiesFull(cap: number): OpenAIHttpError {
  return new OpenAIHttpError(
    503,
    `the server is busy: request bodies being read pass ${cap} bytes in all; retry after 1 s`,
    "server_error",
    null,
    "overloaded",
  );
}

/**
 * Read the body up to `max` bytes, counting it against the bytes all bodies being read may hold together;
 * undefined when it was refused (413 or 503 already sent, connection closing).
 */
function readBody(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
  const max = ctx.maxBody;
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    refuseBody(req, res, tooLarge(max));
    return Promise.resolve(undefined);
  }
  let held = 0;
  res.once("close", () => {
    ctx.bodyBytes -= held;
    held = 0;
  });
  return new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const refuse = (err: OpenAIHttpError): void => {
      refused = true;
      refuseBody(req, res, err);
      resolve(undefined);
    };
    req.on("data", (c: Buffer) => {
      if (refused) return;
      size += c.length;
      if (size > max) return refuse(tooLarge(max));
      if (ctx.bodyBytes + c.length > ctx.maxBodyBytesInFlight) return refuse(bodiesFull(ctx.maxBodyBytesInFlight));
      ctx.bodyBytes += c.length;
      held += c.length;
      chunks.push(c);
    });
    req.on("end", () => {
      if (!refused) resolve(Buffer.concat(chunks));
    });
    req.on("error", (e) => {
      if (!refused) reject(new OpenAIHttpError(400, `could not read the request body: ${e.message}`, "invalid_request_error", null, "bad_body"));
    });
  });
}

function parseJson(buf: Buffer): unknown {
  const text = buf.toString("utf8");
  if (text.trim() === "") throw new OpenAIHttpError(400, "empty request body: send a JSON object", "invalid_request_error", null, "invalid_json");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OpenAIHttpError(400, `could not parse the JSON body: ${(err as Error).message}`, "invalid_request_error", null, "invalid_json");
  }
}

/** Run `fn` under the request's deadline (and abort it if the client goes away). */
async function withDeadline<T>(ctx: Ctx, req: IncomingMessage, res: ServerResponse, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  // Each math chunk and waiting program of the request listens on this signal (a batch of 4096 queries: 256):
  // no limit, or Node warns of a leak on every large batch.
  setMaxListeners(0, ac.signal);
  const timer = setTimeout(() => ac.abort(new DeadlineError(`the request's deadline of ${ctx.deadlineMs} ms passed`)), ctx.deadlineMs);
  const onClose = (): void => {
    if (!res.writableFinished) ac.abort(new ScratchpadError("request_aborted", "the client closed the connection"));
  };
  res.on("close", onClose);
  const aborted = new Promise<never>((_resolve, reject) => {
    ac.signal.addEventListener("abort", () => reject(ac.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  try {
    return await Promise.race([fn(ac.signal), aborted]);
  } catch (e) {
    if (ac.signal.aborted && ac.signal.reason instanceof DeadlineError) {
      throw new OpenAIHttpError(504, `${ac.signal.reason.message}: the work was stopped (the server's --deadline)`, "server_error", null, "deadline_exceeded");
    }
    throw e;
  } finally {
    clearTimeout(timer);
    res.off("close", onClose);
    if (!ac.signal.aborted) ac.abort(new ScratchpadError("request_aborted", "request finished"));
  }
}

function admit(ctx: Ctx, n: number): void {
  if (!ctx.admission.tryAcquire(n)) {
    throw new OpenAIHttpError(
      503,
      `the server is busy: ${ctx.admission.load} items in flight, ${n} more would pass its queue of ${ctx.admission.maxItems} (--max-queue); retry after 1 s`,
      "server_error",
      null,
      "overloaded",
    );
  }
}

async function handlePost(ctx: Ctx, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const buf = await readBody(ctx, req, res);
  if (buf === undefined) return;
  const body = parseJson(buf);
  if (path === "/get_reward") {
    const job = parseGetRewardBody(body, ctx.task);
    admit(ctx, job.items.length);
    try {
      const out = await withDeadline(ctx, req, res, (signal) => computeRewards(job, ctx, signal));
      json(res, 200, out);
    } finally {
      ctx.admission.release(job.items.length);
    }
    return;
  }
  if (path === "/run_code") {
    const r = parseRunCodeBody(body, ctx.runCode);
    admit(ctx, 1);
    try {
      const out = await withDeadline(ctx, req, res, (signal) => ctx.sandbox.run(() => runCodeRequest(r, signal), signal));
      json(res, 200, out);
    } finally {
      ctx.admission.release(1);
    }
    return;
  }
  const job = parseVerifyBody(body);
  admit(ctx, job.items.length);
  try {
    const results = await withDeadline(ctx, req, res, (signal) => runVerify(job, ctx, signal));
    json(res, 200, { results });
  } finally {
    ctx.admission.release(job.items.length);
  }
}

const POST_ROUTES = new Set(["/get_reward", "/run_code", "/verify"]);

async function route(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0].replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";
  if (path === "/health") {
    if (method !== "GET" && method !== "HEAD")
      throw new OpenAIHttpError(405, `${method} ${path} is not allowed: use GET`, "invalid_request_error", null, "method_not_allowed");
    return json(res, 200, {
      status: "ok",
      task: ctx.task,
      math_options: ctx.math.mathOptions,
      workers: ctx.workers,
      sandbox: sandboxInfo().kind,
      in_flight: ctx.admission.load,
      max_queue: ctx.admission.maxItems,
      programs_running: ctx.sandbox.running,
      programs_waiting: ctx.sandbox.waiting,
      math_tasks_waiting: ctx.math.pending,
      math_workers_ready: ctx.math.ready,
      requests_served: ctx.served,
      uptime_s: Math.round((performance.now() - ctx.started) / 1000),
    });
  }
  if (POST_ROUTES.has(path)) {
    if (method !== "POST") throw new OpenAIHttpError(405, `${method} ${path} is not allowed: use POST`, "invalid_request_error", null, "method_not_allowed");
    return handlePost(ctx, path, req, res);
  }
  throw new OpenAIHttpError(
    404,
    `no route ${method} ${path}: this server has POST /get_reward, POST /run_code, POST /verify, GET /health`,
    "invalid_request_error",
    null,
    "not_found",
  );
}

/** `mathOptions` validated as a JSONL line's options are (an error names the option and what it accepts). */
function checkedMathOptions(o: MathVerifyOptions | undefined): MathVerifyOptions {
  if (o === undefined) return {};
  const r = lineOptions(o);
  if (typeof r === "string") throw new ScratchpadError("invalid_option", `mathOptions: ${r}`);
  return r;
}

function makeContext(o: RewardServerOptions): Ctx {
  const workers = o.workers ?? os.availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${String(o.workers)}`);
  const task = o.task ?? "auto";
  if (task !== "math" && task !== "code" && task !== "auto") throw new RangeError(`task must be math, code or auto, got ${String(task)}`);
  const positive = (name: string, v: number | undefined, d: number): number => {
    const x = v ?? d;
    if (!Number.isFinite(x) || x <= 0) throw new RangeError(`${name} must be a positive number, got ${String(v)}`);
    return x;
  };
  const maxBody = positive("maxBodyBytes", o.maxBodyBytes, 64 << 20);
  return {
    task,
    workers,
    maxBody,
    maxBodyBytesInFlight: Math.max(4 * maxBody, 256 << 20),
    bodyBytes: 0,
    deadlineMs: positive("deadlineMs", o.deadlineMs, 150_000),
    runCode: { ...DEFAULT_RUN_CODE_BOUNDS, ...(o.runCode ?? {}) },
    admission: new Admission(Math.floor(positive("maxQueue", o.maxQueue, 16384))),
    math: new MathPool(workers, checkedMathOptions(o.mathOptions)),
    sandbox: new Semaphore(workers),
    mathChunk: 16,
    started: performance.now(),
    served: 0,
  };
}

/** Create (not start) the reward server; `close` it to stop its workers. */
export function createRewardServer(o: RewardServerOptions = {}): { server: Server; close(): Promise<void> } {
  const ctx = makeContext(o);
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    res.on("finish", () => ctx.served++);
    route(ctx, req, res).catch((err: unknown) => sendError(res, err));
  };
  const server = createServer(handle);
  // "Expect: 100-continue" (curl past 1 MB): a body declared over --max-body is refused before the client is
  // told to send it (Node's default answers 100 Continue to every such request, and the client then sent its
  // whole body into a connection the server was closing).
  server.on("checkContinue", (req, res) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > ctx.maxBody) return refuseBody(req, res, tooLarge(ctx.maxBody));
    res.writeContinue();
    handle(req, res);
  });
  // Idle keep-alive sockets outlive clients' pools (Node's 5 s default races with a client reusing a socket
  // just as the server closes it: "connection reset"); whole requests must arrive within 2 minutes.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;
  server.maxRequestsPerSocket = 0;
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    socket.destroy();
  });
  return {
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ctx.math.close();
    },
  };
}

/** Start the reward server on host:port (port 0: any free port; default 127.0.0.1:5000). */
export async function startRewardServer(o: RewardServerOptions & { port?: number; host?: string } = {}): Promise<RunningRewardServer> {
  const { server, close } = createRewardServer(o);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A deep accept backlog: trainers open many connections at once (OpenRLHF: one query per request, 64+ in flight).
    server.listen({ port: o.port ?? REWARD_SERVER_DEFAULTS.port, host: o.host ?? REWARD_SERVER_DEFAULTS.host, backlog: 4096 }, () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return { server, port, url: `http://${host}:${port}`, close };
}
