/**
 * The `openai` backend: a Policy over any OpenAI-compatible server (vLLM, SGLang, llama.cpp
 * server, Ollama, DeepSeek's API, hosted APIs, or `scratchpad serve`) through the official `openai`
 * npm client.
 *
 * - Raw prompts go to /v1/completions (what budget forcing needs); chat mode sends each prompt as
 *   a user message to /v1/chat/completions and reads the reasoning from `reasoning_content` (vLLM
 *   ≤ 0.9, SGLang, llama.cpp `--reasoning-format deepseek`, DeepSeek) or `reasoning` (vLLM ≥ 0.10,
 *   Ollama), or from `<think>` tags in the content when the server does not separate it.
 * - The context: the server's context length is read once (`max_model_len` in GET /v1/models, or
 *   llama.cpp's GET /props `n_ctx`) and `max_tokens` is clamped to what the prompt leaves; a server
 *   that still answers 400 "context length" gets the request once more, clamped to the room its
 *   message names. Chat requests carry `max_tokens` beside `max_completion_tokens` (Ollama and
 *   llama.cpp read the first, OpenAI's reasoning models the second).
 * - `n`: sent to the server once; a server that refuses it (llama.cpp) or ignores it (Ollama,
 *   DeepSeek) is then sent one request per sample. The count that comes back is always the count
 *   asked for, or an error.
 * - Seeds: prompt i of a call with seed s and n samples gets seed s + i·n, and sample j within it
 *   s + i·n + j (the server-side convention for n > 1), so no two samples share a random stream.
 * - Retries with exponential backoff on 408/409/429/5xx and connection errors (the client's own,
 *   which honours `retry-after`), a per-request timeout, a concurrency limit, and an error that
 *   says what to check when the server cannot be reached.
 * - Usage accounting; a server-reported `completion_tokens_details.reasoning_tokens` is the
 *   completion's thinking count when present.
 */
import OpenAI from "openai";
import type { Completion, FinishReason, GenerateOptions, Policy } from "../types.js";
import { ScratchpadError } from "../core/errors.js";
import { DEFAULT_THINK_TAGS, splitThinking, type ThinkTags } from "../core/think.js";
import { Limiter } from "./limiter.js";
import {
  normalisingFetch,
  parseContextOverflow,
  probeServerLimits,
  promptAloneTooLong,
  refusesMaxTokens,
  refusesN,
  tokenUpperBound,
  type ServerLimits,
} from "./openai-compat.js";

/** Reasoning effort levels understood by OpenAI-style servers. */
export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high";

/** Requests in flight to one endpoint unless `concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 16;

/** Options of the openai backend. */
export interface OpenAIPolicyOptions {
  /** Base URL including /v1 (a URL without a path gets /v1 appended). */
  baseURL: string;
  /** Model name; when absent, the first model the server lists. */
  model?: string;
  /** API key (default: $OPENAI_API_KEY, else "none" for local servers). */
  apiKey?: string;
  /** "completions" (raw prompts, default) or "chat" (each prompt is one user message). */
  api?: "completions" | "chat";
  /** Retries on 408/409/429/5xx and connection errors, with exponential backoff (default 4). */
  maxRetries?: number;
  /** Per-request timeout in milliseconds (default 300000). */
  timeoutMs?: number;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
  /** Chat mode: `reasoning_effort` sent with every request. */
  reasoningEffort?: ReasoningEffort;
  /** Thinking delimiters for servers that leave reasoning in the text. */
  tags?: ThinkTags;
  /**
   * Exact per-choice token counts for n > 1 (default true): /v1/completions asks for the sampled
   * tokens (`logprobs: 0`; turned off by itself when a server rejects it), chat sends one request
   * per choice. Without it, a request's usage is apportioned over its choices by text length.
   */
  exactTokens?: boolean;
  /**
   * The server's context length in tokens (prompt + completion). Default: read from the server
   * (`max_model_len` in GET /v1/models, or `n_ctx` in llama.cpp's GET /props); `false` to never ask.
   */
  contextLength?: number | false;
  /**
   * How n > 1 samples are requested: "auto" (default: the server's `n` until it refuses or ignores
   * it, then one request per sample), "server" (always `n`) or "separate" (one request per sample).
   */
  nMode?: "auto" | "server" | "separate";
  /** A custom fetch (tests, proxies). */
  fetch?: typeof fetch;
}

/** Token usage summed over every request a policy made. */
export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
}

