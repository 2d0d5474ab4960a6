/**
 * Test-time compute as AI SDK middleware (`wrapLanguageModel({ model, middleware })`, ai@6's
 * LanguageModelV3Middleware):
 *
 * - `selfConsistencyMiddleware({ k })`: k samples of the call, majority vote over their final
 *   answers with the math verifier's equivalence (`0.5`, `1/2` and `\frac12` are one vote); returns
 *   the winning sample, with usage summed over all k. Works over any provider.
 * - `routerMiddleware({ strong, probes, threshold })`: the wrapped (cheap) model answers when its
 *   probes agree at least `threshold`, else the strong model answers. Works over any provider.
 * - `budgetForcingMiddleware({ budget })`: s1 budget forcing (thinking capped at `budget` tokens,
 *   then the end-of-thinking tag and the answer). It continues raw text, so the wrapped model must
 *   continue its prompt as raw text: the models of `createScratchpad()` (embedded, GGUF, or any
 *   server's /v1/completions through the openai backend). A chat model cannot be continued
 *   mid-thought; use `reasoning_effort` there.
 *
 * Decisions are reported in `providerMetadata.scratchpad`.
 */
import type { LanguageModelV3, LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3Middleware } from "@ai-sdk/provider";
import { majorityVote } from "../core/vote.js";
import { DEFAULT_THINK_TAGS } from "../core/think.js";
import { defaultAnswerExtractor, type AnswerExtractor } from "../scale/answers.js";
import { generateWithBudget, type BudgetOptions } from "../scale/budget.js";
import { addUsage, completionContent, contentText, finishReason, generateOptions, lastUserText, resultToStream, usage } from "./convert.js";
import { languageModelPolicy } from "./model-policy.js";

type Meta = Record<string, string | number | boolean | null | (string | null)[]>;

function withMeta(r: LanguageModelV3GenerateResult, usageAll: LanguageModelV3GenerateResult["usage"], meta: Meta): LanguageModelV3GenerateResult {
  return { ...r, usage: usageAll, providerMetadata: { ...r.providerMetadata, scratchpad: meta } };
}

/** k samples of one call, seeds seed + j (so they differ when the caller fixed a seed). */
async function sampleK(model: LanguageModelV3, params: LanguageModelV3CallOptions, k: number, seedOffset = 0): Promise<LanguageModelV3GenerateResult[]> {
  return Promise.all(
    Array.from({ length: k }, (_, j) => model.doGenerate({ ...params, seed: params.seed === undefined ? undefined : params.seed + seedOffset + j })),
  );
}

/** The vote key of a result: its final answer (after any thinking), keyed by `answer`. */
function keyOf(r: LanguageModelV3GenerateResult, answer: AnswerExtractor): string | null {
  return answer(contentText(r.content).text);
}

function vote(results: LanguageModelV3GenerateResult[], answer: AnswerExtractor) {
  const keys = results.map((r) => keyOf(r, answer));
  const v = majorityVote(keys.map((key) => ({ key })));
  return { keys, key: v.key, agreement: v.agreement, index: Math.max(0, v.index) };
}

/** Options of `selfConsistencyMiddleware`. */
export interface SelfConsistencyOptions {
  /** Samples per call (default 8). */
  k?: number;
  /** Maps a response's text to its vote key (default: the final answer under the math verifier's equivalence). */
  answer?: AnswerExtractor;
}

/** Majority vote over k samples (see the file comment). */
export function selfConsistencyMiddleware(o: SelfConsistencyOptions = {}): LanguageModelV3Middleware {
  const k = o.k ?? 8;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a whole number ≥ 1, got ${k}`);
  const answer = o.answer ?? defaultAnswerExtractor();
  const run = async (model: LanguageModelV3, params: LanguageModelV3CallOptions) => {
    const results = await sampleK(model, params, k);
    const v = vote(results, answer);
    return withMeta(results[v.index], addUsage(results.map((r) => r.usage)), {
      strategy: "self-consistency",
      answer: v.key,
      confidence: v.agreement,
      samples: k,
      votes: v.keys,
    });
  };
  return {
    specificationVersion: "v3",
    wrapGenerate: ({ model, params }) => run(model, params),
    wrapStream: async ({ model, params }) => resultToStream(await run(model, params)),
  };
}

/** Options of `routerMiddleware`. */
export interface RouterMiddlewareOptions {
  /** The model that answers when the wrapped (cheap) one is unsure. */
  strong: LanguageModelV3;
  /** Cheap samples whose agreement is the confidence (default 4). */
  probes?: number;
  /** Escalate when the cheap vote share is below this (0..1). */
  threshold: number;
  answer?: AnswerExtractor;
}

/** Cheap first, strong when the cheap probes disagree (see the file comment). */
export function routerMiddleware(o: RouterMiddlewareOptions): LanguageModelV3Middleware {
  const probes = o.probes ?? 4;
  const answer = o.answer ?? defaultAnswerExtractor();
  const run = async (model: LanguageModelV3, params: LanguageModelV3CallOptions) => {
    const cheap = await sampleK(model, params, probes);
    const v = vote(cheap, answer);
    const probeUsage = cheap.map((r) => r.usage);
    if (v.key !== null && v.agreement >= o.threshold) {
      return withMeta(cheap[v.index], addUsage(probeUsage), {
        strategy: "router",
        escalated: false,
        answer: v.key,
        confidence: v.agreement,
        samples: probes,
        model: model.modelId,
      });
    }
    const strong = await o.strong.doGenerate(params);
    return withMeta(strong, addUsage([...probeUsage, strong.usage]), {
      strategy: "router",
      escalated: true,
      answer: keyOf(strong, answer),
      confidence: v.agreement,
      samples: probes + 1,
      model: o.strong.modelId,
    });
  };
  return {
    specificationVersion: "v3",
    wrapGenerate: ({ model, params }) => run(model, params),
    wrapStream: async ({ model, params }) => resultToStream(await run(model, params)),
  };
}

/** Budget forcing of a raw-text model (see the file comment); options as `withBudget`'s. */
export function budgetForcingMiddleware(o: BudgetOptions): LanguageModelV3Middleware {
  const tags = o.tags ?? DEFAULT_THINK_TAGS;
  const run = async (model: LanguageModelV3, params: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> => {
    const prompt = lastUserText(params.prompt);
    const [[c]] = await generateWithBudget(languageModelPolicy(model, { headers: params.headers }), [prompt], o, generateOptions(params));
    return {
      content: completionContent(c, tags, prompt.trimEnd().endsWith(tags.open)),
      finishReason: finishReason(c.finishReason),
      usage: usage(undefined, c.completionTokens, c.thinkingTokens),
      providerMetadata: {
        scratchpad: {
          strategy: "budget",
          budget: Number.isFinite(o.budget) ? o.budget : null,
          thinkingTokens: c.thinkingTokens ?? null,
          forcedStop: c.forcedStop,
          waitsUsed: c.waitsUsed,
        },
      },
      response: { modelId: model.modelId, timestamp: new Date() },
      warnings: [],
    };
  };
  return {
    specificationVersion: "v3",
    wrapGenerate: ({ model, params }) => run(model, params),
    wrapStream: async ({ model, params }) => resultToStream(await run(model, params)),
  };
}
