/**
 * Benchmark of the math verifier (not a test): verifications per second in one process on a
 * realistic mix — MATH-500 gold answers against model-style responses (full worked solutions with
 * a box, think blocks with "The final answer is", answer tags, wrong answers, plain numbers).
 *
 *   npx tsx src/verify/math/bench.ts [path/to/math500/test.jsonl] [--mv] [--write-jsonl FILE]
 *
 * `--mv` runs the mix as Math-Verify is called (gold as `$gold$`, targets latex + expr);
 * `--write-jsonl FILE` also writes those exact items as the JSONL that
 * scripts/mathverify-ref/bench.py times Math-Verify on, for a side-by-side figure.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { MathVerifyOptions } from "./types.js";
import { verifyMathSync } from "./verify.js";

interface Row {
  problem: string;
  solution: string;
  answer: string;
}

/** Model-style responses for each row: correct and wrong, in several formats. */
export function benchmarkMix(rows: Row[]): { gold: string; response: string }[] {
  const out: { gold: string; response: string }[] = [];
  rows.forEach((r, i) => {
    const other = rows[(i + 7) % rows.length].answer;
    const reasoning = r.solution.replace(/\\boxed\{/g, "{");
    out.push({ gold: r.answer, response: r.solution });
    out.push({ gold: r.answer, response: `<think>\n${reasoning}\n</think>\nThe final answer is $${r.answer}$. I hope it is correct.` });
    out.push({ gold: r.answer, response: `${reasoning}\n\nSo the answer is $\\boxed{${other}}$.` });
    out.push({ gold: r.answer, response: `<think>Let me think. ${r.problem.slice(0, 300)}</think><answer>${r.answer}</answer>` });
  });
  return out;
}

/** The options Math-Verify is called with in `--mv` mode (its default targets). */
export const MV_BENCH_OPTIONS: MathVerifyOptions = { extraction: ["latex", "expr"] };

/**
 * Run the benchmark; returns verifications per second and the share judged correct. With `mv`, the
 * gold is written `$gold$` and Math-Verify's default targets are passed, as a Math-Verify user calls it.
 */
export function runMathBenchmark(
  file: string,
  seconds = 3,
  opts: { mv?: boolean; writeJsonl?: string } = {},
): { perSecond: number; perCpuSecond: number; correctShare: number; cases: number } {
  const rows = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Row);
  const mix = benchmarkMix(rows).map((m) => (opts.mv ? { gold: `$${m.gold}$`, response: m.response } : m));
  const options = opts.mv ? MV_BENCH_OPTIONS : undefined;
  if (opts.writeJsonl)
    writeFileSync(opts.writeJsonl, mix.map((m) => JSON.stringify({ gold: m.gold, pred: m.response, options: MV_BENCH_OPTIONS })).join("\n") + "\n");
  for (const m of mix.slice(0, 400)) verifyMathSync(m.gold, m.response, options); // warm-up
  let done = 0;
  let correct = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const m of mix) {
      if (verifyMathSync(m.gold, m.response, options).correct) correct++;
      done++;
    }
  }
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { perSecond: done / s, perCpuSecond: done / ((cpu.user + cpu.system) / 1e6), correctShare: correct / done, cases: mix.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const writeJsonl = args.includes("--write-jsonl") ? args[args.indexOf("--write-jsonl") + 1] : undefined;
  const positional = args.filter((a, i) => !a.startsWith("--") && args[i - 1] !== "--write-jsonl");
  const file = positional[0] ?? new URL("../../../data/math500/test.jsonl", import.meta.url).pathname;
  const r = runMathBenchmark(file, 3, { mv: args.includes("--mv") || writeJsonl !== undefined, writeJsonl });
  console.log(
    `math verifications: ${r.perSecond.toFixed(0)}/s wall, ${r.perCpuSecond.toFixed(0)} per CPU-second, over ${r.cases} cases (${(r.correctShare * 100).toFixed(1)}% judged correct; 75% expected)`,
  );
}