/** Error from the openai backend, naming the server and the fix. */
export class OpenAIBackendError extends ScratchpadError {
  constructor(
    message: string,
    readonly status?: number,
    /** The server's own message, unchanged. */
    readonly serverMessage?: string,
    /** The parameter the server named, when it named one. */
    readonly param?: string | null,
    code = status === undefined ? "endpoint_unreachable" : "endpoint_error",
  ) {
    super(code, message);
  }
}

/** Normalise a base URL: keep an explicit path, else append /v1; drop a trailing slash. */
export function normaliseBaseURL(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OpenAIBackendError(`not a URL: "${url}" (expected e.g. http://127.0.0.1:8000/v1)`, undefined, undefined, undefined, "endpoint_bad_url");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new OpenAIBackendError(`unsupported protocol in "${url}": use http:// or https://`, undefined, undefined, undefined, "endpoint_bad_url");
  }
  const path = u.pathname.replace(/\/+$/, "");
  u.pathname = path === "" ? "/v1" : path;
  return u.toString().replace(/\/+$/, "");
}

type ChatMessageIn = { role: "system" | "user" | "assistant"; content: string };

/** A Policy over an OpenAI-compatible endpoint. Create it with `openOpenAIPolicy` (resolves the model). */
export class OpenAIPolicy implements Policy {
  readonly name: string;
  readonly usage: UsageTotals = { requests: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0 };
  readonly client: OpenAI;
  readonly baseURL: string;
  private readonly limiter: Limiter;
  private readonly tags: ThinkTags;
  private exactTokens: boolean;
  /** Whether the server honours `n` > 1: unknown until a request tells. */
  private nSupport: "unknown" | "yes" | "no";
  private sendMaxTokensInChat = true;
  private limits?: Promise<ServerLimits>;
  /** A context length learned from a 400 (when the server publishes none). */
  private learnedContext?: number;

  constructor(readonly options: OpenAIPolicyOptions & { model: string }) {
    this.baseURL = normaliseBaseURL(options.baseURL);
    this.client = new OpenAI({
      baseURL: this.baseURL,
      apiKey: options.apiKey ?? process.env.OPENAI_API_KEY ?? "none",
      maxRetries: options.maxRetries ?? 4,
      timeout: options.timeoutMs ?? 300_000,
      fetch: normalisingFetch(options.fetch ?? fetch),
    });
    this.limiter = new Limiter(options.concurrency ?? DEFAULT_CONCURRENCY);
    this.tags = options.tags ?? DEFAULT_THINK_TAGS;
    this.exactTokens = options.exactTokens ?? true;
    this.nSupport = options.nMode === "separate" ? "no" : options.nMode === "server" ? "yes" : "unknown";
    this.name = `openai:${this.baseURL} ${options.model}${options.api === "chat" ? " (chat)" : ""}`;
  }

  /**
   * For each prompt, `opts.n` completions (raw /v1/completions, or chat in chat mode). With a seed
   * s, sample j of prompt i uses s + i·n + j.
   */
  generate(prompts: string[], opts: GenerateOptions = {}): Promise<Completion[][]> {
    const n = opts.n ?? 1;
    return Promise.all(
      prompts.map((p, i) => {
        const o = opts.seed === undefined ? opts : { ...opts, seed: opts.seed + i * n };
        return this.options.api === "chat" ? this.chat([{ role: "user", content: p }], o) : this.complete(p, o);
      }),
    );
  }

  /** The server's context length (prompt + completion), when it publishes one or a 400 named it. */
  async contextLength(): Promise<number | undefined> {
    if (this.options.contextLength === false) return this.learnedContext;
    if (typeof this.options.contextLength === "number") return this.options.contextLength;
    this.limits ??= probeServerLimits(this.baseURL, this.options.model, this.headers(), this.options.fetch ?? fetch);
    return (await this.limits).contextLength ?? this.learnedContext;
  }

  /** Raw completion of one prompt through /v1/completions: `opts.n` samples, seeds seed + j. */
  async complete(prompt: string, opts: GenerateOptions = {}): Promise<Completion[]> {
    return this.sampleN(opts, (o) => this.completeOnce(prompt, o));
  }

  /** Chat completion: the reasoning is returned separately in `Completion.reasoning`. */
  async chat(messages: ChatMessageIn[], opts: GenerateOptions & { reasoningEffort?: ReasoningEffort } = {}): Promise<Completion[]> {
    const n = opts.n ?? 1;
    // One request per choice by default: usage (reasoning tokens included) is then exact for each choice.
    if (n > 1 && this.exactTokens) return this.separately(opts, n, 0, (o) => this.chatOnce(messages, o));
    return this.sampleN(opts, (o) => this.chatOnce(messages, o));
  }

