/**
 * Backends: one `Policy` over the embedded engine and over OpenAI-compatible servers.
 * `openPolicy(spec)` opens either from a command-line style spec: a checkpoint folder, a `.gguf`
 * file (llama.cpp in-process), or an http(s) URL of an OpenAI-compatible server.
 */
import { EmbeddedPolicy, type EmbeddedPolicyOptions } from "./embedded.js";
import { openOpenAIPolicy, type OpenAIPolicyOptions } from "./openai.js";
import { isGgufPath, LlamaCppPolicy, type LlamaCppPolicyOptions } from "./llama-cpp.js";
import type { Policy } from "../types.js";
import { ScratchpadError } from "../core/errors.js";

export { EmbeddedPolicy, EmbeddedPolicyError, type EmbeddedPolicyOptions } from "./embedded.js";
export {
  OpenAIPolicy,
  OpenAIBackendError,
  openOpenAIPolicy,
  normaliseBaseURL,
  type OpenAIPolicyOptions,
  type UsageTotals,
  type ReasoningEffort,
} from "./openai.js";
export { Limiter } from "./limiter.js";
export { LlamaCppPolicy, LlamaCppError, isGgufPath, llamaCppAvailable, type LlamaCppPolicyOptions } from "./llama-cpp.js";

/** Options of `openPolicy`: the model name and client settings for URLs, engine settings for folders. */
export interface OpenPolicyOptions extends Partial<Omit<OpenAIPolicyOptions, "baseURL">> {
  embedded?: EmbeddedPolicyOptions;
  /** Settings of a GGUF model (a spec ending in .gguf) run by llama.cpp. */
  llamaCpp?: LlamaCppPolicyOptions;
}

/** Whether a spec names a server (http:// or https://) rather than a checkpoint folder. */
export function isEndpoint(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

/**
 * Open a policy: an http(s) URL gives the `openai` backend (model: `options.model`, else the first
 * the server lists); anything else is a checkpoint folder for the embedded engine.
 */
export async function openPolicy(spec: string, options: OpenPolicyOptions = {}): Promise<Policy> {
  if (spec.trim() === "")
    throw new ScratchpadError("no_model", "no model given: pass a checkpoint folder (models/base) or a server URL (http://127.0.0.1:8000/v1)");
  if (isEndpoint(spec)) {
    const { embedded: _embedded, llamaCpp: _llamaCpp, ...rest } = options;
    return openOpenAIPolicy({ ...rest, baseURL: spec });
  }
  if (isGgufPath(spec)) return LlamaCppPolicy.load(spec, options.llamaCpp);
  return EmbeddedPolicy.load(spec, options.embedded);
}
