/**
 * Stand-ins for other projects' OpenAI-compatible servers, for the endpoint tests: real HTTP
 * servers on 127.0.0.1 that speak each server's wire format as its source shows it, around a
 * small deterministic "reasoning model" (a seeded generator that thinks for a while, then answers
 * an addition prompt). What each flavour does differently, with where it comes from:
 *
 * - vllm-0.9 (vllm/entrypoints/openai/protocol.py and serving_engine.py up to v0.9): GET /v1/models
 *   lists `max_model_len`; `n` honoured (choice j samples with seed + j); legacy `logprobs` with
 *   the sampled tokens; chat reasoning in `message.reasoning_content`; errors at the top level
 *   `{"object": "error", "message", "type": "BadRequestError", "param", "code": 400}`; a request
 *   over the context: "This model's maximum context length is C tokens. However, you requested T
 *   tokens (P in the messages, M in the completion). Please reduce the length of the messages or
 *   completion."
 * - vllm-0.10 (v0.10+): reasoning in `message.reasoning`; errors wrapped `{"error": {...}}`;
 *   "'max_tokens' or 'max_completion_tokens' is too large: M. This model's maximum context length
 *   is C tokens and your request has P input tokens (M > C - P)."
 * - sglang (python/sglang/srt/entrypoints/openai): `max_model_len` in /v1/models, `n` honoured,
 *   `reasoning_content`, top-level ErrorResponse, "Requested token count exceeds the model's maximum
 *   context length of C tokens. You requested a total of T tokens: P tokens from the input messages
 *   and M tokens for the completion. Please reduce the number of tokens in the input messages or
 *   the completion to fit within the limit."
 * - llamacpp (tools/server/server.cpp, utils.hpp): `n` ≠ 1 → 400 {"error": {"code": 400, "message":
 *   "Only one completion choice is allowed", "type": "invalid_request_error"}}; GET /props has
 *   `default_generation_settings.n_ctx`; /v1/models has no context length (only `meta.n_ctx_train`);
 *   a prompt over n_ctx → 400 `exceed_context_size_error` with `n_prompt_tokens` and `n_ctx`;
 *   max_tokens past the context just stops at the context (finish "length"); reasoning inline as
 *   `<think>…</think>` in `content` — or, flavour "llamacpp-reasoning" (`--reasoning-format
 *   deepseek`), in `reasoning_content`.
 * - ollama (openai/openai.go): one choice whatever `n` is; reads `max_tokens` only (no
 *   `max_completion_tokens`: without `max_tokens` the output is uncapped); reasoning in
 *   `message.reasoning`; usage without details; no context length anywhere in /v1; /v1/completions
 *   becomes a GenerateRequest without `raw`, so the model's template wraps the prompt (here a
 *   ChatML template): the text is not continued as given, and budget forcing cannot work there.
 * - deepseek (api-docs.deepseek.com): chat only (no /v1/completions); one choice; `reasoning_content`;
 *   usage with `completion_tokens_details.reasoning_tokens`.
 *
 * Tokens of the stand-in model: one per character, `<think>` and `</think>` one each, and a BOS.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Flavor = "vllm-0.9" | "vllm-0.10" | "sglang" | "llamacpp" | "llamacpp-reasoning" | "ollama" | "deepseek";

export interface StandInOptions {
  flavor: Flavor;
  model?: string;
  /** Context length in tokens (default 128). */
  contextLength?: number;
  /** Whether the server publishes its context length where that flavour does (default true). */
  publishContext?: boolean;
}

/** One request the stand-in received. */
export interface SeenRequest {
  path: string;
  body: Record<string, unknown>;
  status: number;
}

export interface StandIn {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const OPEN = "<think>",
  CLOSE = "</think>";

/** The stand-in model's tokens of a text (`<think>`/`</think>` are one token each). */
export function standInTokens(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length;) {
    const tag = [OPEN, CLOSE].find((t) => text.startsWith(t, i));
    if (tag) {
      out.push(tag);
      i += tag.length;
    } else out.push(text[i++]);
  }
  return out;
}

/** mulberry32: a seeded stream of uniforms. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The stand-in model: continues `prompt`. Outside thinking it opens `<think>`, thinks 4–40
 * characters of scratch arithmetic, closes, and answers the prompt's sum (right 3 times in 4), then
 * stops. A prompt that already closed thinking is answered at once; one inside thinking continues
 * it. Deterministic in (prompt, seed); temperature 0 uses seed 0.
 */
export function standInContinue(prompt: string, seed: number): string {
  const r = rng(seed * 2654435761 + prompt.length);
  const m = /(\d+)\s*\+\s*(\d+)/.exec(prompt);
  const sum = m ? Number(m[1]) + Number(m[2]) : 0;
  const answer = String(r() < 0.75 ? sum : sum + 1 + Math.floor(r() * 9));
  const lastOpen = prompt.lastIndexOf(OPEN),
    lastClose = prompt.lastIndexOf(CLOSE);
  const inside = lastOpen >= 0 && lastClose < lastOpen;
  const closed = lastClose >= 0 && lastClose > lastOpen;
  if (closed) return answer;
  const len = 4 + Math.floor(r() * 37);
  let think = "";
  while (think.length < len) think += `${Math.floor(r() * 10)}+${Math.floor(r() * 10)},`;
  think = think.slice(0, len);
  return (inside ? "" : OPEN) + think + CLOSE + answer;
}

