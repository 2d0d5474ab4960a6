/**
 * The OpenAI-compatible HTTP server (node:http): GET /v1/models, POST /v1/chat/completions,
 * POST /v1/completions, GET /health. Errors are OpenAI-shaped JSON with a 4xx/5xx status.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_THINK_TAGS } from "../core/think.js";
import { handleChat } from "./chat.js";
import { handleCompletions } from "./completions.js";
import { plainChatTemplate, type ServeContext } from "./context.js";
import { OpenAIHttpError } from "./errors.js";

/** Server options; only `backend` and `modelName` are required. */
export type ServeOptions = Pick<ServeContext, "backend" | "modelName"> & Partial<Omit<ServeContext, "backend" | "modelName">> & {
  /** Largest accepted request body in bytes (default 4 MiB). */
  maxBodyBytes?: number;
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

/** Build the request handler's context with defaults. */
export function serveContext(o: ServeOptions): ServeContext {
  return {
    backend: o.backend,
    modelName: o.modelName,
    chatTemplate: o.chatTemplate ?? plainChatTemplate,
    effortBudgets: o.effortBudgets ?? {},
    tags: o.tags ?? DEFAULT_THINK_TAGS,
    defaultMaxTokens: o.defaultMaxTokens ?? 256,
    limits: o.limits ?? { maxN: 64, maxPrompts: 64 },
    maxQueue: o.maxQueue ?? 1024,
  };
}

/** Create (not start) the HTTP server. */
export function createOpenAIServer(o: ServeOptions): Server {
  const ctx = serveContext(o);
  const maxBody = o.maxBodyBytes ?? 4 * 1024 * 1024;
  const server = createServer((req, res) => {
    route(ctx, req, res, maxBody).catch((err: unknown) => sendError(res, err));
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
    server.listen(o.port ?? 8000, o.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    server, port, url: `http://${host}:${port}/v1`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function route(ctx: ServeContext, req: IncomingMessage, res: ServerResponse, maxBody: number): Promise<void> {
  const path = (req.url ?? "/").split("?")[0].replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";
  if (path === "/health") return json(res, 200, { status: "ok" });
  if (path === "/v1/models") {
    if (method !== "GET") throw methodNotAllowed(method, path, "GET");
    return json(res, 200, { object: "list", data: [modelCard(ctx)] });
  }
  if (path === "/v1/models/" + ctx.modelName) return json(res, 200, modelCard(ctx));
  if (path === "/v1/chat/completions" || path === "/v1/completions") {
    if (method !== "POST") throw methodNotAllowed(method, path, "POST");
    const body = await readJson(req, maxBody);
    return path === "/v1/completions" ? handleCompletions(ctx, body, res, req) : handleChat(ctx, body, res, req);
  }
  throw new OpenAIHttpError(404, `no route ${method} ${path}: this server has GET /v1/models, POST /v1/chat/completions, POST /v1/completions`, "invalid_request_error", null, "not_found");
}

/** A model entry as vLLM lists it: `max_model_len` tells clients how many tokens fit (prompt + completion). */
function modelCard(ctx: ServeContext) {
  return { id: ctx.modelName, object: "model", created: 0, owned_by: "scratchpad", root: ctx.modelName, parent: null, max_model_len: ctx.backend.contextLength };
}

function methodNotAllowed(method: string, path: string, allowed: string): OpenAIHttpError {
  return new OpenAIHttpError(405, `${method} ${path} is not allowed: use ${allowed}`, "invalid_request_error", null, "method_not_allowed");
}

async function readJson(req: IncomingMessage, maxBody: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > maxBody) throw new OpenAIHttpError(413, `request body over ${maxBody} bytes`, "invalid_request_error", null, "request_too_large");
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new OpenAIHttpError(400, "empty request body: send a JSON object", "invalid_request_error", null, "invalid_json");
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new OpenAIHttpError(400, `could not parse the JSON body: ${(err as Error).message}`, "invalid_request_error", null, "invalid_json");
  }
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
  res.writeHead(e.status, headers);
  res.end(JSON.stringify(e.toJSON()));
}