  /** The usage-free HTTP-level check: list the server's models. */
  async models(): Promise<string[]> {
    const page = await this.call(() => this.client.models.list());
    return page.data.map((m) => m.id);
  }

  async close(): Promise<void> {
    // The client holds no sockets beyond fetch's keep-alive pool; nothing to release.
  }

  /**
   * `opts.n` samples through `once`: the server's `n` while it honours it; one request per sample
   * once it refuses `n` (400) or ignores it (fewer choices than asked). Always exactly n, or throws.
   */
  private async sampleN(opts: GenerateOptions, once: (o: GenerateOptions) => Promise<Completion[]>): Promise<Completion[]> {
    const n = opts.n ?? 1;
    if (n === 1) return this.exactly(1, await once({ ...opts, n: 1 }));
    if (this.nSupport === "no") return this.separately(opts, n, 0, once);
    let first: Completion[];
    try {
      first = await once(opts);
    } catch (err) {
      if (this.nSupport !== "yes" && err instanceof OpenAIBackendError && err.serverMessage !== undefined && refusesN(err.serverMessage, err.param)) {
        this.nSupport = "no";
        return this.separately(opts, n, 0, once);
      }
      throw err;
    }
    if (first.length >= n) {
      this.nSupport = "yes";
      return first.slice(0, n);
    }
    // The server ignored n (Ollama, DeepSeek): keep what came back, draw the rest one by one.
    this.nSupport = "no";
    const rest = await this.separately(opts, n - first.length, first.length, once);
    return this.exactly(n, [...first, ...rest]);
  }

  /** `count` single-sample requests; sample j gets seed + offset + j. */
  private async separately(opts: GenerateOptions, count: number, offset: number, once: (o: GenerateOptions) => Promise<Completion[]>): Promise<Completion[]> {
    const each = await Promise.all(
      Array.from({ length: count }, (_, j) =>
        once({ ...opts, n: 1, seed: opts.seed === undefined ? undefined : opts.seed + offset + j }).then((cs) => this.exactly(1, cs)),
      ),
    );
    return this.exactly(count, each.flat());
  }

  private exactly(n: number, cs: Completion[]): Completion[] {
    if (cs.length !== n) {
      throw new OpenAIBackendError(
        `${this.name}: asked for ${n} completion${n === 1 ? "" : "s"}, the server returned ${cs.length}`,
        undefined,
        undefined,
        undefined,
        "endpoint_wrong_count",
      );
    }
    return cs;
  }

  /** One /v1/completions request (its `n` as given). */
  private async completeOnce(prompt: string, opts: GenerateOptions): Promise<Completion[]> {
    const n = opts.n ?? 1;
    const askTokens = opts.logprobs || (this.exactTokens && n > 1);
    const want = opts.maxTokens ?? 256;
    const body: Record<string, unknown> = {
      model: this.options.model,
      prompt,
      n,
      max_tokens: await this.fit(want, tokenUpperBound(prompt)),
      temperature: opts.temperature ?? 1,
      ...(opts.topP !== undefined && { top_p: opts.topP }),
      ...(opts.topK !== undefined && { top_k: opts.topK }),
      ...(opts.stop && opts.stop.length > 0 && { stop: opts.stop }),
      ...(opts.seed !== undefined && { seed: opts.seed }),
      ...(askTokens && { logprobs: 0 }),
    };
    const create = (b: Record<string, unknown>) =>
      this.withContextRetry(b, want, ["max_tokens"], tokenUpperBound(prompt), (x) =>
        this.call(() => this.client.completions.create(x as unknown as OpenAI.CompletionCreateParamsNonStreaming, { signal: opts.signal })),
      );
    let res: OpenAI.Completion;
    try {
      res = await create(body);
    } catch (err) {
      const logprobsRefused =
        askTokens &&
        !opts.logprobs &&
        err instanceof OpenAIBackendError &&
        err.status === 400 &&
        !refusesN(err.serverMessage ?? "", err.param) &&
        parseContextOverflow(err.serverMessage ?? "") === undefined;
      if (!logprobsRefused) throw err;
      this.exactTokens = false; // this server does not do logprobs: apportion usage instead
      const { logprobs: _drop, ...rest } = body;
      res = await create(rest);
    }
    const usage = this.account(res.usage);
    const choices = [...res.choices].sort((a, b) => a.index - b.index);
    const counts = choiceTokenCounts(choices, usage.completion);
    const inThinking = prompt.trimEnd().endsWith(this.tags.open);
    const thinking = thinkingCounts(choices, usage.reasoning, this.tags, inThinking);
    return choices.map((c, i) => {
      const lp = c.logprobs?.token_logprobs?.filter((x): x is number => typeof x === "number");
      return {
        text: c.text,
        finishReason: finish(c.finish_reason),
        completionTokens: counts[i],
        thinkingTokens: thinking[i],
        ...(opts.logprobs && lp && { logprobs: lp }),
      };
    });
  }

