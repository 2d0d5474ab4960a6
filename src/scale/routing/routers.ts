/**
 * The routers. A router maps a query and a threshold to one of several options (option 0 the
 * cheapest):
 * - `prompt`: decides from the prompt alone (RouteLLM's setting). One logistic classifier per
 *   option predicts P(right | prompt); the router picks the option with the best predicted accuracy
 *   minus `threshold` × its cost (relative to the costliest option). With two options: escalate
 *   when the predicted gain is at least `threshold` × the relative extra cost. Nothing is sampled
 *   before deciding, so routing costs nothing at inference.
 * - `probe`: the cascade. Sample the cheap policy first (`probes` samples), escalate to the strong
 *   one when the cheap answer's confidence is under `threshold`. Every query pays for the probes.
 * Each router gives its candidate thresholds (from fewest escalations to most) and, per threshold,
 * what it would have done on labelled records, so frontier.ts can price and choose.
 */
import { trainCorrectnessModels, predictProbability, type LogisticModel, type LogisticOptions } from "./classifier.js";
import { DEFAULT_FEATURIZER, featurize, type FeaturizerSpec } from "./features.js";
import { meanCost, outcomeCost, type QueryRecord, type RouteOption, type RoutedOutcome } from "./frontier.js";

/** The router kinds `scratchpad route --router` accepts. */
export const ROUTER_KINDS = ["prompt", "probe"] as const;
/** A router kind. */
export type RouterKind = (typeof ROUTER_KINDS)[number];

/** A trained prompt-only router, as saved to a router file. */
export interface PromptRouterSpec {
  kind: "prompt";
  featurizer: FeaturizerSpec;
  /** One correctness classifier per option. */
  models: LogisticModel[];
  /** Each option's mean cost per query on the calibration set, divided by the costliest's. */
  relativeCosts: number[];
}

/** A probe (cascade) router, as saved to a router file. */
export interface ProbeRouterSpec {
  kind: "probe";
  /** Cheap samples per query. */
  probes: number;
  /** How their confidence is measured. */
  confidence: "agreement" | "logprob";
}

/** Train a prompt router on labelled records (the calibration set). */
export function trainPromptRouter(records: QueryRecord[], options: RouteOption[], o: LogisticOptions & { featurizer?: FeaturizerSpec } = {}): PromptRouterSpec {
  const featurizer = o.featurizer ?? DEFAULT_FEATURIZER;
  const models = trainCorrectnessModels(
    records.map((r) => r.prompt),
    records.map((r) => r.outcomes.map((x) => x.correct)),
    featurizer,
    o,
  );
  return { kind: "prompt", featurizer, models, relativeCosts: relativeCostsOf(records, options) };
}

/** Each option's predicted probability of answering `prompt` right. */
export function promptProbabilities(spec: PromptRouterSpec, prompt: string): number[] {
  const x = featurize(prompt, spec.featurizer);
  return spec.models.map((m) => predictProbability(m, x));
}

/**
 * The option a prompt router picks: the best predicted accuracy minus `threshold` × relative cost;
 * ties go to the costlier option (a query on a breakpoint escalates), `Infinity` always picks the
 * cheapest.
 */
export function choosePromptOption(probabilities: number[], relativeCosts: number[], threshold: number): number {
  const order = relativeCosts.map((_, k) => k).sort((a, b) => relativeCosts[a] - relativeCosts[b]);
  if (threshold === Infinity) return order[0];
  let best = order[0];
  let bestU = -Infinity;
  for (const k of order) {
    const u = probabilities[k] - threshold * relativeCosts[k];
    if (u >= bestU - 1e-12) {
      best = k;
      bestU = Math.max(u, bestU);
    }
  }
  return best;
}

/** A router over labelled records: its candidate thresholds and what each threshold does. */
export interface RouterOnRecords {
  /** Candidate thresholds, ordered from fewest escalations to most. */
  thresholds: number[];
  /** The outcome of every record at a threshold. */
  evaluate(threshold: number): RoutedOutcome[];
}

