// APGR of the prompt router and of the prompt oracle against the cheap model's sampling temperature,
// from the JSON reports of the sweep in docs/inference.md ("Across the cheap model's sampling
// temperature"): one file per temperature and seed, named route-T<temperature>-s<seed>.json. Draws
// the mean over seeds with every seed as a point, and the 0.75 target, as an SVG chart
// (docs/img/route-temperature.svg). Temperatures where always-cheap is at least as accurate as
// always-strong (greedy: nothing to route) have no APGR and are left out.
//
//   npx tsx scripts/route-temperature-plot.ts route-T*.json [--out docs/img/route-temperature.svg]
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { lineChart, type Series } from "../src/core/svg.js";

interface Row {
  t: number;
  router: number;
  oracle: number | null;
}

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const out = outAt >= 0 ? args[outAt + 1] : "docs/img/route-temperature.svg";
const files = args.filter((a, i) => !a.startsWith("--") && i !== outAt + 1);
if (files.length === 0) throw new Error("usage: npx tsx scripts/route-temperature-plot.ts route-T*.json [--out FILE.svg]");

const rows: Row[] = [];
for (const f of files) {
  const m = /route-T([\d.]+)-s\d+\.json$/.exec(path.basename(f));
  if (!m) throw new Error(`${f}: expected a name like route-T0.5-s1.json (the temperature is read from it)`);
  const r = JSON.parse(readFileSync(f, "utf8")) as {
    apgr: number | null;
    always_cheap: { accuracy: number };
    always_strong: { accuracy: number };
    prompt_oracle?: { apgr: number | null };
  };
  if (r.apgr === null || r.always_strong.accuracy <= r.always_cheap.accuracy) continue;
  rows.push({ t: Number(m[1]), router: r.apgr, oracle: r.prompt_oracle?.apgr ?? null });
}
const temps = [...new Set(rows.map((r) => r.t))].sort((a, b) => a - b);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const at = (t: number) => rows.filter((r) => r.t === t);
const series: Series[] = [
  { name: "prompt router (mean over seeds)", points: temps.map((t) => [t, mean(at(t).map((r) => r.router))] as const), markers: true },
  {
    name: "prompt oracle (mean)",
    points: temps.flatMap((t) => {
      const o = at(t).flatMap((r) => (r.oracle === null ? [] : [r.oracle]));
      return o.length ? [[t, mean(o)] as const] : [];
    }),
    markers: true,
    dashed: true,
  },
  { name: "router, each seed", points: rows.map((r) => [r.t, r.router] as const), markers: true, line: false, color: "#56B4E9" },
  {
    name: "target 0.75",
    points: temps.length ? [[temps[0], 0.75] as const, [temps[temps.length - 1], 0.75] as const] : [],
    markers: false,
    dashed: true,
    color: "#999999",
  },
];
const svg = lineChart(series, {
  id: "route-temperature",
  title: "APGR against the cheap model's sampling temperature",
  xLabel: "cheap model temperature (models/base; strong: models/r1zero vote@4 at 1)",
  yLabel: "APGR",
  xTicks: temps,
  yMin: 0.6,
  yMax: 1,
});
writeFileSync(out, svg + "\n");
console.error(`wrote ${out} (${rows.length} reports, temperatures ${temps.join(", ")})`);