  /** One /v1/chat/completions request (its `n` as given). */
  private async chatOnce(messages: ChatMessageIn[], opts: GenerateOptions & { reasoningEffort?: ReasoningEffort }): Promise<Completion[]> {
    const n = opts.n ?? 1;
    const effort = opts.reasoningEffort ?? this.options.reasoningEffort;
    const want = opts.maxTokens ?? 256;
    // The chat template adds a few tokens per message on top of the text.
    const bound = messages.reduce((a, m) => a + tokenUpperBound(m.content, 8), 8);
    const max = await this.fit(want, bound);
    const body: Record<string, unknown> = {
      model: this.options.model,
      messages,
      n,
      max_completion_tokens: max,
      ...(this.sendMaxTokensInChat && { max_tokens: max }),
      temperature: opts.temperature ?? 1,
      ...(opts.topP !== undefined && { top_p: opts.topP }),
      ...(opts.topK !== undefined && { top_k: opts.topK }),
      ...(opts.stop && opts.stop.length > 0 && { stop: opts.stop }),
      ...(opts.seed !== undefined && { seed: opts.seed }),
      ...(opts.logprobs && { logprobs: true }),
      ...(effort && { reasoning_effort: effort }),
    };
    const send = (b: Record<string, unknown>) =>
      this.withContextRetry(b, want, ["max_completion_tokens", "max_tokens"], bound, (x) =>
        this.call(() => this.client.chat.completions.create(x as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: opts.signal })),
      );
    let res: OpenAI.ChatCompletion;
    try {
      res = await send(body);
    } catch (err) {
      if (!(err instanceof OpenAIBackendError && err.status === 400 && "max_tokens" in body && refusesMaxTokens(err.serverMessage ?? "", err.param))) throw err;
      this.sendMaxTokensInChat = false; // OpenAI's reasoning models take max_completion_tokens only
      const { max_tokens: _drop, ...rest } = body;
      res = await send(rest);
    }
    const usage = this.account(res.usage);
    const choices = [...res.choices].sort((a, b) => a.index - b.index);
    const parts = choices.map((c) => this.separate(c.message as unknown as Record<string, unknown>));
    const totalChars = parts.reduce((a, p) => a + p.reasoning.length + p.content.length, 0);
    const reasoningChars = parts.reduce((a, p) => a + p.reasoning.length, 0);
    const k = choices.length;
    return choices.map((c, i) => {
      const lp = c.logprobs?.content?.map((t) => t.logprob);
      return {
        text: parts[i].content,
        reasoning: parts[i].reasoning,
        finishReason: finish(c.finish_reason),
        completionTokens: lp ? lp.length : apportion(usage.completion, parts[i].reasoning.length + parts[i].content.length, totalChars, k),
        thinkingTokens: usage.reasoning === undefined ? undefined : apportion(usage.reasoning, parts[i].reasoning.length, reasoningChars, k),
        ...(opts.logprobs && lp && { logprobs: lp }),
      };
    });
  }

  /** `want` clamped to what the context leaves after a prompt of at most `promptBound` tokens. */
  private async fit(want: number, promptBound: number): Promise<number> {
    const ctx = await this.contextLength();
    if (ctx === undefined) return want;
    const room = ctx - promptBound;
    // A loose bound can leave no room for a prompt that fits: then ask as is and let the server say.
    return room >= 1 ? Math.min(want, room) : want;
  }

  /**
   * Send; on a 400 that says the request does not fit the context, clamp the token limit to the
   * room the message names and send once more. A prompt that alone exceeds the context is an error
   * that says so.
   */
  private async withContextRetry<T>(
    body: Record<string, unknown>,
    want: number,
    keys: string[],
    promptBound: number,
    send: (b: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    try {
      return await send(body);
    } catch (err) {
      if (!(err instanceof OpenAIBackendError && err.status === 400 && err.serverMessage !== undefined)) throw err;
      const msg = err.serverMessage;
      if (promptAloneTooLong(msg)) {
        throw new OpenAIBackendError(
          `${err.message} (the prompt alone is longer than the server's context: start the server with a larger context, e.g. llama-server -c 8192 or vllm --max-model-len 8192, or shorten the prompt)`,
          400,
          msg,
          err.param,
          "endpoint_context_exceeded",
        );
      }
      const o = parseContextOverflow(msg);
      if (!o) throw err;
      if (o.contextLength !== undefined && this.options.contextLength === undefined) this.learnedContext ??= o.contextLength;
      const room = o.maxTokens ?? (o.contextLength === undefined ? undefined : o.contextLength - (o.promptTokens ?? promptBound));
      const asked = keys.map((k) => body[k]).find((v): v is number => typeof v === "number") ?? want;
      if (room === undefined || room < 1 || room >= asked) {
        throw new OpenAIBackendError(
          `${err.message} (no room to answer: the prompt leaves ${room ?? "no"} tokens of the context; shorten the prompt or raise the server's context length)`,
          400,
          msg,
          err.param,
          "endpoint_context_exceeded",
        );
      }
      const clamped = { ...body };
      for (const k of keys) if (k in clamped) clamped[k] = room;
      return send(clamped);
    }
  }

  private headers(): Record<string, string> {
    const key = this.options.apiKey ?? process.env.OPENAI_API_KEY;
    return key && key !== "none" ? { authorization: `Bearer ${key}` } : {};
  }

  private separate(message: Record<string, unknown>): { reasoning: string; content: string } {
    const content = typeof message.content === "string" ? message.content : "";
    // vLLM ≤ 0.9, SGLang, llama.cpp (--reasoning-format deepseek) and DeepSeek: reasoning_content;
    // vLLM ≥ 0.10 and Ollama: reasoning; Ollama's native API: thinking.
    for (const key of ["reasoning_content", "reasoning", "thinking"]) {
      const r = message[key];
      if (typeof r === "string" && r !== "") return { reasoning: r, content };
    }
    const s = splitThinking(content, this.tags);
    return s.opened ? { reasoning: s.reasoning, content: s.answer.trimStart() } : { reasoning: "", content };
  }

  private account(u: OpenAI.CompletionUsage | undefined): { completion: number; reasoning?: number } {
    this.usage.requests++;
    if (!u) return { completion: 0 };
    this.usage.promptTokens += u.prompt_tokens ?? 0;
    this.usage.completionTokens += u.completion_tokens ?? 0;
    const r = u.completion_tokens_details?.reasoning_tokens;
    const reasoning = typeof r === "number" ? r : undefined;
    this.usage.reasoningTokens += reasoning ?? 0;
    return { completion: u.completion_tokens ?? 0, reasoning };
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    return this.limiter.run(async () => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof OpenAI.APIUserAbortError) throw err;
        if (err instanceof OpenAI.APIConnectionTimeoutError) {
          throw new OpenAIBackendError(
            `${this.name}: the request timed out after ${this.options.timeoutMs ?? 300_000} ms (raise timeoutMs, or check that the server is not stuck)`,
            undefined,
            undefined,
            undefined,
            "endpoint_timeout",
          );
        }
        if (err instanceof OpenAI.APIConnectionError) {
          const cause = (err as { cause?: { cause?: { code?: string }; code?: string; message?: string } }).cause;
          const why = cause?.cause?.code ?? cause?.code ?? cause?.message ?? err.message;
          throw new OpenAIBackendError(
            `${this.name}: could not reach ${this.baseURL} (${why}). Check that the server is running and listening on that host and port ` +
              `(scratchpad serve --model DIR --port 8000; llama-server -m FILE.gguf --port 8080; ollama serve, port 11434; vllm serve MODEL, port 8000) ` +
              `and that the URL ends in /v1.`,
          );
        }
        if (err instanceof OpenAI.APIError) {
          const status = err.status;
          const hint =
            status === 404
              ? " (check the URL ends in /v1 and the model name: GET /v1/models lists them)"
              : status === 401
                ? " (set OPENAI_API_KEY, or pass the server's --api-key)"
                : "";
          const serverMessage = serverMessageOf(err);
          // The client's message already starts with the status: do not print it twice.
          throw new OpenAIBackendError(`${this.name}: ${err.message}${hint}`, status, serverMessage, err.param ?? null);
        }
        throw err;
      }
    });
  }
}

