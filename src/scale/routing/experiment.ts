/**
 * The routing experiment behind `scratchpad route`: run every option on a calibration set and on
 * a held-out test set, train the router (prompt) on calibration only, choose its threshold there
 * with a margin, then report on the test set what always-cheap, always-strong, the oracle and the
 * router cost and score, in money, with CPT, PGR, APGR and the whole threshold sweep.
 */
import type { Policy, Problem } from "../../types.js";
import type { ConfidenceMeasure } from "../router.js";
import {
  alwaysOption,
  apgr,
  chooseOperatingPoint,
  meanCost,
  oracleRouter,
  pgr,
  summarize,
  type OperatingPoint,
  type OperatingTarget,
  type QueryRecord,
  type RouteOption,
  type SweepPoint,
} from "./frontier.js";
import { collectQueryRecords, measureSuccessRates, type CollectRecordsOptions } from "./records.js";
import {
  probabilityRouterOnRecords,
  probeRouterOnRecords,
  relativeCostsOf,
  promptRouterOnRecords,
  trainPromptRouter,
  type PromptRouterSpec,
  type ProbeRouterSpec,
  type RouterKind,
  type RouterOnRecords,
} from "./routers.js";
import type { SavedRouter } from "./saved.js";

/** Options of `routeExperiment`. */
export interface RouteExperimentOptions extends Omit<CollectRecordsOptions, "probes" | "onProgress"> {
  /** Which router (default "prompt"). */
  router?: RouterKind;
  /** Probe router: cheap samples per query (default 4). */
  probes?: number;
  /** How the operating point is chosen on the calibration set (default tolerance 0.02). */
  target?: OperatingTarget;
  /**
   * Prompt oracle: this many further samples per test problem and option measure each prompt's
   * success rates, and a router that knows them is reported beside the trained one (default 0: off).
   */
  boundSamples?: number;
  /** Progress lines ("calibration: 64/1000"). */
  onProgress?: (line: string) => void;
}

/** A policy or router on one set, with its PGR. */
export type ReportPoint = OperatingPoint & { pgr: number };

/** The JSON `scratchpad route --json` prints. */
export interface RouteReport {
  router_kind: RouterKind;
  options: SavedRouter["options"];
  /** Test set: every query to the cheapest option. */
  always_cheap: ReportPoint;
  /** Test set: every query to the costliest option. */
  always_strong: ReportPoint;
  /** Test set: the cheapest right option per query (the bound). */
  oracle: ReportPoint;
  /** Test set: every option alone, in order. */
  always: (ReportPoint & { name: string })[];
  /** Test set: the router at the threshold chosen on the calibration set. */
  router: ReportPoint & {
    threshold: number;
    /** Router cost ÷ always-strong cost. */
    cost_ratio: number;
    /** Router tokens ÷ always-strong tokens. */
    token_ratio: number;
    /** Always-strong accuracy minus router accuracy, in points. */
    accuracy_gap_points: number;
    /** What the calibration set said at that threshold, and whether the target was met there. */
    calibration: ReportPoint & { n: number; target: OperatingTarget; met: boolean; bound: number };
  };
  /**
   * With `boundSamples`: a router that knows each test prompt's success rate under every option
   * (measured from `samples` further samples each) and routes by them as the prompt router routes
   * by its predictions, scored on the same outcomes. Its APGR estimates the best a router that sees
   * only the prompt can expect; `at_router_cpt` is its sweep at the router's CPT (linear between
   * sweep points).
   */
  prompt_oracle?: { samples: number; apgr: number; at_router_cpt: ReportPoint; sweep: SweepPoint[] };
  /** Problems with the setup a reader should know of (e.g. the cheap option costing more per query than a strong one). */
  warnings?: string[];
  /** APGR of the router over its whole CPT sweep on the test set (random: 0.5; NaN, null in JSON, when always-cheap and always-strong tie). */
  apgr: number;
  /** The test set's sweep, fewest escalations first. */
  sweep: SweepPoint[];
  /** The calibration set's view: baselines, APGR, sweep size. */
  calibration: { n: number; always_cheap: ReportPoint; always_strong: ReportPoint; oracle: ReportPoint; apgr: number };
  n_test: number;
  probes: number;
}