/** A prompt router on records: thresholds at every breakpoint where some query's choice changes. */
export function promptRouterOnRecords(spec: PromptRouterSpec, records: QueryRecord[], options: RouteOption[]): RouterOnRecords {
  return probabilityRouterOnRecords(
    records.map((r) => promptProbabilities(spec, r.prompt)),
    spec.relativeCosts,
    records,
    options,
  );
}

/**
 * A router that knows, per query, each option's probability of answering right (`probs[i][k]`) and
 * picks by `choosePromptOption`: the trained prompt router (predicted probabilities) and the prompt
 * oracle (success rates measured by sampling) both route this way. Its thresholds are every
 * breakpoint where some query's choice changes, plus a finite "never escalate".
 */
export function probabilityRouterOnRecords(probs: number[][], relativeCosts: number[], records: QueryRecord[], options: RouteOption[]): RouterOnRecords {
  if (probs.length !== records.length) throw new RangeError(`probabilityRouterOnRecords: ${probs.length} probability rows for ${records.length} records`);
  const c = relativeCosts;
  const breaks = new Set<number>([0]);
  for (const p of probs) {
    for (let a = 0; a < c.length; a++) {
      for (let b = 0; b < c.length; b++) {
        if (c[b] > c[a] && p[b] > p[a]) breaks.add((p[b] - p[a]) / (c[b] - c[a]));
      }
    }
  }
  // Above the largest breakpoint every query stays on the cheapest option (a finite "never").
  const thresholds = [...breaks].sort((a, b) => b - a);
  thresholds.unshift(Math.round((thresholds[0] + 1) * 1e6) / 1e6);
  return {
    thresholds,
    evaluate: (t) =>
      records.map((r, i) => {
        const k = choosePromptOption(probs[i], c, t);
        const o = r.outcomes[k];
        return { correct: o.correct, cost: outcomeCost(o, options[k]), tokens: o.outputTokens, strong: k > 0 };
      }),
  };
}

/** Each option's mean cost per query on `records`, divided by the costliest's (what the prompt router weighs). */
export function relativeCostsOf(records: QueryRecord[], options: RouteOption[]): number[] {
  const costs = options.map((_, k) => meanCost(records, options, k));
  const top = Math.max(...costs) || 1;
  return costs.map((x) => x / top);
}

/**
 * A probe router on records (two options: the cheap policy's probes, then the strong one): escalate
 * when the probes' confidence is under the threshold; an escalated query pays probes + strong.
 */
export function probeRouterOnRecords(records: QueryRecord[], options: RouteOption[]): RouterOnRecords {
  if (options.length !== 2)
    throw new RangeError(`the probe router routes between two options, got ${options.length} (give one --strong-budget, or use --router prompt)`);
  if (records.some((r) => !r.probe)) throw new RangeError("probe router: records were collected without probes (collect with probes ≥ 1)");
  const cs = [...new Set(records.map((r) => r.probe!.confidence))].sort((a, b) => a - b);
  const mids = cs.map((x, i) => (i + 1 < cs.length ? (x + cs[i + 1]) / 2 : x + 1e-9));
  const thresholds = [...new Set([0, ...mids, 1.01].map((t) => Math.round(t * 1e9) / 1e9))].sort((a, b) => a - b);
  return {
    thresholds,
    evaluate: (t) =>
      records.map((r) => {
        const pr = r.probe!;
        const probeCost = outcomeCost(pr, options[0]);
        if (pr.confidence >= t) return { correct: pr.correct, cost: probeCost, tokens: pr.outputTokens, strong: false };
        const s = r.outcomes[1];
        return { correct: s.correct, cost: probeCost + outcomeCost(s, options[1]), tokens: pr.outputTokens + s.outputTokens, strong: true };
      }),
  };
}
