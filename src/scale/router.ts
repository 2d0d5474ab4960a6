/**
 * The router: a cascade that answers with a cheap policy when its samples agree and escalates to
 * a strong policy when they do not. Confidence is the vote share of the cheap majority answer over
 * a few probes, or the probes' mean token probability (`confidence: "logprob"`). The threshold is calibrated on a labelled set: the cheapest threshold
 * whose accuracy stays within a tolerance of always-strong. `routerSweep` gives the whole
 * cost/accuracy frontier (as RouteLLM reports it).
 */
import type { Completion, Policy, Problem } from "../types.js";
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
export function voteConfidence(samples: Completion[], keys: (string | null)[], measure: ConfidenceMeasure): { index: number; key: string | null; confidence: number; correctAt: number } {
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
      const decisions = prompts.map((_, i) => Array.from({ length: n }, (_, j) => cheapDecision(cheap[i].slice(j * probes, (j + 1) * probes), answer, measure)));
      const escalate: { i: number; j: number }[] = [];
      decisions.forEach((ds, i) => ds.forEach((d, j) => { if (d.confidence < o.threshold) escalate.push({ i, j }); }));
      if (escalate.length > 0) {
        const strong = await o.strong.generate(escalate.map(({ i }) => prompts[i]), { ...opts, n: 1 });
        escalate.forEach(({ i, j }, x) => {
          const c = strong[x][0];
          const d = decisions[i][j];
          decisions[i][j] = {
            ...c, escalated: true, samples: d.samples + 1, confidence: d.confidence, answer: answer(c.text),
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
    ...chosen, escalated: false, samples: samples.length, confidence: v.confidence, answer: v.key,
    completionTokens: samples.reduce((a, c) => a + c.completionTokens, 0),
    thinkingTokens: samples.reduce((a, c) => a + (c.thinkingTokens ?? 0), 0),
  };
}

/** What the router needs to know about one labelled query. */
export interface RouteRecord {
  /** Vote share of the cheap majority answer. */
  confidence: number;
  cheapCorrect: boolean;
  /** Tokens of all cheap probes. */
  cheapTokens: number;
  /** One cheap sample alone: correct and tokens (the always-cheap baseline). */
  cheapSingleCorrect: boolean;
  cheapSingleTokens: number;
  strongCorrect: boolean;
  strongTokens: number;
}

/** Accuracy and mean tokens per query of one policy or operating point. */
export interface CostAccuracy {
  accuracy: number;
  tokens: number;
}

/** One point of the threshold sweep. */
export interface SweepPoint extends CostAccuracy {
  threshold: number;
  /** Fraction of queries sent to the strong policy. */
  escalated: number;
}

/** Options of `collectRouteRecords`. */
export interface CollectOptions {
  probes?: number;
  template?: (p: Problem) => string;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  answer?: AnswerExtractor;
  /** Prompts per generate call (default 32). */
  batchSize?: number;
  /** How confidence is measured (default "agreement"). */
  confidence?: ConfidenceMeasure;
}

/** Sample the cheap probes and one strong answer for every labelled problem, verified. */
export async function collectRouteRecords(cheap: Policy, strong: Policy, problems: Problem[], o: CollectOptions = {}): Promise<RouteRecord[]> {
  const probes = o.probes ?? 4;
  const answer = o.answer ?? defaultAnswerExtractor();
  const prompt = o.template ?? ((p: Problem) => p.prompt);
  const gen = { maxTokens: o.maxTokens ?? 256, temperature: o.temperature ?? 1 };
  const out: RouteRecord[] = [];
  const bs = o.batchSize ?? 32;
  for (let s = 0; s < problems.length; s += bs) {
    const batch = problems.slice(s, s + bs);
    const seed = (o.seed ?? 0) + s;
    const measure = o.confidence ?? "agreement";
    const cheapOut = await cheap.generate(batch.map(prompt), { ...gen, n: probes, seed, logprobs: measure === "logprob" || undefined });
    const strongOut = await strong.generate(batch.map(prompt), { ...gen, n: 1, seed: seed + 1 });
    for (const [i, p] of batch.entries()) {
      const verdicts = await Promise.all(cheapOut[i].map((c) => p.verifier.verify(c.text, p)));
      const keys = cheapOut[i].map((c) => answer(c.text));
      const vote = voteConfidence(cheapOut[i], keys, measure);
      const strongC = strongOut[i][0];
      out.push({
        confidence: vote.confidence, cheapCorrect: vote.key !== null && verdicts[vote.correctAt].correct,
        cheapTokens: cheapOut[i].reduce((a, c) => a + c.completionTokens, 0),
        cheapSingleCorrect: verdicts[0].correct, cheapSingleTokens: cheapOut[i][0].completionTokens,
        strongCorrect: (await p.verifier.verify(strongC.text, p)).correct, strongTokens: strongC.completionTokens,
      });
    }
  }
  return out;
}

/** Always-cheap (one sample), always-strong, and the router at each threshold (confidence < t escalates). */
export function routerSweep(records: RouteRecord[], thresholds?: number[]): { always_cheap: CostAccuracy; always_strong: CostAccuracy; sweep: SweepPoint[] } {
  const n = records.length;
  if (n === 0) throw new RangeError("routerSweep: no records (give the router a labelled set)");
  const avg = (f: (r: RouteRecord) => number) => records.reduce((a, r) => a + f(r), 0) / n;
  const ts = thresholds ?? defaultThresholds(records);
  return {
    always_cheap: { accuracy: avg((r) => +r.cheapSingleCorrect), tokens: avg((r) => r.cheapSingleTokens) },
    always_strong: { accuracy: avg((r) => +r.strongCorrect), tokens: avg((r) => r.strongTokens) },
    sweep: ts.map((t) => routeAt(records, t)),
  };
}

/** The router's accuracy and cost at one threshold. */
export function routeAt(records: RouteRecord[], threshold: number): SweepPoint {
  let correct = 0;
  let tokens = 0;
  let up = 0;
  for (const r of records) {
    const esc = r.confidence < threshold;
    if (esc) up++;
    correct += esc ? +r.strongCorrect : +r.cheapCorrect;
    tokens += r.cheapTokens + (esc ? r.strongTokens : 0);
  }
  const n = records.length;
  return { threshold, accuracy: correct / n, tokens: tokens / n, escalated: up / n };
}

/** Thresholds between every pair of distinct confidences, plus "never" (0) and "always" (>1). */
function defaultThresholds(records: RouteRecord[]): number[] {
  const cs = [...new Set(records.map((r) => r.confidence))].sort((a, b) => a - b);
  const ts = [0, ...cs.map((c, i) => (i + 1 < cs.length ? (c + cs[i + 1]) / 2 : c + 1e-9)), 1.01];
  return [...new Set(ts.map((t) => Math.round(t * 1e6) / 1e6))].sort((a, b) => a - b);
}

/**
 * Calibrate: the cheapest threshold whose accuracy on the labelled records is within `tolerance`
 * of always-strong (default 0.02, leaving room under a 3-point target on fresh data); if none,
 * the most accurate threshold.
 */
export function calibrateThreshold(records: RouteRecord[], tolerance = 0.02): SweepPoint {
  const { always_strong, sweep } = routerSweep(records);
  const ok = sweep.filter((p) => p.accuracy >= always_strong.accuracy - tolerance);
  const pool = ok.length > 0 ? ok : [sweep.reduce((a, b) => (b.accuracy > a.accuracy ? b : a))];
  return pool.reduce((a, b) => (b.tokens < a.tokens ? b : a));
}