function onRecords(kind: RouterKind, spec: PromptRouterSpec | undefined, records: QueryRecord[], options: RouteOption[]): RouterOnRecords {
  return kind === "prompt" ? promptRouterOnRecords(spec!, records, options) : probeRouterOnRecords(records, options);
}

/** Baselines and the router's sweep on one set of records. */
function analyse(r: RouterOnRecords, records: QueryRecord[], options: RouteOption[]) {
  const last = options.length - 1;
  const cheap = alwaysOption(records, options, 0);
  const strong = alwaysOption(records, options, last);
  const withPgr = (p: OperatingPoint): ReportPoint => ({ ...p, pgr: pgr(p, cheap, strong) });
  const sweep: SweepPoint[] = r.thresholds.map((t) => ({ threshold: t, ...summarize(r.evaluate(t)) }));
  return {
    cheap: withPgr(cheap),
    strong: withPgr(strong),
    oracle: withPgr(oracleRouter(records, options)),
    always: options.map((o, k) => ({ name: o.name, ...withPgr(alwaysOption(records, options, k)) })),
    sweep,
    apgr: apgr(sweep, cheap, strong),
    withPgr,
  };
}

/**
 * A warning when the cheap side (option 0) costs more per query than a strong option on the test
 * set: equal prices with a more verbose cheap model, say. The router then treats the cheaper option
 * as its default, while CPT still counts calls past option 0, so the report reads oddly.
 */
function costOrderWarnings(records: QueryRecord[], options: RouteOption[]): { warnings?: string[] } {
  const costs = options.map((_, k) => meanCost(records, options, k));
  const cheaper = options.slice(1).flatMap((o, i) => (costs[i + 1] < costs[0] ? [`${o.name} (${(1000 * costs[i + 1]).toPrecision(3)})`] : []));
  if (cheaper.length === 0) return {};
  return {
    warnings: [
      `the cheap side ${options[0].name} costs more per query (${(1000 * costs[0]).toPrecision(3)} per 1k queries) than ${cheaper.join(", ")} at these prices: ` +
        `routing to it saves nothing, and CPT still counts calls past it; set prices that reflect the two models (--cheap-price, --strong-price)`,
    ],
  };
}

/**
 * A sweep's point at exactly `cpt`, linear between the sweep points around it (what breaking the
 * ties between two thresholds at random gives; measured success rates tie often).
 */
export function atCpt(sweep: OperatingPoint[], cpt: number): OperatingPoint {
  const pts = [...sweep].sort((a, b) => a.cpt - b.cpt || a.accuracy - b.accuracy);
  const hi = pts.findIndex((p) => p.cpt >= cpt);
  if (hi === -1) return pts[pts.length - 1];
  if (hi === 0) return pts[0];
  const a = pts[hi - 1];
  const b = pts[hi];
  const w = b.cpt === a.cpt ? 1 : (cpt - a.cpt) / (b.cpt - a.cpt);
  const mix = (f: (p: OperatingPoint) => number) => f(a) + w * (f(b) - f(a));
  return { accuracy: mix((p) => p.accuracy), cost: mix((p) => p.cost), cpt, tokens: mix((p) => p.tokens) };
}

/**
 * Calibrate on `calibration`, report on `test`. `policies[k]` is option k; option 0 must be the
 * cheapest and the last the strongest (the CLI orders them so). Returns the report and the router
 * as it would be saved for serving.
 */
