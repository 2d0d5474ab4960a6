/**
 * The router experiment behind `scratchpad route`: calibrate the escalation threshold on one
 * labelled set, then measure always-cheap, always-strong, the calibrated router and the whole
 * threshold sweep on a fresh set (a different seed), so the reported router is not tuned on its
 * own test data.
 */
import type { Policy, Problem } from "../types.js";
import { calibrateThreshold, collectRouteRecords, routeAt, routerSweep, type CollectOptions, type CostAccuracy, type SweepPoint } from "./router.js";

/** The JSON `scratchpad route` prints. */
export interface RouteReport {
  always_cheap: CostAccuracy;
  always_strong: CostAccuracy;
  router: SweepPoint & {
    /** Router tokens ÷ always-strong tokens. */
    token_ratio: number;
    /** Always-strong accuracy minus router accuracy (points, ×100). */
    accuracy_gap_points: number;
    /** The calibration set's view of the chosen threshold. */
    calibration: SweepPoint & { n: number };
  };
  sweep: SweepPoint[];
  n_test: number;
  probes: number;
}

/** Options of `routeExperiment`. */
export interface RouteExperimentOptions extends CollectOptions {
  /** Accuracy the calibrated router may give up against always-strong on the calibration set (default 0.02). */
  tolerance?: number;
}

/** Calibrate on `calibration`, report on `test`. */
export async function routeExperiment(
  cheap: Policy, strong: Policy, calibration: Problem[], test: Problem[], o: RouteExperimentOptions = {},
): Promise<RouteReport> {
  const probes = o.probes ?? 4;
  const cal = await collectRouteRecords(cheap, strong, calibration, { ...o, probes });
  const chosen = calibrateThreshold(cal, o.tolerance ?? 0.02);
  const recs = await collectRouteRecords(cheap, strong, test, { ...o, probes, seed: (o.seed ?? 0) + 500_009 });
  const { always_cheap, always_strong, sweep } = routerSweep(recs);
  const at = routeAt(recs, chosen.threshold);
  return {
    always_cheap, always_strong,
    router: {
      ...at,
      token_ratio: always_strong.tokens > 0 ? at.tokens / always_strong.tokens : NaN,
      accuracy_gap_points: 100 * (always_strong.accuracy - at.accuracy),
      calibration: { ...chosen, n: cal.length },
    },
    sweep, n_test: recs.length, probes,
  };
}
