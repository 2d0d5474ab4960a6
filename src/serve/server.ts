/**
 * The OpenAI-compatible HTTP server (node:http): GET /v1/models, POST /v1/chat/completions,
 * POST /v1/completions, GET /health, GET /version, GET /metrics (Prometheus text). Errors are
 * OpenAI-shaped JSON with a 4xx/5xx status.
 *
 * - CORS: `allowedOrigins` (default `["*"]`, as vLLM's `--allowed-origins`): the response to an
 *   allowed origin carries `access-control-allow-origin`, and a preflight OPTIONS is answered 204
 *   with the methods and headers allowed, so a browser app (the AI SDK in a page) can call it.
 * - `apiKey`: every /v1 request needs `Authorization: Bearer KEY` (401 OpenAI-shaped otherwise);
 *   /health, /version and /metrics stay open, as in vLLM.
 * - A body over `maxBodyBytes` is answered 413 with `connection: close`; the rest of the body is
 *   read and dropped (up to a bound) so the client sees the answer instead of a reset or a hang.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { timingSafeEqual } from "node:crypto";
import { DEFAULT_THINK_TAGS } from "../core/think.js";
import { handleChat } from "./chat.js";
import { handleCompletions } from "./completions.js";
import { plainChatTemplate, type ServeContext } from "./context.js";
import { OpenAIHttpError } from "./errors.js";
import { ServerMetrics } from "./metrics.js";

/** Server options; only `backend` and `modelName` are required. */
export type ServeOptions = Pick<ServeContext, "backend" | "modelName"> &
  Partial<Omit<ServeContext, "backend" | "modelName">> & {
    /** Largest accepted request body in bytes (default 4 MiB). */
    maxBodyBytes?: number;
    /** Origins allowed to call the server from a browser (default ["*"]: any; [] turns CORS off). */
    allowedOrigins?: string[];
    /** When set, /v1 requests need `Authorization: Bearer <apiKey>`. */
    apiKey?: string;
  };

/** A running server. */
export interface RunningServer {
  server: Server;
  /** Base URL including /v1, e.g. http://127.0.0.1:8000/v1. */
  url: string;
  port: number;
  /**
   * Stop accepting connections and end open ones. The backend is NOT closed: the server was
   * handed it and does not own it (several servers may share one backend); whoever created the
   * backend closes it, after every server using it has closed.
   */
  close(): Promise<void>;
}

/** `startServer`'s defaults (the one place they are written; `scratchpad serve --help` shows them). */
export const SERVE_DEFAULTS = { port: 8000, host: "127.0.0.1", defaultMaxTokens: 256, maxQueue: 1024 } as const;

/** Build the request handler's context with defaults. */
export function serveContext(o: ServeOptions): ServeContext {
  return {
    backend: o.backend,
    modelName: o.modelName,
    chatTemplate: o.chatTemplate ?? plainChatTemplate,
    effortBudgets: o.effortBudgets ?? {},
    tags: o.tags ?? DEFAULT_THINK_TAGS,
    defaultMaxTokens: o.defaultMaxTokens ?? SERVE_DEFAULTS.defaultMaxTokens,
    limits: o.limits ?? { maxN: 64, maxPrompts: 64 },
    maxQueue: o.maxQueue ?? SERVE_DEFAULTS.maxQueue,
    metrics: o.metrics ?? new ServerMetrics(),
  };
}

