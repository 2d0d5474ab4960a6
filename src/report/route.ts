/**
 * The routing report: `scratchpad route`'s table as text, and its HTML page with the frontier
 * (accuracy against cost per query over the router's thresholds, with always-cheap, always-strong,
 * the oracle, the prompt oracle when measured, and the chosen operating point) and PGR against CPT
 * beside a random router's diagonal.
 */
import type { RouteReport, ReportPoint } from "../scale/routing/index.js";
import { escapeXml, lineChart, type Series } from "../core/svg.js";

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
/** Cost per 1,000 queries, in the prices' unit: per-query costs are tiny at per-1M-token prices. */
const per1k = (x: number) => (1000 * x).toPrecision(3);
/** PGR and APGR are NaN when always-cheap and always-strong are equally accurate: printed as a dash. */
const fixed = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "–");

/** The text table `scratchpad route` prints. */
export function routeSummary(r: RouteReport): string {
  const c = r.router.calibration;
  const rows: [string, ReportPoint][] = [
    ...r.always.map((p, k): [string, ReportPoint] => [k === 0 ? `always cheap (${p.name})` : `always ${p.name}`, p]),
    ["oracle router", r.oracle],
    [`${r.router_kind} router (test)`, r.router],
    [`${r.router_kind} router (calibration)`, c],
    ...(r.prompt_oracle ? [[`prompt oracle (${r.prompt_oracle.samples} samples)`, r.prompt_oracle.at_router_cpt] as [string, ReportPoint]] : []),
  ];
  // The label column is as wide as the longest label (model names vary), so the numbers line up.
  const w = Math.max(...rows.map(([name]) => name.length)) + 1;
  const row = (name: string, p: ReportPoint) =>
    `${name.padEnd(w)}${pct(p.accuracy).padStart(8)}${per1k(p.cost).padStart(12)}${pct(p.cpt).padStart(8)}${fixed(p.pgr, 2).padStart(7)}${p.tokens.toFixed(1).padStart(9)}`;
  return (
    [
      `options (price per 1M output tokens): ${r.options.map((o) => `${o.name} ${o.output_price}`).join(", ")}`,
      `${r.n_test} test problems, router calibrated on ${c.n} others`,
      `${"".padEnd(w)}${"accuracy".padStart(8)}${"cost/1k q".padStart(12)}${"CPT".padStart(8)}${"PGR".padStart(7)}${"tokens".padStart(9)}`,
      ...rows.map(([name, p]) => row(name, p)),
      `threshold ${r.router.threshold} chosen on calibration (${c.target.kind === "max-cpt" ? `CPT ≤ ${c.target.maxCpt} with a 95% margin` : `accuracy within ${c.target.tolerance} of always-strong at 95% confidence`}${c.met ? "" : ": NOT met, most accurate point taken"})`,
      Number.isFinite(r.apgr)
        ? `APGR ${r.apgr.toFixed(3)} on test (${fixed(r.calibration.apgr, 3)} on calibration; a random router scores 0.5); router cost ${pct(r.router.cost_ratio)} of always-strong`
        : `PGR and APGR are undefined: always-cheap and always-strong are equally accurate on the test set (${pct(r.always_cheap.accuracy)}), so there is no gap to recover; compare accuracy and cost. Router cost ${pct(r.router.cost_ratio)} of always-strong`,
      ...(r.warnings ?? []).map((w) => `warning: ${w}`),
      ...(r.prompt_oracle
        ? [
            `prompt oracle: routes by each test prompt's success rates (${r.prompt_oracle.samples} further samples per option), APGR ${fixed(r.prompt_oracle.apgr, 3)}: about the best a router that sees only the prompt can expect (shown at the router's CPT)`,
          ]
        : []),
    ].join("\n") + "\n"
  );
}