interface Sampled {
  text: string;
  tokens: string[];
  finish: "stop" | "length";
}

/** Sample with max tokens and stop strings, the way the servers apply them. */
function sample(prompt: string, seed: number, maxTokens: number, stop: string[]): Sampled {
  const full = standInTokens(standInContinue(prompt, seed));
  const tokens: string[] = [];
  let text = "";
  for (const t of full) {
    if (tokens.length >= maxTokens) return { text, tokens, finish: "length" };
    const next = text + t;
    const hit = stop.map((s) => next.indexOf(s)).filter((i) => i >= 0);
    if (hit.length > 0) return { text: next.slice(0, Math.min(...hit)), tokens, finish: "stop" };
    tokens.push(t);
    text = next;
  }
  return { text, tokens, finish: "stop" };
}

/** Start a stand-in server on 127.0.0.1 (any free port). */
export async function startStandIn(o: StandInOptions): Promise<StandIn> {
  const flavor = o.flavor;
  const model = o.model ?? (flavor === "deepseek" ? "deepseek-reasoner" : "standin");
  const ctx = o.contextLength ?? 128;
  const publish = o.publishContext ?? true;
  const requests: SeenRequest[] = [];
  const vllmish = flavor === "vllm-0.9" || flavor === "vllm-0.10" || flavor === "sglang";
  const llama = flavor === "llamacpp" || flavor === "llamacpp-reasoning";

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}) => {
    if (flavor === "vllm-0.9" || flavor === "sglang")
      return send(res, status, { object: "error", message, type: "BadRequestError", param: null, code: status });
    if (flavor === "vllm-0.10") return send(res, status, { error: { message, type: "BadRequestError", param: null, code: status } });
    if (llama) return send(res, status, { error: { code: status, message, type: extra.type ?? "invalid_request_error", ...extra } });
    return send(res, status, { error: { message, type: "invalid_request_error", param: null, code: null } });
  };

  /** The context check each flavour makes; returns the max tokens to use, or undefined after answering an error. */
  const fit = (res: ServerResponse, promptTokens: number, maxTokens: number | undefined): number | undefined => {
    if (llama) {
      if (promptTokens > ctx) {
        error(res, 400, `request (${promptTokens} tokens) exceeds the available context size (${ctx} tokens), try increasing it`, {
          type: "exceed_context_size_error",
          n_prompt_tokens: promptTokens,
          n_ctx: ctx,
        });
        return undefined;
      }
      return Math.min(maxTokens ?? Infinity, ctx - promptTokens); // llama.cpp stops at the context
    }
    if (vllmish) {
      const m = maxTokens ?? ctx - promptTokens;
      if (promptTokens + m > ctx) {
        const msg =
          flavor === "vllm-0.9"
            ? `This model's maximum context length is ${ctx} tokens. However, you requested ${promptTokens + m} tokens (${promptTokens} in the messages, ${m} in the completion). Please reduce the length of the messages or completion.`
            : flavor === "vllm-0.10"
              ? `'max_tokens' or 'max_completion_tokens' is too large: ${m}. This model's maximum context length is ${ctx} tokens and your request has ${promptTokens} input tokens (${m} > ${ctx} - ${promptTokens}).`
              : `Requested token count exceeds the model's maximum context length of ${ctx} tokens. You requested a total of ${promptTokens + m} tokens: ${promptTokens} tokens from the input messages and ${m} tokens for the completion. Please reduce the number of tokens in the input messages or the completion to fit within the limit.`;
        error(res, 400, msg);
        return undefined;
      }
      return m;
    }
    return Math.min(maxTokens ?? Infinity, Math.max(0, ctx - promptTokens)); // ollama, deepseek: truncate
  };

  const usage = (prompt: number, outs: Sampled[], reasoning?: number) => ({
    prompt_tokens: prompt,
    completion_tokens: outs.reduce((a, s) => a + s.tokens.length, 0),
    total_tokens: prompt + outs.reduce((a, s) => a + s.tokens.length, 0),
    ...(reasoning !== undefined && { completion_tokens_details: { reasoning_tokens: reasoning } }),
  });

  const choicesOf = (body: Record<string, unknown>): number | "refused" => {
    const n = typeof body.n === "number" ? body.n : 1;
    if (llama && n !== 1) return "refused";
    if (flavor === "ollama" || flavor === "deepseek") return 1; // n is not read
    return n;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => {
    const url = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && url === "/v1/models") {
      const entry: Record<string, unknown> = {
        id: model,
        object: "model",
        created: 1700000000,
        owned_by: vllmish ? (flavor === "sglang" ? "sglang" : "vllm") : llama ? "llamacpp" : flavor === "deepseek" ? "deepseek" : "library",
      };
      if (vllmish) Object.assign(entry, { root: model, parent: null, ...(publish && { max_model_len: ctx }) });
      if (llama) entry.meta = { vocab_type: 2, n_vocab: 64, n_ctx_train: 4096, n_embd: 32, n_params: 1000, size: 4000 };
      return send(res, 200, { object: "list", data: [entry] });
    }
    if (req.method === "GET" && url === "/props" && llama) {
      return send(res, 200, {
        default_generation_settings: publish ? { n_ctx: ctx, params: {} } : { params: {} },
        total_slots: 1,
        model_path: "/models/standin.gguf",
        chat_template: "",
      });
    }
    const stop = typeof body.stop === "string" ? [body.stop] : Array.isArray(body.stop) ? (body.stop as string[]) : [];
    const seed0 = typeof body.seed === "number" && body.temperature !== 0 ? body.seed : 0;
    if (req.method === "POST" && url === "/v1/completions" && flavor !== "deepseek") {
      if (typeof body.prompt !== "string") return error(res, 400, "prompt must be a string");
      const k = choicesOf(body);
      if (k === "refused") return error(res, 400, "Only one completion choice is allowed");
      // Ollama applies the model's template to a completions prompt (no raw mode over /v1)
      const text = flavor === "ollama" ? `<|im_start|>user\n${body.prompt}<|im_end|>\n<|im_start|>assistant\n` : body.prompt;
      const promptTokens = standInTokens(text).length + 1;
      const maxTokens = fit(res, promptTokens, typeof body.max_tokens === "number" ? body.max_tokens : undefined);
      if (maxTokens === undefined) return;
      const outs = Array.from({ length: k }, (_, j) => sample(text, seed0 + j, maxTokens, stop));
      const withLogprobs = vllmish && typeof body.logprobs === "number";
      return send(res, 200, {
        id: "cmpl-standin",
        object: "text_completion",
        created: 1700000000,
        model,
        choices: outs.map((s, index) => ({
          index,
          text: s.text,
          finish_reason: s.finish,
          logprobs: withLogprobs
            ? { tokens: s.tokens, token_logprobs: s.tokens.map(() => -0.5), top_logprobs: s.tokens.map(() => null), text_offset: s.tokens.map(() => 0) }
            : null,
        })),
        usage: usage(promptTokens, outs),
      });
    }
    if (req.method === "POST" && url === "/v1/chat/completions") {
      const messages = body.messages as { role: string; content: string }[];
      const user = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
      const k = choicesOf(body);
      if (k === "refused") return error(res, 400, "Only one completion choice is allowed");
      const promptTokens = standInTokens(user).length + 1 + 4 * messages.length;
      const asked =
        flavor === "ollama" || llama || flavor === "deepseek"
          ? typeof body.max_tokens === "number"
            ? body.max_tokens
            : undefined
          : typeof body.max_completion_tokens === "number"
            ? body.max_completion_tokens
            : typeof body.max_tokens === "number"
              ? body.max_tokens
              : undefined;
      const maxTokens = fit(res, promptTokens, asked);
      if (maxTokens === undefined) return;
      const outs = Array.from({ length: k }, (_, j) => sample(user, seed0 + j, maxTokens, stop));
      let reasoningTotal = 0;
      const choices = outs.map((s, index) => {
        const open = s.text.indexOf(OPEN),
          close = s.text.indexOf(CLOSE);
        const reasoning = open === 0 ? s.text.slice(OPEN.length, close < 0 ? undefined : close) : "";
        const answer = open === 0 ? (close < 0 ? "" : s.text.slice(close + CLOSE.length)) : s.text;
        if (open === 0) reasoningTotal += standInTokens(reasoning).length;
        const message: Record<string, unknown> = { role: "assistant" };
        if (flavor === "llamacpp") message.content = s.text;
        else if (flavor === "vllm-0.10" || flavor === "ollama") Object.assign(message, { content: answer, ...(reasoning && { reasoning }) });
        else Object.assign(message, { content: answer, reasoning_content: reasoning || null });
        return { index, message, logprobs: null, finish_reason: s.finish };
      });
      return send(res, 200, {
        id: "chatcmpl-standin",
        object: "chat.completion",
        created: 1700000000,
        model,
        choices,
        usage: usage(promptTokens, outs, flavor === "deepseek" ? reasoningTotal : undefined),
      });
    }
    return flavor === "ollama" || flavor === "deepseek" ? send(res, 404, "404 page not found") : error(res, 404, `no route ${req.method} ${url}`);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body: Record<string, unknown> = {};
      try {
        body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      } catch {
        return error(res, 400, "invalid JSON");
      }
      const seen: SeenRequest = { path: (req.url ?? "/").split("?")[0], body, status: 0 };
      res.on("finish", () => {
        seen.status = res.statusCode;
      });
      requests.push(seen);
      handle(req, res, body).catch((e: unknown) => error(res, 500, String(e)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
