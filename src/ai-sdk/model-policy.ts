/**
 * An AI SDK language model as a scratchpad `Policy`, so the test-time strategies (budget forcing,
 * self-consistency, the router) run over any AI SDK provider. Each raw prompt is sent as one user
 * message; over a completion model (`createOpenAICompatible(...).completionModel(id)`, or
 * `createScratchpad()`) that message is the raw text the model continues, which budget forcing
 * needs. Reasoning that a chat model returns apart comes back in `Completion.reasoning`.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { Completion, Policy } from "../types.js";
import { contentText, textPrompt } from "./convert.js";

/** The policy over an AI SDK model; `base` supplies call settings (headers, provider options) kept on every call. */
export function languageModelPolicy(
  model: LanguageModelV3,
  base: { headers?: Record<string, string | undefined>; providerOptions?: Record<string, Record<string, never>> } = {},
): Policy {
  return {
    name: `${model.provider}:${model.modelId}`,
    async generate(prompts, opts = {}) {
      const n = opts.n ?? 1;
      return Promise.all(
        prompts.map((p, i) =>
          Promise.all(
            Array.from({ length: n }, async (_, j): Promise<Completion> => {
              const r = await model.doGenerate({
                prompt: textPrompt(p),
                maxOutputTokens: opts.maxTokens,
                temperature: opts.temperature,
                topP: opts.topP,
                topK: opts.topK,
                stopSequences: opts.stop,
                seed: opts.seed === undefined ? undefined : opts.seed + i * n + j,
                abortSignal: opts.signal,
                ...base,
              });
              const { reasoning, text } = contentText(r.content);
              const out = r.usage.outputTokens;
              return {
                text,
                ...(reasoning !== "" && { reasoning }),
                finishReason: r.finishReason.unified === "length" ? "length" : "stop",
                completionTokens: out.total ?? 0,
                thinkingTokens: out.reasoning,
              };
            }),
          ),
        ),
      );
    },
  };
}
