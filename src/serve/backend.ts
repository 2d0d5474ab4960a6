/**
 * What the HTTP server needs from a model: submit one generation request, receive its tokens as
 * they are sampled, and cancel it. The continuous-batching scheduler over the embedded engine
 * implements it; so can anything else (a test double is not needed: tests use the real engine).
 */

import type { GenerationRequest, GenerationResult } from "../backends/generation.js";

export type { TokenEvent, GenerationRequest, GenerationResult } from "../backends/generation.js";

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
