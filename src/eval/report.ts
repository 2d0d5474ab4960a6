/**
 * The evaluation report as a self-contained HTML page: headline metrics with confidence
 * intervals, the test-time scaling curve (accuracy against thinking tokens, log scale, across
 * budgets and k), accuracy and thinking length by difficulty, accuracy by budget, and sample traces.
 */
import type { EvalReport } from "./evaluate.js";
import { escapeXml, lineChart, type Series } from "../core/svg.js";
import { DEFAULT_THINK_TAGS } from "../core/think.js";

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "–");

/** The SVG charts of a report (exported for other reports that embed them). */
export function evalCharts(r: EvalReport): { scaling: string; difficulty: string; thinking: string; budgets: string } {
  const groups = new Map<string, { name: string; points: [number, number][] }>();
  for (const p of r.curve) {
    const name = p.budget === null ? "no cap" : `budget ${p.budget}`;
    if (!groups.has(name)) groups.set(name, { name, points: [] });
    groups.get(name)!.points.push([Math.max(p.thinking_tokens, 0.5), p.accuracy]);
  }
  const byBudgetK1: Series = { name: "k=1 across budgets", points: r.budgets.map((b) => [Math.max(b.mean_thinking_tokens, 0.5), b.accuracy]) };
  const levels = r.by_difficulty.map((d, i) => d.difficulty ?? i);
  return {
    scaling: lineChart([...groups.values(), ...(r.budgets.length > 1 ? [byBudgetK1] : [])], {
      id: "scaling",
      logX: true,
      xLabel: "thinking tokens per problem",
      yLabel: "accuracy",
      title: `Test-time scaling (${r.strategy === "best-of-n" ? "best-of-N" : "majority vote"} over k = 1…${r.k})`,
    }),
    difficulty: lineChart(
      [
        { name: "pass@1", points: r.by_difficulty.map((d, i) => [levels[i], d["pass@1"]]) },
        { name: `maj@${r.k}`, points: r.by_difficulty.map((d, i) => [levels[i], d["maj@k"]]) },
        { name: `pass@${r.k}`, points: r.by_difficulty.map((d, i) => [levels[i], d["pass@k"]]) },
      ],
      { id: "difficulty", title: "Accuracy by difficulty", xLabel: "difficulty", yLabel: "accuracy" },
    ),
    thinking: lineChart([{ name: "no cap", points: r.by_difficulty.map((d, i) => [levels[i], d.mean_thinking_tokens]) }], {
      id: "thinking",
      title: "Thinking length by difficulty",
      xLabel: "difficulty",
      yLabel: "mean thinking tokens",
    }),
    budgets: lineChart(
      [
        { name: "accuracy", points: r.budgets.map((b) => [Math.max(b.budget, 0.5), b.accuracy]) },
        { name: "forced stops", points: r.budgets.map((b) => [Math.max(b.budget, 0.5), b.forced_rate]) },
      ],
      { id: "budgets", title: "Accuracy against thinking budget", xLabel: "budget (tokens)", yLabel: "accuracy", logX: true },
    ),
  };
}

/** Render the whole report page. */
export function renderEvalHtml(r: EvalReport, title = "scratchpad eval"): string {
  const c = evalCharts(r);
  const ci = (e: { lo: number; hi: number }) => `[${pct(e.lo)}, ${pct(e.hi)}]`;
  const rows = r.by_difficulty
    .map(
      (d) =>
        `<tr><td>${d.difficulty ?? "–"}</td><td>${d.n}</td><td>${pct(d["pass@1"])} ${ci(d.ci["pass@1"])}</td><td>${pct(d["maj@k"])}</td><td>${pct(d["pass@k"])}</td><td>${num(d.mean_thinking_tokens)}</td></tr>`,
    )
    .join("");
  const brows = r.budgets
    .map(
      (b) =>
        `<tr><td>${b.budget}</td><td>${pct(b.accuracy)} ${ci(b.ci.accuracy)}</td><td>${num(b.mean_thinking_tokens)}</td><td>${pct(b.forced_rate)}</td></tr>`,
    )
    .join("");
  const traces = r.samples
    .map(
      (s) =>
        `<div class="trace ${s.correct ? "ok" : "bad"}"><div><b>${escapeXml(s.id)}</b> (difficulty ${s.difficulty ?? "–"}, gold ${escapeXml(s.answer)}, ${s.correct ? "correct" : "wrong"}, ${s.thinking_tokens} thinking tokens)</div><pre>${escapeXml(s.prompt)}<span class="gen">${escapeXml(s.reasoning ? `${DEFAULT_THINK_TAGS.open}${s.reasoning}${DEFAULT_THINK_TAGS.close}${s.text}` : s.text)}</span></pre></div>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1150px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
.charts{display:flex;flex-wrap:wrap;gap:16px}.trace pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}.trace.ok{border-left:4px solid #2ca02c;padding-left:8px}.trace.bad{border-left:4px solid #d62728;padding-left:8px}.gen{color:#1f4fb4}</style></head>
<body><h1>${escapeXml(title)}</h1>
<p>${escapeXml(r.policy)} · ${r.n_problems} problems · k=${r.k} · temperature ${r.temperature} · seed ${r.seed} · strategy ${r.strategy}</p>
<table><tr><th>pass@1</th><th>maj@${r.k}</th><th>pass@${r.k}</th><th>best-of-${r.k}</th><th>mean thinking tokens</th></tr>
<tr><td>${pct(r["pass@1"])} ${ci(r.ci["pass@1"])}</td><td>${pct(r["maj@k"])} ${ci(r.ci["maj@k"])}</td><td>${pct(r["pass@k"])}</td><td>${pct(r["best-of-n"])}</td><td>${num(r.mean_thinking_tokens)}</td></tr></table>
<div class="charts">${c.scaling}${c.budgets}${c.difficulty}${c.thinking}</div>
<h2>By difficulty</h2><table><tr><th>difficulty</th><th>problems</th><th>pass@1 [95% CI]</th><th>maj@${r.k}</th><th>pass@${r.k}</th><th>thinking tokens</th></tr>${rows}</table>
${r.budgets.length ? `<h2>Thinking budgets</h2><table><tr><th>budget</th><th>accuracy [95% CI]</th><th>thinking tokens</th><th>forced stops</th></tr>${brows}</table>` : ""}
<h2>Sample traces</h2>${traces}
</body></html>
`;
}