/** Open a policy over an endpoint; without `model`, use the first model the server lists. */
export async function openOpenAIPolicy(options: OpenAIPolicyOptions): Promise<OpenAIPolicy> {
  if (options.model) return new OpenAIPolicy({ ...options, model: options.model });
  const probe = new OpenAIPolicy({ ...options, model: "?" });
  const ids = await probe.models();
  if (ids.length === 0)
    throw new OpenAIBackendError(`${options.baseURL} lists no models: pass --model NAME`, undefined, undefined, undefined, "endpoint_no_model");
  return new OpenAIPolicy({ ...options, model: ids[0] });
}

/** The server's own error text: `error.message` of an OpenAI-shaped body, else the client's message. */
function serverMessageOf(err: InstanceType<typeof OpenAI.APIError>): string {
  const e = err.error as { message?: unknown; error?: { message?: unknown } } | string | undefined;
  if (typeof e === "string") return e;
  if (e && typeof e.message === "string") return e.message;
  if (e && typeof e.error?.message === "string") return e.error.message;
  return err.message;
}

function finish(r: string | null | undefined): FinishReason {
  return r === "length" ? "length" : "stop";
}

/**
 * Per-choice token counts: the listed tokens of each choice, plus the request's unlisted tokens
 * (final EOS / stop tokens that servers count but do not list) spread over the choices that
 * stopped; without token lists, the usage apportioned by text length.
 */
