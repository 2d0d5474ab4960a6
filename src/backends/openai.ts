/**
 * The `openai` backend: a Policy over any OpenAI-compatible server (vLLM, SGLang, llama.cpp
 * server, Ollama, hosted APIs, or `scratchpad serve`) through the official `openai` npm client.
 *
 * - Raw prompts go to /v1/completions (what budget forcing needs); chat mode sends each prompt as
 *   a user message to /v1/chat/completions and reads the reasoning from `reasoning_content` or
 *   `reasoning`, or from `<think>` tags in the content when the server does not separate it.
 * - Retries with exponential backoff on 408/409/429/5xx and connection errors (the client's own,
 *   which honours `retry-after`), a per-request timeout, and a concurrency limit.
 * - Usage accounting, including `completion_tokens_details.reasoning_tokens`.
 */
import OpenAI from "openai";
import type { Completion, FinishReason, GenerateOptions, Policy } from "../types.js";
import { DEFAULT_THINK_TAGS, splitThinking, type ThinkTags } from "../core/think.js";
import { Limiter } from "./limiter.js";

/** Reasoning effort levels understood by OpenAI-style servers. */
export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high";

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
export class OpenAIBackendError extends Error {
  override readonly name = "OpenAIBackendError";
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

/** Normalise a base URL: keep an explicit path, else append /v1; drop a trailing slash. */
export function normaliseBaseURL(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new OpenAIBackendError(`not a URL: "${url}" (expected e.g. http://127.0.0.1:8000/v1)`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new OpenAIBackendError(`unsupported protocol in "${url}": use http:// or https://`);
  const path = u.pathname.replace(/\/+$/, "");
  u.pathname = path === "" ? "/v1" : path;
  return u.toString().replace(/\/+$/, "");
}

/** A Policy over an OpenAI-compatible endpoint. Create it with `openOpenAIPolicy` (resolves the model). */
export class OpenAIPolicy implements Policy {
  readonly name: string;
  readonly usage: UsageTotals = { requests: 0, promptTokens: 0, completionTokens: 0, reasoningTokens: 0 };
  readonly client: OpenAI;
  private readonly limiter: Limiter;
  private readonly tags: ThinkTags;
  private exactTokens: boolean;

  constructor(readonly options: OpenAIPolicyOptions & { model: string }) {
    const baseURL = normaliseBaseURL(options.baseURL);
    this.client = new OpenAI({
      baseURL,
      apiKey: options.apiKey ?? process.env.OPENAI_API_KEY ?? "none",
      maxRetries: options.maxRetries ?? 4,
      timeout: options.timeoutMs ?? 300_000,
      fetch: options.fetch,
    });
    this.limiter = new Limiter(options.concurrency ?? 16);
    this.tags = options.tags ?? DEFAULT_THINK_TAGS;
    this.exactTokens = options.exactTokens ?? true;
    this.name = `openai:${baseURL} ${options.model}${options.api === "chat" ? " (chat)" : ""}`;
  }

  /** For each prompt, `opts.n` completions (raw /v1/completions, or chat in chat mode). */
  generate(prompts: string[], opts: GenerateOptions = {}): Promise<Completion[][]> {
    return Promise.all(prompts.map((p, i) => {
      const o = opts.seed === undefined ? opts : { ...opts, seed: opts.seed + i };
      return this.options.api === "chat" ? this.chat([{ role: "user", content: p }], o) : this.complete(p, o);
    }));
  }

  /** Raw completion of one prompt through /v1/completions. */
  async complete(prompt: string, opts: GenerateOptions = {}): Promise<Completion[]> {
    const n = opts.n ?? 1;
    const askTokens = opts.logprobs || (this.exactTokens && n > 1);
    const body: Record<string, unknown> = {
      model: this.options.model, prompt, n, max_tokens: opts.maxTokens ?? 256, temperature: opts.temperature ?? 1,
      ...(opts.topP !== undefined && { top_p: opts.topP }), ...(opts.topK !== undefined && { top_k: opts.topK }),
      ...(opts.stop && opts.stop.length > 0 && { stop: opts.stop }), ...(opts.seed !== undefined && { seed: opts.seed }),
      ...(askTokens && { logprobs: 0 }),
    };
    const create = (b: Record<string, unknown>) => this.call(() => this.client.completions.create(b as unknown as OpenAI.CompletionCreateParamsNonStreaming, { signal: opts.signal }));
    let res: OpenAI.Completion;
    try {
      res = await create(body);
    } catch (err) {
      if (!(askTokens && !opts.logprobs && err instanceof OpenAIBackendError && err.status === 400)) throw err;
      this.exactTokens = false; // this server does not do logprobs: apportion usage instead
      const { logprobs: _drop, ...rest } = body;
      res = await create(rest);
    }
    const usage = this.account(res.usage);
    const choices = [...res.choices].sort((a, b) => a.index - b.index);
    const counts = choiceTokenCounts(choices, usage.completion);
    return choices.map((c, i) => {
      const lp = c.logprobs?.token_logprobs?.filter((x): x is number => typeof x === "number");
      const tokenTexts = c.logprobs?.tokens;
      return {
        text: c.text,
        finishReason: finish(c.finish_reason),
        completionTokens: counts[i],
        thinkingTokens: tokenTexts ? thinkingFromTokens(tokenTexts, this.tags) : undefined,
        ...(opts.logprobs && lp && { logprobs: lp }),
      };
    });
  }

  /** Chat completion: the reasoning is returned separately in `Completion.reasoning`. */
  async chat(
    messages: { role: "system" | "user" | "assistant"; content: string }[],
    opts: GenerateOptions & { reasoningEffort?: ReasoningEffort } = {},
  ): Promise<Completion[]> {
    const n = opts.n ?? 1;
    if (n > 1 && this.exactTokens) {
      // One request per choice: usage (reasoning tokens included) is then exact for each choice.
      const each = await Promise.all(Array.from({ length: n }, (_, j) =>
        this.chat(messages, { ...opts, n: 1, seed: opts.seed === undefined ? undefined : opts.seed + 7919 * j })));
      return each.flat();
    }
    const effort = opts.reasoningEffort ?? this.options.reasoningEffort;
    const body: Record<string, unknown> = {
      model: this.options.model, messages, n, max_completion_tokens: opts.maxTokens ?? 256, temperature: opts.temperature ?? 1,
      ...(opts.topP !== undefined && { top_p: opts.topP }), ...(opts.topK !== undefined && { top_k: opts.topK }),
      ...(opts.stop && opts.stop.length > 0 && { stop: opts.stop }), ...(opts.seed !== undefined && { seed: opts.seed }),
      ...(opts.logprobs && { logprobs: true }), ...(effort && { reasoning_effort: effort }),
    };
    const res = await this.call(() => this.client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { signal: opts.signal }));
    const usage = this.account(res.usage);
    const choices = [...res.choices].sort((a, b) => a.index - b.index);
    const parts = choices.map((c) => this.separate(c.message as unknown as Record<string, unknown>));
    const totalChars = parts.reduce((a, p) => a + p.reasoning.length + p.content.length, 0);
    const reasoningChars = parts.reduce((a, p) => a + p.reasoning.length, 0);
    return choices.map((c, i) => {
      const lp = c.logprobs?.content?.map((t) => t.logprob);
      return {
        text: parts[i].content,
        reasoning: parts[i].reasoning,
        finishReason: finish(c.finish_reason),
        completionTokens: lp ? lp.length : apportion(usage.completion, parts[i].reasoning.length + parts[i].content.length, totalChars, n),
        thinkingTokens: usage.reasoning === undefined ? undefined : apportion(usage.reasoning, parts[i].reasoning.length, reasoningChars, n),
        ...(opts.logprobs && lp && { logprobs: lp }),
      };
    });
  }

  /** The usage-free HTTP-level check: list the server's models. */
  async models(): Promise<string[]> {
    const page = await this.call(() => this.client.models.list());
    return page.data.map((m) => m.id);
  }

  async close(): Promise<void> {
    // The client holds no sockets beyond fetch's keep-alive pool; nothing to release.
  }

  private separate(message: Record<string, unknown>): { reasoning: string; content: string } {
    const content = typeof message.content === "string" ? message.content : "";
    const r = message.reasoning_content ?? message.reasoning;
    if (typeof r === "string" && r !== "") return { reasoning: r, content };
    const s = splitThinking(content, this.tags);
    return s.opened ? { reasoning: s.reasoning, content: s.answer.trimStart() } : { reasoning: "", content };
  }

  private account(u: OpenAI.CompletionUsage | undefined): { completion: number; reasoning?: number } {
    this.usage.requests++;
    if (!u) return { completion: 0 };
    this.usage.promptTokens += u.prompt_tokens ?? 0;
    this.usage.completionTokens += u.completion_tokens ?? 0;
    const reasoning = u.completion_tokens_details?.reasoning_tokens ?? undefined;
    this.usage.reasoningTokens += reasoning ?? 0;
    return { completion: u.completion_tokens ?? 0, reasoning };
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    return this.limiter.run(async () => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof OpenAI.APIUserAbortError) throw err;
        if (err instanceof OpenAI.APIError) {
          const status = err.status;
          const hint = status === 404 ? " (check the URL ends in /v1 and the model name)" : status === 401 ? " (set OPENAI_API_KEY)" : "";
          throw new OpenAIBackendError(`${this.name}: ${status ?? "connection"} ${err.message}${hint}`, status);
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
  if (ids.length === 0) throw new OpenAIBackendError(`${options.baseURL} lists no models: pass --model NAME`);
  return new OpenAIPolicy({ ...options, model: ids[0] });
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

/** Split a request's token count over its choices in proportion to their text length. */
function apportion(total: number, chars: number, totalChars: number, choices: number): number {
  if (choices <= 1) return total;
  if (totalChars === 0) return Math.round(total / choices);
  return Math.round((total * chars) / totalChars);
}

/** Tokens before the one that completes the close tag (or all, when thinking never closes), when thinking opened. */
function thinkingFromTokens(tokens: string[], tags: ThinkTags): number | undefined {
  const text = tokens.join("");
  const s = splitThinking(text, tags);
  if (!s.opened) return 0;
  let acc = "";
  let openAt = -1;
  for (let i = 0; i < tokens.length; i++) {
    acc += tokens[i];
    if (openAt < 0 && acc.includes(tags.open)) openAt = i;
    if (acc.includes(tags.close)) return Math.max(0, i - openAt - 1);
  }
  return Math.max(0, tokens.length - openAt - 1);
}
