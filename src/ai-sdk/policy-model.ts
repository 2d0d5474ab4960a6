/**
 * Any scratchpad `Policy` as an AI SDK language model (LanguageModelV3), and a provider that opens
 * one from a spec: a checkpoint folder (the embedded engine), a GGUF file (llama.cpp in process)
 * or an OpenAI-compatible URL. `generateText`, `streamText` and `wrapLanguageModel` then run on the
 * embedded and GGUF models like on any hosted model; the reasoning comes back as reasoning parts.
 */
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3StreamResult } from "@ai-sdk/provider";
import { openPolicy, type OpenPolicyOptions } from "../backends/index.js";
import { DEFAULT_THINK_TAGS, type ThinkTags } from "../core/think.js";
import type { Policy } from "../types.js";
import { completionContent, finishReason, generateOptions, lastUserText, resultToStream, usage } from "./convert.js";

/** Options of `policyLanguageModel`. */
export interface PolicyLanguageModelOptions {
  /** The model id reported to the AI SDK (default: the policy's name). */
  modelId?: string;
  /** The provider name reported to the AI SDK (default "scratchpad"). */
  provider?: string;
  /**
   * Turns the call's messages into the raw prompt (default: the last user message's text, as
   * `scratchpad serve` prompts the embedded models; pass a rendered chat template for chat models).
   */
  promptOf?: (prompt: LanguageModelV3CallOptions["prompt"]) => string;
  /** Thinking delimiters (default `<think>` / `</think>`). */
  tags?: ThinkTags;
  /** `maxOutputTokens` when a call gives none (default 256). */
  maxTokens?: number;
}

/** The AI SDK model over a policy (see the file comment). */
export function policyLanguageModel(policy: Policy | (() => Promise<Policy>), o: PolicyLanguageModelOptions = {}): LanguageModelV3 {
  const tags = o.tags ?? DEFAULT_THINK_TAGS;
  const promptOf = o.promptOf ?? lastUserText;
  let opened: Promise<Policy> | undefined;
  const get = () => (opened ??= typeof policy === "function" ? policy() : Promise.resolve(policy));
  const doGenerate = async (options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> => {
    const p = await get();
    const prompt = promptOf(options.prompt);
    const [[c]] = await p.generate([prompt], generateOptions(options, o.maxTokens));
    const inThinking = prompt.trimEnd().endsWith(tags.open);
    return {
      content: completionContent(c, tags, inThinking),
      finishReason: finishReason(c.finishReason),
      usage: usage(p.countTokens?.(prompt), c.completionTokens, c.thinkingTokens),
      response: { modelId: o.modelId ?? p.name, timestamp: new Date() },
      warnings: [],
    };
  };
  return {
    specificationVersion: "v3",
    provider: o.provider ?? "scratchpad",
    modelId: o.modelId ?? (typeof policy === "function" ? "scratchpad" : policy.name),
    supportedUrls: {},
    doGenerate,
    doStream: async (options): Promise<LanguageModelV3StreamResult> => resultToStream(await doGenerate(options)),
  };
}

/** A provider: `createScratchpad()("models/r1zero")` opens the policy on first use. */
export function createScratchpad(
  defaults: OpenPolicyOptions & Omit<PolicyLanguageModelOptions, "modelId"> = {},
): (spec: string, options?: PolicyLanguageModelOptions) => LanguageModelV3 {
  const { provider, promptOf, tags, maxTokens, ...open } = defaults;
  return (spec, options = {}) => policyLanguageModel(() => openPolicy(spec, open), { provider, promptOf, tags, maxTokens, modelId: spec, ...options });
}
