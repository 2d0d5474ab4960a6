/**
 * Agreement with Math-Verify on its documented behaviours (not a test; the test is
 * agreement.test.ts). The fixture `fixtures/math-verify-cases.jsonl` holds cases taken one by one
 * from Math-Verify's own tests, each with the result Math-Verify gives, the options the test passes
 * (`extraction` = its match_types, `float_rounding`, `strict`, `allow_set_relation_comp`) and the
 * source file. Cases are split by a hash of their content into `tune` and `heldout`; only `tune`
 * failures are listed unless asked. Cases marked `deviation` are where scratchpad deliberately
 * differs (with the reason) and are left out of the agreement.
 *
 *   npx tsx src/verify/math/agreement.ts [--show tune|heldout|all] [--bench]
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { verifyMathSync } from "./verify.js";
import type { MathVerifyOptions } from "./types.js";

/** One documented Math-Verify behaviour. */
export interface AgreementCase {
  id: string;
  gold: string;
  pred: string;
  /** What Math-Verify's `verify(parse(gold), parse(pred), ...)` returns. */
  expected: boolean;
  options: MathVerifyOptions;
  /** Where the case comes from (repository, file, test). */
  source: string;
  split: "tune" | "heldout";
  /** Why scratchpad deliberately gives the other result (excluded from agreement). */
  deviation?: string;
}

/** The fixture's path. */
export const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "math-verify-cases.jsonl");

/** Read the fixture. */
export function loadCases(path = FIXTURE): AgreementCase[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as AgreementCase);
}

/** The result of one case. */
export interface CaseResult {
  c: AgreementCase;
  got: boolean;
  agrees: boolean;
  reason: string;
}

/** Run every case. */
export function runCases(cases: AgreementCase[]): CaseResult[] {
  return cases.map((c) => {
    const v = verifyMathSync(c.gold, c.pred, c.options);
    return {
      c,
      got: v.correct,
      agrees: v.correct === c.expected,
      reason: `${v.reason} [extracted ${JSON.stringify(v.extracted)} from ${v.source}; gold ${JSON.stringify(v.gold)}]`,
    };
  });
}

/** Agreement on a split, deviations left out. */
export function agreement(results: CaseResult[], split: "tune" | "heldout" | "all"): { agree: number; total: number; rate: number } {
  const rs = results.filter((r) => !r.c.deviation && (split === "all" || r.c.split === split));
  const agree = rs.filter((r) => r.agrees).length;
  return { agree, total: rs.length, rate: rs.length ? agree / rs.length : 0 };
}

function main(): void {
  process.stdout.on("error", () => process.exit(0)); // `| head` closes the pipe early
  const args = process.argv.slice(2);
  const show = args.includes("--show") ? args[args.indexOf("--show") + 1] : "tune";
  const cases = loadCases();
  const results = runCases(cases);
  for (const split of ["tune", "heldout", "all"] as const) {
    const a = agreement(results, split);
    console.log(`${split.padEnd(8)} ${a.agree}/${a.total} = ${(100 * a.rate).toFixed(1)}%`);
  }
  const devs = results.filter((r) => r.c.deviation);
  console.log(`deviations (excluded): ${devs.length}, of which scratchpad gives the other result: ${devs.filter((r) => !r.agrees).length}`);
  for (const r of results) {
    if (r.agrees || r.c.deviation || (show !== "all" && r.c.split !== show)) continue;
    console.log(`\n[${r.c.split}] ${r.c.id} expected ${r.c.expected} got ${r.got} (${r.c.source})`);
    console.log(`  gold: ${JSON.stringify(r.c.gold).slice(0, 200)}`);
    console.log(`  pred: ${JSON.stringify(r.c.pred).slice(0, 200)}`);
    console.log(`  options: ${JSON.stringify(r.c.options)}  → ${r.reason.slice(0, 300)}`);
  }
  if (args.includes("--bench")) {
    // verifications per second over the whole fixture (each case once per round)
    for (let round = 0; round < 2; round++) runCases(cases);
    const rounds = 20;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let round = 0; round < rounds; round++) runCases(cases);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const n = rounds * cases.length;
    console.log(
      `\nbench: ${n} verifications in ${ms.toFixed(0)} ms wall = ${Math.round((n / ms) * 1000)}/s; ` +
        `${cpuMs.toFixed(0)} ms CPU = ${Math.round((n / cpuMs) * 1000)} per CPU-second (one process)`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
