/**
 * Benchmark: programs per second through the sandbox pool on HumanEval's 164 canonical solutions (plus their
 * tests), the figure BENCHMARKS.md reports for the code verifier. Run from the repository root:
 *
 *   npx tsx src/verify/code/bench-humaneval.ts [path/to/HumanEval.jsonl] [--concurrency N] [--rounds R]
 *
 * Prints one JSON line: sandbox kind, concurrency, programs, seconds, programs/s, and how many passed.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { CodePool } from "./pool.js";
import { sandboxInfo } from "./sandbox-info.js";
import type { CodeRequest } from "./types.js";

interface HumanEvalRow {
  prompt: string;
  canonical_solution: string;
  test: string;
  entry_point: string;
}

/** Run the benchmark; returns its summary. */
export async function benchHumanEval(file: string, concurrency: number, rounds: number): Promise<Record<string, unknown>> {
  const rows = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as HumanEvalRow);
  const reqs: CodeRequest[] = rows.map((r) => ({
    language: "python",
    code: r.prompt + r.canonical_solution,
    tests: `${r.test}\ncheck(${r.entry_point})\n`,
    limits: { timeoutMs: 30_000 },
  }));
  const pool = new CodePool({ concurrency });
  await pool.run(reqs[0]); // warm-up: sandbox detection, page cache
  let passed = 0;
  const t0 = performance.now();
  for (let i = 0; i < rounds; i++) passed += (await pool.runAll(reqs)).filter((r) => r.correct).length;
  const seconds = (performance.now() - t0) / 1000;
  const programs = reqs.length * rounds;
  return {
    benchmark: "humaneval-canonical",
    sandbox: sandboxInfo().kind,
    concurrency,
    cores: os.availableParallelism(),
    programs,
    passed,
    seconds: Number(seconds.toFixed(2)),
    programsPerSecond: Number((programs / seconds).toFixed(1)),
  };
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!);
if (isMain) {
  const args = process.argv.slice(2);
  const flag = (name: string, dflt: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : dflt;
  };
  const file = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "data/humaneval/HumanEval.jsonl";
  const summary = await benchHumanEval(file, flag("--concurrency", os.availableParallelism()), flag("--rounds", 1));
  console.log(JSON.stringify(summary));
}