export async function routeExperiment(
  policies: Policy[],
  options: RouteOption[],
  calibration: Problem[],
  test: Problem[],
  o: RouteExperimentOptions = {},
): Promise<{ report: RouteReport; saved: SavedRouter }> {
  if (policies.length !== options.length) throw new RangeError(`routeExperiment: ${policies.length} policies but ${options.length} options`);
  const kind = o.router ?? "prompt";
  const probes = kind === "probe" ? (o.probes ?? 4) : 0;
  const confidence: ConfidenceMeasure = o.confidence ?? "agreement";
  const target = o.target ?? { kind: "tolerance", tolerance: 0.02 };
  const progress = (label: string) => (done: number, total: number) => o.onProgress?.(`${label}: ${done}/${total} problems`);
  const cal = await collectQueryRecords(policies, calibration, { ...o, probes, confidence, onProgress: progress("calibration") });
  const testRecs = await collectQueryRecords(policies, test, { ...o, probes, confidence, seed: (o.seed ?? 0) + 500_009, onProgress: progress("test") });
  const spec: PromptRouterSpec | ProbeRouterSpec = kind === "prompt" ? trainPromptRouter(cal, options) : { kind: "probe", probes, confidence };
  const promptSpec = spec.kind === "prompt" ? spec : undefined;
  const calR = onRecords(kind, promptSpec, cal, options);
  const calA = analyse(calR, cal, options);
  const strongCorrect = cal.map((r) => r.outcomes[options.length - 1].correct);
  const chosen = chooseOperatingPoint(calR.thresholds, calR.evaluate, strongCorrect, target);
  const testR = onRecords(kind, promptSpec, testRecs, options);
  const t = analyse(testR, testRecs, options);
  const at = t.withPgr(summarize(testR.evaluate(chosen.threshold)));
  let promptOracle: RouteReport["prompt_oracle"];
  if ((o.boundSamples ?? 0) > 0) {
    const rates = await measureSuccessRates(policies, test, { ...o, samples: o.boundSamples!, seed: o.seed, onProgress: progress("prompt oracle") });
    const po = analyse(probabilityRouterOnRecords(rates, relativeCostsOf(testRecs, options), testRecs, options), testRecs, options);
    promptOracle = { samples: o.boundSamples!, apgr: po.apgr, at_router_cpt: po.withPgr(atCpt(po.sweep, at.cpt)), sweep: po.sweep };
  }
  const report: RouteReport = {
    router_kind: kind,
    options: options.map((x) => ({
      name: x.name,
      output_price: x.outputPrice,
      input_price: x.inputPrice ?? 0,
      ...(x.votes !== undefined && x.votes > 1 ? { votes: x.votes } : {}),
      ...(x.budget !== undefined && Number.isFinite(x.budget) ? { budget: x.budget } : {}),
    })),
    always_cheap: t.cheap,
    always_strong: t.strong,
    oracle: t.oracle,
    always: t.always,
    router: {
      ...at,
      threshold: chosen.threshold,
      cost_ratio: t.strong.cost > 0 ? at.cost / t.strong.cost : NaN,
      token_ratio: t.strong.tokens > 0 ? at.tokens / t.strong.tokens : NaN,
      accuracy_gap_points: 100 * (t.strong.accuracy - at.accuracy),
      calibration: { ...calA.withPgr(chosen.point), n: cal.length, target, met: chosen.met, bound: chosen.bound },
    },
    ...(promptOracle ? { prompt_oracle: promptOracle } : {}),
    ...costOrderWarnings(testRecs, options),
    apgr: t.apgr,
    sweep: t.sweep,
    calibration: { n: cal.length, always_cheap: calA.cheap, always_strong: calA.strong, oracle: calA.oracle, apgr: calA.apgr },
    n_test: testRecs.length,
    probes,
  };
  const saved: SavedRouter = {
    format: "scratchpad-router",
    version: 1,
    router: spec,
    threshold: chosen.threshold,
    options: report.options,
    calibration: Object.fromEntries(Object.entries(report.router.calibration)),
  };
  return { report, saved };
}
