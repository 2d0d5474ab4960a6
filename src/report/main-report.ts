/**
 * The main job's report: one self-contained HTML page (inline SVG plots, no scripts) telling the
 * R1-Zero story — reward and accuracy over training steps, thinking length by difficulty over steps,
 * accuracy against the thinking budget, pass@1 against maj@k, thinking by difficulty before and
 * after, the phenomena checks, and sample traces with the thinking shown.
 */
import type { EvalReport } from "../eval/evaluate.js";
import type { StepMetrics } from "../rl/metrics.js";
import type { SelfCheckStats } from "./selfcheck.js";
import type { Phenomenon } from "./phenomena.js";
import { barChart, escapeXml, lineChart, type Series } from "../core/svg.js";

/** Everything the report shows (also written as report.json). */
export interface MainReport {
  title: string;
  created: string;
  /** The resolved training config. */
  config: Record<string, unknown>;
  /** Per-step training metrics (typed; metrics.jsonl has them under TRL's names). */
  history: StepMetrics[];
  base: EvalReport;
  trained: EvalReport;
  phenomena: Phenomenon[];
  /** Self-checking in the evaluation's scratchpads, base model and after RL (absent in older reports). */
  self_check?: { base: SelfCheckStats; trained: SelfCheckStats };
  /** Seconds spent in each phase. */
  timings: Record<string, number>;
  /** Free-form notes (settings of the evaluation, machine). */
  notes: string[];
}

const pct = (x: number | null | undefined) => (typeof x === "number" && Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");
const num = (x: number | null | undefined, d = 1) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(d) : "–");

/** The report's charts, by id (exported for tests and other reports). */
export function mainCharts(r: MainReport): Record<string, string> {
  const h = r.history;
  const at = (get: (m: StepMetrics) => number | undefined): [number, number][] => h.map((m) => [m.step, get(m) ?? NaN]);
  const levels = [...new Set(h.flatMap((m) => m.by_difficulty.map((d) => d.difficulty)))].sort((a, b) => a - b);
  const evalLevels = r.trained.by_difficulty.map((d) => d.difficulty ?? 0);
  const k = r.trained.k;
  const budgetSeries: Series[] = [{ name: "after RL", points: r.trained.budgets.map((b) => [b.budget, b.accuracy]) }];
  if (r.base.budgets.length) budgetSeries.push({ name: "base", points: r.base.budgets.map((b) => [b.budget, b.accuracy]), dashed: true });
  return {
    training: lineChart(
      [
        { name: "reward", points: at((m) => m.reward) },
        { name: "accuracy (samples)", points: at((m) => m.accuracy) },
        { name: "thinking rate", points: at((m) => m.thinking.rate), dashed: true },
        { name: "self-check rate", points: at((m) => m.thinking.self_check_rate), dashed: true },
      ],
      {
        id: "training",
        title: "Reward and accuracy over training steps",
        xLabel: "step",
        yLabel: "mean over the batch",
        yMin: 0,
        // Shaping terms (a bonus for answering directly) can lift the reward above 1.
        yMax: Math.max(
          1,
          ...at((m) => m.reward)
            .map(([, y]) => y)
            .filter(Number.isFinite),
        ),
      },
    ),
    thinking_steps: lineChart(
      levels.map((d) => ({ name: `${d} digit${d > 1 ? "s" : ""}`, points: at((m) => m.by_difficulty.find((x) => x.difficulty === d)?.thinking_mean_tokens) })),
      {
        id: "thinking_steps",
        title: "Thinking length by difficulty over training steps",
        xLabel: "step",
        yLabel: "mean thinking tokens",
        yMin: 0,
      },
    ),
    sampling: lineChart(
      [
        { name: "groups kept (trained on)", points: at((m) => m.groups_kept) },
        { name: "groups dropped (rewards all equal)", points: at((m) => m.groups_dropped), dashed: true },
      ],
      { id: "sampling", title: "Dynamic sampling: groups per step", xLabel: "step", yLabel: "groups (prompts)", yMin: 0 },
    ),
    budgets: lineChart(budgetSeries, {
      id: "budgets",
      title: "Accuracy against thinking budget (budget forcing)",
      xLabel: "thinking budget (tokens, log scale)",
      yLabel: "accuracy",
      logX: true,
      yMin: 0,
      yMax: 1,
    }),
    majority: barChart(
      evalLevels.map(String),
      [
        { name: "base pass@1", values: r.base.by_difficulty.map((d) => d["pass@1"]), color: "#9ecae1" },
        { name: `base maj@${k}`, values: r.base.by_difficulty.map((d) => d["maj@k"]), color: "#3182bd" },
        { name: "RL pass@1", values: r.trained.by_difficulty.map((d) => d["pass@1"]), color: "#fdae6b" },
        { name: `RL maj@${k}`, values: r.trained.by_difficulty.map((d) => d["maj@k"]), color: "#e6550d" },
      ],
      { id: "majority", title: `pass@1 and maj@${k} by difficulty (digits)`, xLabel: "difficulty (digits)", yLabel: "accuracy", yMin: 0, yMax: 1 },
    ),
    thinking_difficulty: lineChart(
      [
        { name: "base", points: r.base.by_difficulty.map((d) => [d.difficulty ?? 0, d.mean_thinking_tokens]), dashed: true },
        { name: "after RL", points: r.trained.by_difficulty.map((d) => [d.difficulty ?? 0, d.mean_thinking_tokens]) },
      ],
      {
        id: "thinking_difficulty",
        title: "Thinking length by difficulty: base vs after RL",
        xLabel: "difficulty (digits)",
        yLabel: "mean thinking tokens",
        yMin: 0,
        xTicks: evalLevels,
      },
    ),
  };
}

