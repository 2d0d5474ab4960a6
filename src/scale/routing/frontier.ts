/**
 * Routing economics: what each query costs in money under each option, and what a router's
 * decisions buy. The metrics are RouteLLM's: accuracy, cost per query, CPT (the share of calls that
 * go to a costlier option than the cheapest), PGR (the share of the cheap→strong accuracy gap a
 * router recovers) and APGR (PGR averaged over the whole CPT sweep; a random router scores 0.5).
 * Operating points are chosen on a calibration set with a statistical margin, so that they hold on
 * fresh queries.
 */

/** One routing option: a policy (perhaps voting, perhaps under a thinking budget) and its prices. */
export interface RouteOption {
  /** Display name, e.g. "models/base" or "models/r1zero budget 16". */
  name: string;
  /** Price per 1M output tokens (thinking included), in any currency unit. */
  outputPrice: number;
  /** Price per 1M input (prompt) tokens (default 0). */
  inputPrice?: number;
  /** How the option answers, so a server can answer the same way: majority over this many samples. */
  votes?: number;
  /** How the option answers: thinking capped at this many tokens (budget forcing). */
  budget?: number;
}

/** What one option did on one query. */
export interface OptionOutcome {
  correct: boolean;
  /** Completion tokens of every sample drawn (votes count each sample). */
  outputTokens: number;
  /** Prompt tokens billed (the prompt once per sample). */
  inputTokens: number;
}

/** A labelled query with the outcome of every option (option 0 is the cheapest). */
export interface QueryRecord {
  prompt: string;
  difficulty?: number;
  outcomes: OptionOutcome[];
  /**
   * Probe router only: the cheap policy's answer by majority over its probes, whether it was right,
   * its confidence, and the probes' tokens (the cascade pays these on every query).
   */
  probe?: { correct: boolean; confidence: number; outputTokens: number; inputTokens: number };
}

/** Accuracy, cost per query and share of calls to the strong side of one policy or router. */
export interface OperatingPoint {
  accuracy: number;
  /** Mean cost per query, in the prices' unit. */
  cost: number;
  /** Share of calls that go past option 0, the cheap side ("calls to strong"). */
  cpt: number;
  /** Mean output tokens per query (all samples). */
  tokens: number;
}

/** One point of a router's sweep. */
export interface SweepPoint extends OperatingPoint {
  threshold: number;
}

/** The money one outcome costs under an option's prices. */
export function outcomeCost(o: { outputTokens: number; inputTokens: number }, option: RouteOption): number {
  return (o.outputTokens * option.outputPrice + o.inputTokens * (option.inputPrice ?? 0)) / 1e6;
}

/** What a router did on one query: the answer it returned was right or not, at a cost. */
export interface RoutedOutcome {
  correct: boolean;
  cost: number;
  tokens: number;
  /** Whether the call went past option 0 (the cheap side, as the options were given). */
  strong: boolean;
}

/** Mean accuracy, cost, CPT and tokens over routed outcomes. */
export function summarize(outcomes: RoutedOutcome[]): OperatingPoint {
  const n = outcomes.length;
  if (n === 0) throw new RangeError("no queries to summarize (give the router a labelled set)");
  const mean = (f: (o: RoutedOutcome) => number) => outcomes.reduce((a, o) => a + f(o), 0) / n;
  return { accuracy: mean((o) => +o.correct), cost: mean((o) => o.cost), cpt: mean((o) => +o.strong), tokens: mean((o) => o.tokens) };
}

/** The outcome of sending every query to option `k` (no router). */
export function alwaysOption(records: QueryRecord[], options: RouteOption[], k: number): OperatingPoint {
  return summarize(
    records.map((r) => {
      const o = r.outcomes[k];
      return { correct: o.correct, cost: outcomeCost(o, options[k]), tokens: o.outputTokens, strong: k > 0 };
    }),
  );
}

/**
 * The oracle router: for each query the cheapest option that answers right (the cheapest option
 * when none does). No real router can beat it; it bounds what routing can buy.
 */
export function oracleRouter(records: QueryRecord[], options: RouteOption[]): OperatingPoint {
  const byCost = options.map((_, k) => k).sort((a, b) => meanCost(records, options, a) - meanCost(records, options, b));
  return summarize(
    records.map((r) => {
      const k = byCost.find((j) => r.outcomes[j].correct) ?? byCost[0];
      const o = r.outcomes[k];
      return { correct: o.correct, cost: outcomeCost(o, options[k]), tokens: o.outputTokens, strong: k > 0 };
    }),
  );
}

