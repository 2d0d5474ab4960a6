/**
 * The shape of one generation request and its streamed tokens, shared by every backend that the
 * server (`scratchpad serve`) can front: the embedded engine's continuous-batching scheduler,
 * llama.cpp (GGUF) and the routing backend. It lives below serve so that backends implement it
 * without importing the server; serve re-exports it (serve/backend.ts).
 */

/** One token as it is produced. */
export interface TokenEvent {
  /** The token's text (may be "" for special tokens that do not print). */
  text: string;
  id: number;
  /** log p(token) under the model (before temperature). */
  logprob: number;
  /** The most likely alternatives, when `topLogprobs` > 0 was asked. */
  top?: { text: string; logprob: number }[];
  /** True for a token the server inserted itself (budget forcing), not sampled. */
  forced?: boolean;
}

/** A request to generate one continuation. */
export interface GenerationRequest {
  prompt: string;
  /** Maximum generated tokens (thinking included). */
  maxTokens: number;
  temperature: number;
  topP?: number;
  topK?: number;
  seed?: number;
  /** Stop strings (excluded from the output). */
  stop?: string[];
  /** Maximum thinking tokens; at the cap the end-of-thinking tag is forced (budget forcing). */
  thinkingBudget?: number;
  /** How many top alternatives to report per token (0 = none). */
  topLogprobs?: number;
  /** Called for every token in order, before the request resolves. */
  onToken?: (ev: TokenEvent) => void;
  /** Aborting frees the request's slot at the next step. */
  signal?: AbortSignal;
}

/** The outcome of one request. */
export interface GenerationResult {
  text: string;
  tokens: TokenEvent[];
  finishReason: "stop" | "length" | "abort";
  promptTokens: number;
  completionTokens: number;
  /** Tokens generated inside the thinking segment (the tags excluded). */
  thinkingTokens: number;
  /** A routing backend: which option answered (see serve/routing-backend.ts). */
  route?: { option: number; name: string };
}