function choiceTokenCounts(choices: OpenAI.CompletionChoice[], total: number): number[] {
  if (choices.length === 1) return [total];
  if (choices.every((c) => c.logprobs?.tokens)) {
    const listed = choices.map((c) => c.logprobs!.tokens!.length);
    let extra = total - listed.reduce((a, b) => a + b, 0);
    const stopped = choices.map((c, i) => (c.finish_reason === "stop" ? i : -1)).filter((i) => i >= 0);
    for (const i of stopped) {
      if (extra <= 0) break;
      const share = Math.ceil(extra / stopped.length);
      listed[i] += Math.min(share, extra);
      extra -= Math.min(share, extra);
    }
    return listed;
  }
  const totalChars = choices.reduce((a, c) => a + c.text.length, 0);
  return choices.map((c) => apportion(total, c.text.length, totalChars, choices.length));
}

/**
 * Thinking tokens per choice: the server's `reasoning_tokens` for a single choice; the choice's
 * listed tokens when the server lists them; else the server's total split by thinking length;
 * else unknown (the caller estimates).
 */
function thinkingCounts(choices: OpenAI.CompletionChoice[], reported: number | undefined, tags: ThinkTags, inThinking: boolean): (number | undefined)[] {
  if (choices.length === 1 && reported !== undefined) return [reported];
  if (choices.every((c) => c.logprobs?.tokens)) return choices.map((c) => thinkingFromTokens(c.logprobs!.tokens!, tags, inThinking));
  if (reported === undefined) return choices.map(() => undefined);
  const chars = choices.map((c) => splitThinking(inThinking ? tags.open + c.text : c.text, tags).reasoning.length);
  const total = chars.reduce((a, b) => a + b, 0);
  return chars.map((x) => apportion(reported, x, total, choices.length));
}

/** Split a request's token count over its choices in proportion to their text length. */
function apportion(total: number, chars: number, totalChars: number, choices: number): number {
  if (choices <= 1) return total;
  if (totalChars === 0) return Math.round(total / choices);
  return Math.round((total * chars) / totalChars);
}

/**
 * Tokens strictly inside the thinking segment (to the end when it never closes), from the listed
 * tokens; the segment opens in the text, or in the prompt (`inThinking`).
 */
function thinkingFromTokens(tokens: string[], tags: ThinkTags, inThinking: boolean): number {
  let acc = "";
  let openAt = inThinking ? -1 : -2;
  for (let i = 0; i < tokens.length; i++) {
    acc += tokens[i];
    if (openAt === -2) {
      if (acc.includes(tags.open)) openAt = i;
      else if (acc.trim() !== "" && !tags.open.startsWith(acc.trimStart())) return 0; // answered without thinking
      continue;
    }
    if (acc.includes(tags.close)) return Math.max(0, i - openAt - 1);
  }
  return openAt === -2 ? 0 : Math.max(0, tokens.length - openAt - 1);
}