/** The package's version, for GET /version. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Create (not start) the HTTP server. */
export function createOpenAIServer(o: ServeOptions): Server {
  const ctx = serveContext(o);
  const http: HttpOptions = {
    maxBody: o.maxBodyBytes ?? 4 * 1024 * 1024,
    origins: o.allowedOrigins ?? ["*"],
    apiKey: o.apiKey,
    version: packageVersion(),
  };
  const server = createServer((req, res) => {
    const t0 = process.hrtime.bigint();
    const endpoint = endpointOf(req);
    res.on("finish", () => ctx.metrics?.observeRequest(endpoint, res.statusCode, Number(process.hrtime.bigint() - t0) / 1e9));
    route(ctx, http, req, res).catch((err: unknown) => sendError(res, err));
  });
  // Keep idle connections longer than clients' pools do (Node's 5 s default races with clients
  // that reuse a socket just as the server closes it: "other side closed").
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/** Start a server on host:port (port 0 = any free port). */
export async function startServer(o: ServeOptions & { port?: number; host?: string }): Promise<RunningServer> {
  const server = createOpenAIServer(o);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? SERVE_DEFAULTS.port, o.host ?? SERVE_DEFAULTS.host, () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    server,
    port,
    url: `http://${host}:${port}/v1`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface HttpOptions {
  maxBody: number;
  origins: string[];
  apiKey?: string;
  version: string;
}

/** The path without query or trailing slash. */
function pathOf(req: IncomingMessage): string {
  return (req.url ?? "/").split("?")[0].replace(/\/+$/, "") || "/";
}

/** A bounded label for metrics: known routes by name, anything else "other". */
function endpointOf(req: IncomingMessage): string {
  const p = pathOf(req);
  return ["/v1/chat/completions", "/v1/completions", "/v1/models", "/health", "/version", "/metrics"].includes(p)
    ? p
    : p.startsWith("/v1/models/")
      ? "/v1/models"
      : "other";
}

async function route(ctx: ServeContext, http: HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = pathOf(req);
  const method = req.method ?? "GET";
  if (cors(http, req, res)) return; // a preflight, answered
  if (path === "/health") return json(res, 200, { status: "ok" });
  if (path === "/version") return json(res, 200, { version: http.version });
  if (path === "/metrics") {
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    res.end(ctx.metrics?.render(ctx.modelName, ctx.backend.load ?? 0) ?? "");
    return;
  }
  if (path.startsWith("/v1/")) checkKey(http, req);
  if (path === "/v1/models") {
    if (method !== "GET") throw methodNotAllowed(method, path, "GET");
    return json(res, 200, { object: "list", data: [modelCard(ctx)] });
  }
  if (path === "/v1/models/" + ctx.modelName) return json(res, 200, modelCard(ctx));
  if (path === "/v1/chat/completions" || path === "/v1/completions") {
    if (method !== "POST") throw methodNotAllowed(method, path, "POST");
    const body = await readJson(req, res, http.maxBody);
    return path === "/v1/completions" ? handleCompletions(ctx, body, res, req) : handleChat(ctx, body, res, req);
  }
  throw new OpenAIHttpError(
    404,
    `no route ${method} ${path}: this server has GET /v1/models, POST /v1/chat/completions, POST /v1/completions, GET /health, GET /version, GET /metrics`,
    "invalid_request_error",
    null,
    "not_found",
  );
}

/**
 * CORS as vLLM (Starlette's CORSMiddleware) does it: an allowed origin gets
 * `access-control-allow-origin` ("*" when any origin is allowed, else the origin itself with `vary:
 * origin`); a preflight (OPTIONS with `access-control-request-method`) is answered here: 204 with
 * the allowed methods and the requested headers, or 400 for an origin that is not allowed.
 * Returns true when the request was a preflight and has been answered.
 */
function cors(http: HttpOptions, req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  const any = http.origins.includes("*");
  const allowed = origin !== undefined && (any || http.origins.includes(origin));
  if (allowed) {
    res.setHeader("access-control-allow-origin", any ? "*" : origin);
    if (!any) res.setHeader("vary", "Origin");
  }
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  if (!preflight) return false;
  if (!allowed) {
    res.writeHead(400, { "content-type": "text/plain" });
    res.end("Disallowed CORS origin");
    return true;
  }
  res.writeHead(204, {
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "authorization, content-type",
    "access-control-max-age": "600",
  });
  res.end();
  return true;
}

/** With an API key set: `Authorization: Bearer KEY`, else 401 as OpenAI answers it. */
function checkKey(http: HttpOptions, req: IncomingMessage): void {
  if (http.apiKey === undefined) return;
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  const given = Buffer.from(m?.[1].trim() ?? "");
  const want = Buffer.from(http.apiKey);
  if (given.length === want.length && timingSafeEqual(given, want)) return;
  throw new OpenAIHttpError(
    401,
    m
      ? "Incorrect API key provided: pass the server's --api-key as the Bearer token"
      : "Missing API key: send the header 'Authorization: Bearer KEY' with the server's --api-key",
    "invalid_request_error",
    null,
    "invalid_api_key",
  );
}

/** A model entry as vLLM lists it: `max_model_len` tells clients how many tokens fit (prompt + completion). */
function modelCard(ctx: ServeContext) {
  return {
    id: ctx.modelName,
    object: "model",
    created: 0,
    owned_by: "scratchpad",
    root: ctx.modelName,
    parent: null,
    max_model_len: ctx.backend.contextLength,
  };
}

function methodNotAllowed(method: string, path: string, allowed: string): OpenAIHttpError {
  return new OpenAIHttpError(405, `${method} ${path} is not allowed: use ${allowed}`, "invalid_request_error", null, "method_not_allowed");
}

/** Bytes of an oversized body read and dropped before answering; past this the socket is cut. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Read a JSON body of at most `maxBody` bytes. Over the cap (by content-length, or while reading a
 * chunked body) the rest of the body is read and dropped, and only then answered 413 with
 * `connection: close`: a client that writes its whole body before reading the answer (Python's
 * `requests`, curl) gets the 413, not a reset or a hang. A body past DRAIN_LIMIT is answered at once
 * and the socket closed.
 */
function readJson(req: IncomingMessage, res: ServerResponse, maxBody: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    const chunks: Buffer[] = [];
    let size = 0;
    let over = Number.isFinite(declared) && declared > maxBody;
    const tooLarge = () => {
      res.shouldKeepAlive = false;
      return new OpenAIHttpError(
        413,
        `request body over ${maxBody} bytes: send a smaller request (fewer or shorter prompts)`,
        "invalid_request_error",
        null,
        "request_too_large",
      );
    };
    if (over && declared > DRAIN_LIMIT) {
      req.pause();
      reject(tooLarge());
      return;
    }
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (over) {
        if (size > DRAIN_LIMIT) reject(tooLarge());
        return;
      }
      if (size > maxBody) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on("error", reject);
    req.on("end", () => {
      if (over) return reject(tooLarge());
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() === "") return reject(new OpenAIHttpError(400, "empty request body: send a JSON object", "invalid_request_error", null, "invalid_json"));
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new OpenAIHttpError(400, `could not parse the JSON body: ${(err as Error).message}`, "invalid_request_error", null, "invalid_json"));
      }
    });
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: unknown): void {
  const e = err instanceof OpenAIHttpError ? err : new OpenAIHttpError(500, `internal error: ${err instanceof Error ? err.message : String(err)}`);
  if (res.headersSent) {
    // Mid-stream: report the error as an event and end the stream.
    if (!res.writableEnded) res.end(`data: ${JSON.stringify(e.toJSON())}\n\n`);
    return;
  }
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (e.status === 429) headers["retry-after"] = "1";
  if (e.status === 401) headers["www-authenticate"] = "Bearer";
  if (e.status === 413) headers.connection = "close";
  res.writeHead(e.status, headers);
  res.end(JSON.stringify(e.toJSON()));
}
