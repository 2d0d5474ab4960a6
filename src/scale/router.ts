/**
 * The probe router at run time: a cascade that answers with a cheap policy when its samples agree
 * and escalates to a strong policy when they do not. Confidence is the vote share of the cheap
 * majority answer over a few probes, or the probes' mean token probability
 * (`confidence: "logprob"`). Calibration, prompt-only routers and the cost frontier are in
 * `routing/`.
 */
import type { Completion, Policy } from "../types.js";
import { majorityVote } from "../core/vote.js";
import { defaultAnswerExtractor, type AnswerExtractor } from "./answers.js";
import type { DecidedCompletion } from "./strategies.js";

/**
 * How the router measures the cheap policy's confidence: "agreement" = vote share of the majority
 * answer over the probes; "logprob" = exp(mean token log-probability) of the majority answer's
 * samples (a scorer that works with a single probe).
 */
export type ConfidenceMeasure = "agreement" | "logprob";

/** The confidence of a cheap vote under a measure. */
export function voteConfidence(
  samples: Completion[],
  keys: (string | null)[],
  measure: ConfidenceMeasure,
): { index: number; key: string | null; confidence: number; correctAt: number } {
  const vote = majorityVote(keys.map((key) => ({ key })));
  const index = Math.max(0, vote.index);
  if (measure === "agreement") return { index, key: vote.key, confidence: vote.agreement, correctAt: index };
  const lps = samples.filter((_, i) => keys[i] === vote.key).flatMap((c) => c.logprobs ?? []);
  if (vote.key === null || lps.length === 0) return { index, key: vote.key, confidence: 0, correctAt: index };
  return { index, key: vote.key, confidence: Math.exp(lps.reduce((a, b) => a + b, 0) / lps.length), correctAt: index };
}

/** Options of the runtime router. */
export interface RouterOptions {
  cheap: Policy;
  strong: Policy;
  /** Cheap samples per query (default 4). */
  probes?: number;
  /** Escalate when the cheap confidence is below this. */
  threshold: number;
  /** How confidence is measured (default "agreement"). */
  confidence?: ConfidenceMeasure;
  answer?: AnswerExtractor;
}

/** A routed decision: which policy answered. */
export interface RoutedCompletion extends DecidedCompletion {
  escalated: boolean;
}

/** A Policy that routes each prompt between a cheap and a strong policy. */
export function router(o: RouterOptions): Policy {
  const probes = o.probes ?? 4;
  const answer = o.answer ?? defaultAnswerExtractor();
  return {
    name: `router(${o.cheap.name} → ${o.strong.name} @${o.threshold})`,
    async generate(prompts, opts = {}): Promise<RoutedCompletion[][]> {
      const n = opts.n ?? 1;
      const measure = o.confidence ?? "agreement";
      const cheap = await o.cheap.generate(prompts, { ...opts, n: n * probes, logprobs: measure === "logprob" || opts.logprobs });
      const decisions = prompts.map((_, i) =>
        Array.from({ length: n }, (_, j) => cheapDecision(cheap[i].slice(j * probes, (j + 1) * probes), answer, measure)),
      );
      const escalate: { i: number; j: number }[] = [];
      decisions.forEach((ds, i) =>
        ds.forEach((d, j) => {
          if (d.confidence < o.threshold) escalate.push({ i, j });
        }),
      );
      if (escalate.length > 0) {
        const strong = await o.strong.generate(
          escalate.map(({ i }) => prompts[i]),
          { ...opts, n: 1 },
        );
        escalate.forEach(({ i, j }, x) => {
          const c = strong[x][0];
          const d = decisions[i][j];
          decisions[i][j] = {
            ...c,
            escalated: true,
            samples: d.samples + 1,
            confidence: d.confidence,
            answer: answer(c.text),
            completionTokens: d.completionTokens + c.completionTokens,
            thinkingTokens: (d.thinkingTokens ?? 0) + (c.thinkingTokens ?? 0),
          };
        });
      }
      return decisions;
    },
    async close() {
      await o.cheap.close?.();
      if (o.strong !== o.cheap) await o.strong.close?.();
    },
  };
}

function cheapDecision(samples: Completion[], answer: AnswerExtractor, measure: ConfidenceMeasure): RoutedCompletion {
  const keys = samples.map((c) => answer(c.text));
  const v = voteConfidence(samples, keys, measure);
  const chosen = samples[v.index];
  return {
    ...chosen,
    escalated: false,
    samples: samples.length,
    confidence: v.confidence,
    answer: v.key,
    completionTokens: samples.reduce((a, c) => a + c.completionTokens, 0),
    thinkingTokens: samples.reduce((a, c) => a + (c.thinkingTokens ?? 0), 0),
  };
}