/** Highlight the thinking segment of a completion (HTML-escaped). */
export function renderTrace(text: string): string {
  const e = escapeXml(text);
  return (
    e
      .replace(/&lt;think&gt;/g, '<span class="tag">&lt;think&gt;</span><span class="think">')
      .replace(/&lt;\/think&gt;/g, '</span><span class="tag">&lt;/think&gt;</span>')
      .replace(/\bwait\b/g, "<mark>wait</mark>") + (text.includes("<think>") && !text.includes("</think>") ? "</span>" : "")
  );
}

function tracesHtml(r: EvalReport, label: string): string {
  return r.samples
    .map(
      (s) =>
        `<div class="trace ${s.correct ? "ok" : "bad"}"><div class="meta">${escapeXml(label)} · ${s.difficulty ?? "–"} digits · gold ${escapeXml(s.answer)} · ${s.correct ? "correct" : "wrong"} · ${s.thinking_tokens} thinking tokens</div><pre>${escapeXml(s.prompt)}<span class="gen">${renderTrace(s.text)}</span></pre></div>`,
    )
    .join("\n");
}

function difficultyTable(r: MainReport): string {
  const k = r.trained.k;
  const rows = r.trained.by_difficulty
    .map((t, i) => {
      const b = r.base.by_difficulty[i];
      return `<tr><td>${t.difficulty ?? "–"}</td><td>${pct(b?.["pass@1"])}</td><td>${pct(t["pass@1"])}</td><td>${pct(b?.["maj@k"])}</td><td>${pct(t["maj@k"])}</td><td>${num(b?.mean_thinking_tokens)}</td><td>${num(t.mean_thinking_tokens)}</td></tr>`;
    })
    .join("");
  return `<table><thead><tr><th>digits</th><th>base pass@1</th><th>RL pass@1</th><th>base maj@${k}</th><th>RL maj@${k}</th><th>base thinking</th><th>RL thinking</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function selfCheckHtml(s: { base: SelfCheckStats; trained: SelfCheckStats }): string {
  const rows: [string, (x: SelfCheckStats) => string][] = [
    ["scratchpads among the samples", (x) => `${x.scratchpads} of ${x.completions}`],
    ["columns with a slip (a wrong sum written first)", (x) => pct(x.slips_per_column)],
    ["slips caught with “wait” and corrected", (x) => pct(x.slips_caught)],
    ["“wait” per scratchpad", (x) => num(x.waits_per_scratchpad, 2)],
    ["“wait” that follows a real slip", (x) => pct(x.waits_after_a_slip)],
  ];
  return `<table class="selfcheck"><thead><tr><th></th><th>base</th><th>after RL</th></tr></thead><tbody>${rows
    .map(([label, f]) => `<tr><td style="text-align:left">${escapeXml(label)}</td><td>${escapeXml(f(s.base))}</td><td>${escapeXml(f(s.trained))}</td></tr>`)
    .join("")}</tbody></table>`;
}

/** What DAPO dynamic sampling did over the run: groups kept and dropped, steps it could not fill. */
function samplingHtml(r: MainReport): string {
  const h = r.history;
  const sum = (f: (m: StepMetrics) => number) => h.reduce((a, m) => a + (Number.isFinite(f(m)) ? f(m) : 0), 0);
  const underfilled = h.filter((m) => m.batch_filled === 0).length;
  return `<p>Dynamic sampling (veRL's filter_groups, oversample ${escapeXml(String(r.config.oversample_factor ?? 1))}×, up to ${escapeXml(String(r.config.max_sampling_rounds))} rounds):
${sum((m) => m.groups_kept)} groups kept and ${sum((m) => m.groups_dropped)} dropped for all-equal rewards over ${h.length} steps;
${underfilled === 0 ? "every batch was full" : `${underfilled} step${underfilled > 1 ? "s" : ""} trained on fewer groups than the batch holds`}.</p>`;
}

function phenomenaHtml(ps: Phenomenon[]): string {
  const fmt = (v: unknown): string =>
    Array.isArray(v)
      ? v.map((x) => fmt(x)).join(", ")
      : typeof v === "number"
        ? Number.isInteger(v)
          ? String(v)
          : v.toFixed(3)
        : v === null
          ? "∞"
          : String(v);
  return `<table class="phenomena"><thead><tr><th>phenomenon</th><th>measured</th><th>shown?</th></tr></thead><tbody>${ps
    .map(
      (p) =>
        `<tr class="${p.pass ? "pass" : "fail"}"><td style="text-align:left">${escapeXml(p.claim)}</td><td style="text-align:left">${escapeXml(
          Object.entries(p.values)
            .map(([k, v]) => `${k} ${fmt(v)}`)
            .join("; "),
        )}</td><td>${p.pass ? "yes" : "no"}</td></tr>`,
    )
    .join("")}</tbody></table>`;
}

/** The whole page. */
export function renderMainReport(r: MainReport): string {
  const c = mainCharts(r);
  const last = r.history[r.history.length - 1];
  const hard = r.trained.by_difficulty[r.trained.by_difficulty.length - 1];
  const hardBase = r.base.by_difficulty[r.base.by_difficulty.length - 1];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(r.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1320px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{max-width:100%;height:auto;border:1px solid #eee}
.trace pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;margin:4px 0 12px}.trace .meta{font-size:12px;color:#555}
.trace.ok{border-left:4px solid #2ca02c;padding-left:8px}.trace.bad{border-left:4px solid #d62728;padding-left:8px}
.gen{color:#1f4fb4}.think{color:#777}.tag{color:#999;font-weight:bold}mark{background:#ffe08a}
table.phenomena th,table.selfcheck th:first-child{text-align:left}
tr.pass td:last-child{color:#2ca02c;font-weight:bold}tr.fail td:last-child{color:#d62728;font-weight:bold}
.kpi{display:flex;gap:2em;margin:1em 0}.kpi div{background:#f4f7fb;padding:8px 14px;border-radius:6px}.kpi b{font-size:22px;display:block}
</style></head><body>
<h1>${escapeXml(r.title)}</h1>
<p>Created ${escapeXml(r.created)}. A tiny Llama pretrained on additions written with and without a scratchpad was trained with GRPO
against whether the final answer is right${Number(r.config.direct_answer_bonus) > 0 ? ` (plus ${escapeXml(String(r.config.direct_answer_bonus))} for an answer given without thinking)` : ""}. Model ${escapeXml(String(r.config.model))}, ${escapeXml(String(r.config.steps))} steps,
${escapeXml(String(r.config.batch_size))} completions per step (G = ${escapeXml(String(r.config.num_generations))}), training digits ${escapeXml(String(r.config.min_difficulty))}–${escapeXml(String(r.config.max_difficulty))}; evaluation on a held-out seed.</p>
<div class="kpi">
<div>hardest level pass@1<b>${pct(hardBase?.["pass@1"])} → ${pct(hard?.["pass@1"])}</b></div>
<div>overall pass@1<b>${pct(r.base["pass@1"])} → ${pct(r.trained["pass@1"])}</b></div>
<div>final training reward<b>${num(last ? last.reward : NaN, 3)}</b></div>
<div>time<b>${num(Object.values(r.timings).reduce((a, b) => a + b, 0) / 60)} min</b></div>
</div>
<h2>What the run shows</h2>
${phenomenaHtml(r.phenomena)}
${
  r.self_check
    ? `<h2>Self-checking</h2>
<p>Each column of a scratchpad in the evaluation samples, parsed: a slip is a wrong sum written first; it is caught when “wait” and the right sum follow.</p>
${selfCheckHtml(r.self_check)}`
    : ""
}
<h2>Training</h2>
<div class="charts">${c.training}${c.thinking_steps}${r.config.dynamic_sampling ? c.sampling : ""}</div>
${r.config.dynamic_sampling ? samplingHtml(r) : ""}
<h2>Evaluation: base model vs after RL</h2>
${difficultyTable(r)}
<div class="charts">${c.thinking_difficulty}${c.majority}${c.budgets}</div>
<h2>Sample traces after RL</h2>
${tracesHtml(r.trained, "after RL")}
<h2>Sample traces of the base model</h2>
${tracesHtml(r.base, "base")}
<h2>Notes</h2>
<ul>${r.notes.map((n) => `<li>${escapeXml(n)}</li>`).join("")}</ul>
</body></html>
`;
}
