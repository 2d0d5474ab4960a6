/**
 * What OpenAI-compatible servers do differently, in one place: where they publish their context
 * length (vLLM and SGLang: `max_model_len` in GET /v1/models; llama.cpp's server: `n_ctx` in GET
 * /props), how they word a request that does not fit the context (so the client can clamp
 * `max_tokens` and retry once), and how they refuse `n` > 1 (llama.cpp: "only one completion choice
 * is allowed"). The openai backend uses these; each is tested against a stand-in server that speaks
 * the real server's wire format (test/inference-endpoints.test.ts).
 */

/** Why a request did not fit the context, as read from a server's 400 message. */
export interface ContextOverflow {
  /** The server's context length, when the message names it. */
  contextLength?: number;
  /** The prompt's token count, when the message names it. */
  promptTokens?: number;
  /** The largest `max_tokens` the server says it would accept, when it says so directly. */
  maxTokens?: number;
}

/**
 * Read a context-overflow 400 message. Known wordings: vLLM ≤ 0.9 ("This model's maximum context
 * length is 128 tokens. However, you requested 261 tokens (5 in the messages, 256 in the
 * completion)", later "… you requested 256 output tokens and your prompt contains 5 input
 * tokens …"), vLLM ≥ 0.10 ("'max_tokens' or 'max_completion_tokens' is too large: 256. This
 * model's maximum context length is 128 tokens and your request has 5 input tokens (256 > 128 -
 * 5)"), SGLang ("Requested token count exceeds the model's maximum context length of 128 tokens.
 * You requested a total of 261 tokens: 5 tokens from the input messages and 256 tokens for the
 * completion"), llama.cpp ("request (261 tokens) exceeds the available context size (128 tokens)")
 * and scratchpad serve ("max tokens 256 + prompt 5 exceed the context length 128: ask for at most
 * 123"). Returns undefined for any other message.
 */
export function parseContextOverflow(message: string): ContextOverflow | undefined {
  const m = message.replace(/\s+/g, " ");
  const num = (re: RegExp) => {
    const x = re.exec(m);
    return x ? Number(x[1]) : undefined;
  };
  const contextLength = num(/maximum context length (?:is |of )?(\d+)/i) ?? num(/available context size \((\d+)/i) ?? num(/exceed the context length (\d+)/i);
  if (contextLength === undefined) return undefined;
  const promptTokens =
    num(/\((\d+) in the (?:messages|prompt)/i) ??
    num(/request has (\d+) (?:input|prompt) tokens/i) ??
    num(/prompt contains (?:at least )?(\d+) input tokens/i) ??
    num(/(\d+) tokens from the input/i) ??
    num(/\+ prompt (\d+) exceed/i);
  return { contextLength, promptTokens, maxTokens: num(/ask for at most (\d+)/i) };
}

/** Whether an error message says the prompt alone is longer than the context (nothing to clamp). */
export function promptAloneTooLong(message: string): boolean {
  return /exceed_context_size_error|exceeds the available context size|is longer than the model's context length|the prompt has \d+ tokens; this model's context/i.test(
    message,
  );
}

/**
 * Whether a server refused `n` > 1: llama.cpp's server ("only one completion choice is allowed",
 * 400 in current builds, 500 in older ones), or any 4xx/5xx naming the `n` parameter as unsupported.
 */
export function refusesN(message: string, param?: string | null): boolean {
  return (
    /only one completion choice/i.test(message) ||
    param === "n" ||
    /\b(?:parameter|param)\b[^.]*['"`]?\bn\b['"`]?[^.]*(?:not supported|unsupported|must be 1)/i.test(message) ||
    /['"`]n['"`] (?:is not supported|must be 1|only supports 1)/i.test(message)
  );
}

/** Whether a server refused `max_tokens` in chat (OpenAI's reasoning models want `max_completion_tokens` only). */
export function refusesMaxTokens(message: string, param?: string | null): boolean {
  return (param === "max_tokens" && /not supported|unsupported/i.test(message)) || /'max_tokens' is not supported/i.test(message);
}

/** The server root of a base URL: "http://h:8080/v1" → "http://h:8080" (llama.cpp's /props lives there). */
export function serverRoot(baseURL: string): string {
  const u = new URL(baseURL);
  u.pathname = u.pathname.replace(/\/v1\/?$/, "") || "/";
  return u.toString().replace(/\/+$/, "");
}

/** What a server says about itself: its context length, and where that came from. */
export interface ServerLimits {
  contextLength?: number;
  /** "max_model_len" (GET /v1/models), "n_ctx" (GET /props) or "option". */
  source?: string;
}

/**
 * Ask a server for its context length: `max_model_len` of the model in GET {base}/models (vLLM,
 * SGLang, scratchpad serve), else `default_generation_settings.n_ctx` (or `n_ctx`) in GET
 * {root}/props (llama.cpp's server). Never throws: a server that publishes neither gives {}.
 */
export async function probeServerLimits(baseURL: string, model: string, headers: Record<string, string>, fetcher: typeof fetch = fetch): Promise<ServerLimits> {
  const get = async (url: string): Promise<unknown> => {
    try {
      const res = await fetcher(url, { headers, signal: AbortSignal.timeout(10_000) });
      if (!res.ok) return undefined;
      return await res.json();
    } catch {
      return undefined;
    }
  };
  const positive = (x: unknown): number | undefined => (typeof x === "number" && Number.isInteger(x) && x > 0 ? x : undefined);
  const models = (await get(`${baseURL}/models`)) as { data?: { id?: string; max_model_len?: unknown }[] } | undefined;
  const entries = Array.isArray(models?.data) ? models.data : [];
  const entry = entries.find((m) => m.id === model) ?? (entries.length === 1 ? entries[0] : undefined);
  const fromModels = positive(entry?.max_model_len);
  if (fromModels) return { contextLength: fromModels, source: "max_model_len" };
  const props = (await get(`${serverRoot(baseURL)}/props`)) as { n_ctx?: unknown; default_generation_settings?: { n_ctx?: unknown } } | undefined;
  const nCtx = positive(props?.default_generation_settings?.n_ctx) ?? positive(props?.n_ctx);
  if (nCtx) return { contextLength: nCtx, source: "n_ctx" };
  return {};
}

/**
 * An upper bound on a text's token count under any byte-level or character-level tokenizer (each
 * token covers at least one byte), plus room for BOS and a few special tokens.
 */
export function tokenUpperBound(text: string, specialTokens = 2): number {
  return Buffer.byteLength(text, "utf8") + specialTokens;
}

/**
 * A fetch that rewrites error bodies into OpenAI's `{"error": {...}}` shape, so the official client
 * keeps the server's message: vLLM ≤ 0.9 and SGLang answer `{"object": "error", "message", "type",
 * "param", "code"}` at the top level, FastAPI-style servers `{"detail": "..."}`; the client reads
 * only `body.error` and would report "400 status code (no body)".
 */
export function normalisingFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (res.ok) return res;
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const b = body as Record<string, unknown> | undefined;
    let out = text;
    if (b && typeof b === "object" && !Array.isArray(b) && !("error" in b)) {
      const message = typeof b.message === "string" ? b.message : typeof b.detail === "string" ? b.detail : undefined;
      if (message !== undefined) {
        out = JSON.stringify({
          error: { message, type: typeof b.type === "string" ? b.type : null, param: typeof b.param === "string" ? b.param : null, code: b.code ?? null },
        });
      }
    }
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    headers.delete("content-encoding");
    return new Response(out, { status: res.status, statusText: res.statusText, headers });
  };
}
