// The text table `scratchpad route` prints: every row's numbers line up under the header, whatever
// the length of the model names (endpoint URLs and vote@k suffixes make long labels).
import { describe, expect, it } from "vitest";
import type { ReportPoint, RouteReport } from "../scale/routing/index.js";
import { renderRouteHtml, routeSummary } from "./route.js";

const point = (accuracy: number, cpt: number, pgr: number): ReportPoint => ({ accuracy, cost: 1e-5 + cpt * 7e-4, cpt, tokens: 20 + 50 * cpt, pgr });

/** A report shaped as `scratchpad route --json` prints one (numbers from a real run, rounded). */
function report(cheap: string, strong: string): RouteReport {
  const c = { ...point(0.926, 0, 0), name: cheap };
  const s = { ...point(0.979, 1, 1), name: strong };
  return {
    router_kind: "prompt",
    options: [
      { name: cheap, output_price: 1, input_price: 0 },
      { name: strong, output_price: 10, input_price: 0, votes: 4 },
    ],
    always_cheap: c,
    always_strong: s,
    oracle: point(0.994, 0.068, 1.28),
    always: [c, s],
    router: {
      ...point(0.976, 0.419, 0.94),
      threshold: 0.05,
      cost_ratio: 0.73,
      token_ratio: 0.83,
      accuracy_gap_points: 0.3,
      calibration: { ...point(0.986, 0.429, 1.1), n: 1000, target: { kind: "max-cpt", maxCpt: 0.5 }, met: true, bound: 0.45 },
    },
    prompt_oracle: { samples: 16, apgr: 0.876, at_router_cpt: point(0.977, 0.419, 0.96), sweep: [] },
    apgr: 0.812,
    sweep: [],
    calibration: { n: 1000, always_cheap: c, always_strong: s, oracle: point(0.999, 0.069, 1.35), apgr: 0.889 },
    n_test: 1000,
    probes: 0,
  };
}

describe("routeSummary", () => {
  it("says PGR and APGR are undefined when always-cheap and always-strong are equally accurate", () => {
    const r = report("models/base", "models/r1zero");
    const tie = { ...r.always[1], accuracy: r.always_cheap.accuracy, pgr: NaN };
    const text = routeSummary({ ...r, always_strong: tie, always: [r.always[0], tie], apgr: NaN, router: { ...r.router, pgr: NaN } });
    expect(text).toContain("PGR and APGR are undefined: always-cheap and always-strong are equally accurate on the test set (92.6%)");
    expect(text).not.toContain("NaN");
    const routerRow = text.split("\n").find((l) => l.startsWith("prompt router (test)"))!;
    expect(routerRow.trim().split(/\s+/)).toContain("–");
    const html = renderRouteHtml({ ...r, always_strong: tie, always: [r.always[0], tie], apgr: NaN, router: { ...r.router, pgr: NaN } });
    expect(html).toContain("PGR and APGR are undefined: always-cheap and always-strong are equally accurate (92.6%)");
    expect(html).not.toContain("NaN");
  });

  for (const [cheap, strong] of [
    ["models/base", "models/r1zero vote@4"],
    ["http://127.0.0.1:8000/v1 (qwen2.5-0.5b-instruct)", "s"],
  ]) {
    it(`lines the columns up with options ${cheap} and ${strong}`, () => {
      const lines = routeSummary(report(cheap, strong)).split("\n");
      const header = lines.findIndex((l) => l.trimStart().startsWith("accuracy"));
      const table = lines.slice(header, header + 7);
      expect(table.map((l) => l.trim().split(/\s{2,}/)[0])).toEqual([
        "accuracy",
        `always cheap (${cheap})`,
        `always ${strong}`,
        "oracle router",
        "prompt router (test)",
        "prompt router (calibration)",
        "prompt oracle (16 samples)",
      ]);
      // Every column ends where the header's does: the tokens column, and the accuracy column.
      const end = table[0].length;
      const accEnd = table[0].indexOf("accuracy") + "accuracy".length;
      for (const l of table.slice(1)) {
        expect(l.length).toBe(end);
        expect(l.slice(accEnd - 1, accEnd)).toBe("%");
      }
      expect(lines.join("\n")).toContain("APGR 0.812 on test");
    });
  }
});