/** Mean cost per query of option `k` over the records. */
export function meanCost(records: QueryRecord[], options: RouteOption[], k: number): number {
  return records.reduce((a, r) => a + outcomeCost(r.outcomes[k], options[k]), 0) / Math.max(1, records.length);
}

/**
 * PGR: the share of the accuracy gap between always-cheap and always-strong a point recovers. NaN
 * when the two are equally accurate: there is no gap to recover (reports print it as undefined and
 * JSON carries null).
 */
export function pgr(point: { accuracy: number }, cheap: { accuracy: number }, strong: { accuracy: number }): number {
  const gap = strong.accuracy - cheap.accuracy;
  return gap === 0 ? NaN : (point.accuracy - cheap.accuracy) / gap;
}

/**
 * APGR: the area under PGR against CPT over [0, 1], by the trapezoid rule between sweep points
 * (linear between two points is what randomly breaking ties between them gives). The ends are
 * anchored at always-cheap (CPT 0, PGR 0) and always-strong (CPT 1, PGR 1) when the sweep does not
 * reach them, so a router that sends calls at random scores 0.5. NaN when always-cheap and
 * always-strong are equally accurate (PGR is undefined).
 */
export function apgr(sweep: OperatingPoint[], cheap: { accuracy: number }, strong: { accuracy: number }): number {
  if (strong.accuracy === cheap.accuracy) return NaN;
  const pts = sweep.map((p) => ({ x: p.cpt, y: pgr(p, cheap, strong) })).sort((a, b) => a.x - b.x || a.y - b.y);
  if (pts.length === 0 || pts[0].x > 0) pts.unshift({ x: 0, y: 0 });
  if (pts[pts.length - 1].x < 1) pts.push({ x: 1, y: 1 });
  let area = 0;
  for (let i = 1; i < pts.length; i++) area += ((pts[i].x - pts[i - 1].x) * (pts[i].y + pts[i - 1].y)) / 2;
  return area;
}

/** The one-sided 95% normal quantile used for the calibration margins. */
const Z95 = 1.645;

/** How to pick a router's threshold on the calibration set. */
export type OperatingTarget = { kind: "max-cpt"; maxCpt: number } | { kind: "tolerance"; tolerance: number };

/**
 * Choose an operating point on the calibration records, with a margin so it holds on fresh data:
 * - `max-cpt`: the most accurate threshold whose CPT, plus a one-sided 95% binomial margin, stays
 *   at or under `maxCpt`;
 * - `tolerance`: the cheapest threshold whose paired accuracy difference to always-strong has a
 *   one-sided 95% lower confidence bound of at least `-tolerance`.
 * When no threshold qualifies, the most accurate one (and `met: false`).
 */
export function chooseOperatingPoint(
  thresholds: number[],
  evaluate: (t: number) => RoutedOutcome[],
  strongCorrect: boolean[],
  target: OperatingTarget,
): { threshold: number; point: OperatingPoint; met: boolean; bound: number } {
  const cands = thresholds.map((t) => {
    const outs = evaluate(t);
    const point = summarize(outs);
    const n = outs.length;
    let bound: number;
    if (target.kind === "max-cpt") {
      bound = point.cpt + Z95 * Math.sqrt(Math.max(point.cpt * (1 - point.cpt), 0.25 / n) / n);
    } else {
      const d = outs.map((o, i) => +o.correct - +strongCorrect[i]);
      const mean = d.reduce((a, x) => a + x, 0) / n;
      const sd = Math.sqrt(d.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, n - 1));
      bound = mean - (Z95 * sd) / Math.sqrt(n);
    }
    return { threshold: t, point, bound };
  });
  const ok = cands.filter((c) => (target.kind === "max-cpt" ? c.bound <= target.maxCpt : c.bound >= -target.tolerance));
  const better = (a: (typeof cands)[number], b: (typeof cands)[number]) =>
    target.kind === "max-cpt"
      ? b.point.accuracy > a.point.accuracy || (b.point.accuracy === a.point.accuracy && b.point.cost < a.point.cost)
      : b.point.cost < a.point.cost || (b.point.cost === a.point.cost && b.point.accuracy > a.point.accuracy);
  if (ok.length > 0) return { ...ok.reduce((a, b) => (better(a, b) ? b : a)), met: true };
  const best = cands.reduce((a, b) => (b.point.accuracy > a.point.accuracy || (b.point.accuracy === a.point.accuracy && b.point.cost < a.point.cost) ? b : a));
  return { ...best, met: false };
}
