/**
 * Metrics over verified samples: pass@1 (avg@k), pass@k, maj@k and best-of-N per problem,
 * aggregated with confidence intervals, overall and per difficulty.
 */
import type { Problem } from "../types.js";
import { majorityVote } from "../core/vote.js";
import { avgAtK, passAtK } from "./passAtK.js";
import type { SampleRecord } from "./samples.js";
import { mean, meanWithCI, type Estimate } from "./stats.js";

/** The inference strategies the evaluation scores. */
export type StrategyName = "single" | "majority" | "best-of-n";

/** Picks one sample of a problem for best-of-N (default: the highest mean log-probability). */
export type SampleSelector = (samples: SampleRecord[]) => number;

/** Metrics of a set of problems, each with k samples. */
export interface GroupMetrics {
  n: number;
  "pass@1": number;
  "pass@k": number;
  "maj@k": number;
  "best-of-n": number;
  /** The chosen strategy's accuracy. */
  accuracy: number;
  mean_thinking_tokens: number;
  mean_completion_tokens: number;
  ci: { "pass@1": Estimate; "pass@k": Estimate; "maj@k": Estimate; accuracy: Estimate };
}

/**
 * The default best-of-N choice: the highest scorer score (`selectScore`, e.g. public tests passed)
 * when samples have one, then the highest mean log-probability; the first sample otherwise.
 */
export const byMeanLogprob: SampleSelector = (samples) => {
  let best = 0;
  const key = (s: SampleRecord): [number, number] => [s.selectScore ?? -Infinity, s.meanLogprob ?? -Infinity];
  samples.forEach((s, i) => {
    const [a, b] = key(s);
    const [x, y] = key(samples[best]);
    if (a > x || (a === x && b > y)) best = i;
  });
  return best;
};

/** Per-problem values of each metric, using the first `k` samples. */
export function perProblem(records: SampleRecord[][], k: number, select: SampleSelector = byMeanLogprob) {
  return records.map((rs) => {
    const s = rs.slice(0, k);
    const c = s.filter((r) => r.correct).length;
    return {
      pass1: avgAtK(s.map((r) => r.correct)),
      passk: passAtK(s.length, c, s.length),
      maj: majorityVote(s.map((r) => ({ key: r.key, correct: r.correct }))).correct ? 1 : 0,
      bon: s[select(s)].correct ? 1 : 0,
      thinking: mean(s.map((r) => r.thinkingTokens)),
      tokens: mean(s.map((r) => r.completionTokens)),
    };
  });
}

/** Aggregate metrics over problems (k samples each) for a strategy. */
export function groupMetrics(records: SampleRecord[][], k: number, strategy: StrategyName, select?: SampleSelector): GroupMetrics {
  const pp = perProblem(records, k, select);
  const acc = pp.map((p) => (strategy === "majority" ? p.maj : strategy === "best-of-n" ? p.bon : p.pass1));
  const ci = {
    "pass@1": meanWithCI(pp.map((p) => p.pass1)),
    "pass@k": meanWithCI(pp.map((p) => p.passk)),
    "maj@k": meanWithCI(pp.map((p) => p.maj)),
    accuracy: meanWithCI(acc),
  };
  return {
    n: records.length,
    "pass@1": ci["pass@1"].mean,
    "pass@k": ci["pass@k"].mean,
    "maj@k": ci["maj@k"].mean,
    "best-of-n": mean(pp.map((p) => p.bon)),
    accuracy: ci.accuracy.mean,
    mean_thinking_tokens: mean(pp.map((p) => p.thinking)),
    mean_completion_tokens: mean(pp.map((p) => p.tokens)),
    ci,
  };
}

/** Metrics per difficulty level (problems without one are grouped under null), easiest first. */
export function byDifficulty(problems: Problem[], records: SampleRecord[][], k: number, strategy: StrategyName, select?: SampleSelector) {
  const levels = new Map<number | null, number[]>();
  problems.forEach((p, i) => {
    const d = p.difficulty ?? null;
    const g = levels.get(d);
    if (g) g.push(i);
    else levels.set(d, [i]);
  });
  const keys = [...levels.keys()].sort((a, b) => (a ?? Infinity) - (b ?? Infinity));
  return keys.map((d) => ({
    difficulty: d,
    ...groupMetrics(
      levels.get(d)!.map((i) => records[i]),
      k,
      strategy,
      select,
    ),
  }));
}
