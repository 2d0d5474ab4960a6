/**
 * What the HTTP server needs from a model: submit one generation request, receive its tokens as
 * they are sampled, and cancel it. The continuous-batching scheduler over the embedded engine
 * implements it; so can anything else (a test double is not needed: tests use the real engine).
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

/** A model the server can serve. */
export interface ServeBackend {
  /** Run one request to completion (or abort). */
  submit(req: GenerationRequest): Promise<GenerationResult>;
  /** Count prompt tokens (for usage and context checks). */
  countTokens(text: string): number;
  /** The longest prompt + completion the model accepts. */
  readonly contextLength: number;
  /** Requests waiting or running now. */
  readonly load?: number;
  /** A routing backend that decides from the prompt: the option it will use (for a response header sent before generating). */
  route?(prompt: string): { option: number; name: string } | undefined;
  close?(): Promise<void>;
}
