/**
 * Benchmark of the math verifier (not a test): verifications per second in one process on a
 * realistic mix — MATH-500 gold answers against model-style responses (full worked solutions with
 * a box, think blocks with "The final answer is", answer tags, wrong answers, plain numbers).
 *
 *   npx tsx src/verify/math/bench.ts [path/to/math500/test.jsonl]
 */
import { readFileSync } from "node:fs";
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

/** Run the benchmark; returns verifications per second and the share judged correct. */
export function runMathBenchmark(file: string, seconds = 3): { perSecond: number; perCpuSecond: number; correctShare: number; cases: number } {
  const rows = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Row);
  const mix = benchmarkMix(rows);
  for (const m of mix.slice(0, 400)) verifyMathSync(m.gold, m.response); // warm-up
  let done = 0;
  let correct = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const m of mix) {
      if (verifyMathSync(m.gold, m.response).correct) correct++;
      done++;
    }
  }
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  return { perSecond: done / s, perCpuSecond: done / ((cpu.user + cpu.system) / 1e6), correctShare: correct / done, cases: mix.length };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? new URL("../../../data/math500/test.jsonl", import.meta.url).pathname;
  const r = runMathBenchmark(file);
  console.log(
    `math verifications: ${r.perSecond.toFixed(0)}/s wall, ${r.perCpuSecond.toFixed(0)} per CPU-second, over ${r.cases} cases (${(r.correctShare * 100).toFixed(1)}% judged correct; 75% expected)`,
  );
}