/** The routing report as a standalone HTML page. */
export function renderRouteHtml(r: RouteReport, title = "scratchpad route"): string {
  const pt = (p: { cost: number; accuracy: number }) => [1000 * p.cost, p.accuracy] as const;
  const frontier: Series[] = [
    { name: `${r.router_kind} router (test sweep)`, points: r.sweep.map(pt), markers: false },
    { name: "always cheap", points: [pt(r.always_cheap)], markers: true },
    { name: "always strong", points: [pt(r.always_strong)], markers: true },
    ...(r.prompt_oracle ? [{ name: "prompt oracle (sweep)", points: r.prompt_oracle.sweep.map(pt), markers: false, dashed: true }] : []),
    { name: "oracle", points: [pt(r.oracle)], markers: true },
    { name: "chosen threshold", points: [pt(r.router)], markers: true },
    ...r.always.slice(1, -1).map((p) => ({ name: `always ${p.name}`, points: [pt(p)], markers: true })),
  ];
  const gap = r.always_strong.accuracy - r.always_cheap.accuracy;
  const pgrOf = (a: number) => (gap === 0 ? NaN : (a - r.always_cheap.accuracy) / gap);
  const pgrChart: Series[] = [
    { name: `${r.router_kind} router`, points: r.sweep.map((p) => [p.cpt, pgrOf(p.accuracy)] as const), markers: false },
    {
      name: "random router",
      points: [
        [0, 0],
        [1, 1],
      ],
      dashed: true,
      markers: false,
    },
    ...(r.prompt_oracle
      ? [{ name: "prompt oracle", points: r.prompt_oracle.sweep.map((p) => [p.cpt, pgrOf(p.accuracy)] as const), markers: false, dashed: true }]
      : []),
    { name: "chosen threshold", points: [[r.router.cpt, r.router.pgr]], markers: true },
  ];
  const rows = [
    ...r.always.map((p, k) => [k === 0 ? `always cheap (${p.name})` : `always ${p.name}`, p] as const),
    ["oracle router", r.oracle] as const,
    [`${r.router_kind} router, test`, r.router] as const,
    [`${r.router_kind} router, calibration`, r.router.calibration] as const,
    ...(r.prompt_oracle ? [[`prompt oracle (${r.prompt_oracle.samples} samples), at the router's CPT`, r.prompt_oracle.at_router_cpt] as const] : []),
  ]
    .map(
      ([name, p]) =>
        `<tr><td style="text-align:left">${escapeXml(name)}</td><td>${pct(p.accuracy)}</td><td>${per1k(p.cost)}</td><td>${pct(p.cpt)}</td><td>${fixed(p.pgr, 2)}</td><td>${p.tokens.toFixed(1)}</td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1150px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{width:540px}</style></head>
<body><h1>${escapeXml(title)}</h1>
<p>${r.n_test} test problems; router (${r.router_kind}) trained and calibrated on ${r.router.calibration.n} others. Prices per 1M output tokens: ${escapeXml(r.options.map((o) => `${o.name} ${o.output_price}`).join(", "))}. ${Number.isFinite(r.apgr) ? `APGR ${r.apgr.toFixed(3)} (random 0.5)` : `PGR and APGR are undefined: always-cheap and always-strong are equally accurate (${pct(r.always_cheap.accuracy)})`}${r.prompt_oracle ? `; the prompt oracle, which routes by each prompt's measured success rates (${r.prompt_oracle.samples} further samples per option), ${fixed(r.prompt_oracle.apgr, 3)}` : ""}.</p>
${(r.warnings ?? []).map((w) => `<p class="warning"><strong>Warning:</strong> ${escapeXml(w)}</p>`).join("")}
<table><tr><th style="text-align:left"></th><th>accuracy</th><th>cost per 1k queries</th><th>calls to strong (CPT)</th><th>PGR</th><th>output tokens</th></tr>${rows}</table>
<div class="charts">
${lineChart(frontier, { title: "Accuracy against cost", xLabel: "cost per 1,000 queries", yLabel: "accuracy", id: "route-frontier", yFormat: pct })}
${lineChart(pgrChart, { title: "Gap recovered against calls to strong", xLabel: "calls to strong (CPT)", yLabel: "PGR", id: "route-pgr", xFormat: pct })}
</div>
</body></html>
`;
}
