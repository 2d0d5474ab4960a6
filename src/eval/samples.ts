/**
 * Sampling and scoring for evaluation: draw k completions per problem from a policy, verify each,
 * and keep what the metrics need (correctness, answer key, token counts, a score).
 */
import type { Completion, GenerateOptions, Policy, Problem } from "../types.js";
import type { AnswerKeyFn } from "../core/vote.js";
import { mathAnswerKey } from "../scale/answerKey.js";
import { DEFAULT_THINK_TAGS, thinkingTokensOf, type ThinkTags } from "../core/think.js";
import { ScratchpadError } from "../core/errors.js";

/** One verified sample of one problem. */
export interface SampleRecord {
  text: string;
  correct: boolean;
  /** The vote key of the extracted answer (null when no answer was found). */
  key: string | null;
  extracted?: string;
  completionTokens: number;
  thinkingTokens: number;
  finishReason: Completion["finishReason"];
  /** Mean log-probability of the sampled tokens, when the backend returned them. */
  meanLogprob?: number;
  /** The verifier's score in [0, 1]. */
  score: number;
  /** Reasoning text returned separately by the backend (chat APIs). */
  reasoning?: string;
  /** True when budget forcing cut this sample's thinking at the cap. */
  forcedStop?: boolean;
  /** The best-of-N scorer's score (e.g. the fraction of public tests passed), when one was given. */
  selectScore?: number;
}

/** Options of `sampleProblems`. */
export interface SampleOptions extends GenerateOptions {
  /** Problem → prompt text (default: the problem's own prompt). */
  template?: (p: Problem) => string;
  /** Answer → vote key (default: the math verifier's canonical key). */
  answerKey?: AnswerKeyFn;
  /** Prompts per generate call (default 32). */
  batchSize?: number;
  tags?: ThinkTags;
  /** Called after each batch with the number of problems done. */
  onBatch?: (done: number, total: number) => void;
  /** Scores each sample for best-of-N (public tests, a reward model); stored as `selectScore`. */
  scorer?: (p: Problem, c: Completion) => number | Promise<number>;
}

/** Sample `opts.n` completions for every problem and verify them. Result[i] belongs to problems[i]. */
export async function sampleProblems(policy: Policy, problems: Problem[], opts: SampleOptions = {}): Promise<SampleRecord[][]> {
  const { template, answerKey = mathAnswerKey, batchSize = 32, tags = DEFAULT_THINK_TAGS, onBatch, scorer, ...gen } = opts;
  const prompt = template ?? ((p: Problem) => p.prompt);
  const out: SampleRecord[][] = [];
  for (let start = 0; start < problems.length; start += batchSize) {
    const batch = problems.slice(start, start + batchSize);
    // Batch b starts where the previous batches' streams end: a policy gives prompt i of a call with
    // seed s the streams s + i·n + j (the openai backend's seeds), so no two problems share one.
    const seed = gen.seed === undefined ? undefined : gen.seed + start * (gen.n ?? 1);
    const completions = await policy.generate(batch.map(prompt), { ...gen, seed });
    if (completions.length !== batch.length) {
      throw new ScratchpadError("policy_result_count", `policy ${policy.name} returned ${completions.length} results for ${batch.length} prompts`);
    }
    const verified = await Promise.all(
      batch.map((p, i) =>
        Promise.all(
          completions[i].map(async (c) => {
            const r = await record(p, c, policy, answerKey, tags);
            if (scorer) r.selectScore = await scorer(p, c);
            return r;
          }),
        ),
      ),
    );
    out.push(...verified);
    onBatch?.(Math.min(start + batchSize, problems.length), problems.length);
  }
  return out;
}

async function record(p: Problem, c: Completion, policy: Policy, answerKey: AnswerKeyFn, tags: ThinkTags): Promise<SampleRecord> {
  const v = await p.verifier.verify(c.text, p);
  const extracted = v.extracted;
  let key: string | null = null;
  if (extracted !== undefined && extracted !== "") {
    try {
      key = answerKey(extracted);
    } catch {
      key = extracted.trim();
    }
  }
  const lp = c.logprobs && c.logprobs.length > 0 ? c.logprobs.reduce((a, b) => a + b, 0) / c.logprobs.length : undefined;
  return {
    text: c.text,
    correct: v.correct,
    key,
    extracted,
    completionTokens: c.completionTokens,
    thinkingTokens: thinkingTokensOf(c, policy.countTokens?.bind(policy), tags),
    finishReason: c.finishReason,
    meanLogprob: lp,
    score: v.score ?? (v.correct ? 1 : 0),
    reasoning: c.reasoning,
    forcedStop: (c as { forcedStop?: boolean }).forcedStop,
  };
}
