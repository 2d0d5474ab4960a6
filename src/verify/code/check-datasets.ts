/**
 * One-off check of the code harness against real benchmark data (not a test: it takes minutes). Run from the
 * repository root:
 *
 *   npx tsx src/verify/code/check-datasets.ts [data folder] [--concurrency N] [--limit N] [--only mbpp|mbtsp|multipl-e]
 *
 * - MBPP: every reference solution must pass its `test_list` + `challenge_test_list` (with `test_setup_code`),
 *   and the same solution with every `return` made to return None must not.
 * - MBTSP (mxeval's MBPP in TypeScript): the harness's verdict on each reference solution must agree with
 *   running prompt + solution + tests as one file in plain Node (transpiled with sucrase; the reference
 *   solutions are unreliable, so agreement is the measure, not the pass count).
 * - MultiPL-E HumanEval-JS/TS: every prompt completed with a body that throws must fail (never pass, never a
 *   harness error), which checks that every test file runs through the harness.
 * Prints one JSON line per dataset.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { transform } from "sucrase";
import { CodePool } from "./pool.js";
import type { CodeRequest, CodeResult } from "./types.js";

function rows<T>(file: string, limit: number): T[] {
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .slice(0, limit)
    .map((l) => JSON.parse(l) as T);
}

function plainNode(source: string): boolean {
  const dir = mkdtempSync(path.join(os.tmpdir(), "sp-check-"));
  try {
    const js = transform(source, { transforms: ["typescript", "imports"] }).code;
    writeFileSync(path.join(dir, "t.js"), js);
    execFileSync(process.execPath, [path.join(dir, "t.js")], { stdio: "ignore", timeout: 30_000 });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, d: number): number => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const dataDir = args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "data";
  const limit = flag("--limit", Infinity);
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const want = (name: string): boolean => only === undefined || only === name;
  const pool = new CodePool({ concurrency: flag("--concurrency", os.availableParallelism()) });
  const limits = { timeoutMs: 60_000 };
  const summary = (name: string, results: CodeResult[], expectPass: boolean[], extra: Record<string, unknown> = {}): void => {
    const agree = results.filter((r, i) => r.correct === expectPass[i]).length;
    const disagree = results
      .map((r, i) => ({ i, r }))
      .filter(({ r, i }) => r.correct !== expectPass[i])
      .slice(0, 20)
      .map(({ i, r }) => ({ i, status: r.status, message: r.message?.slice(0, 200) }));
    console.log(JSON.stringify({ dataset: name, total: results.length, agree, passed: results.filter((r) => r.correct).length, ...extra, disagree }));
  };

  if (want("mbpp")) await checkMbpp();
  if (want("mbtsp")) await checkMbtsp();
  if (want("multipl-e")) await checkMultiplE();

  async function checkMbpp(): Promise<void> {
    interface Mbpp {
      code: string;
      test_list: string[];
      challenge_test_list: string[];
      test_setup_code: string;
    }
    const mbpp = rows<Mbpp>(path.join(dataDir, "mbpp/mbpp.jsonl"), limit);
    const mbppTests = (r: Mbpp): string => [r.test_setup_code, ...r.test_list, ...r.challenge_test_list].join("\n");
    // The function the tests call, when the solution defines it (as the MBPP loader's entryPoint).
    const entry = (r: Mbpp): string[] =>
      [/^\s*assert\s+\(?\s*(?:not\s+)?\(?([A-Za-z_]\w*)\s*\(/.exec(r.test_list[0])?.[1] ?? ""].filter((n) =>
        new RegExp(`^def\\s+${n}\\s*\\(`, "m").test(r.code),
      );
    const good = await pool.runAll(mbpp.map((r): CodeRequest => ({ language: "python", code: r.code, tests: mbppTests(r), programNames: entry(r), limits })));
    summary(
      "mbpp reference solutions (must pass)",
      good,
      mbpp.map(() => true),
    );
    const broken = await pool.runAll(
      mbpp.map((r): CodeRequest => ({
        language: "python",
        code: r.code.replace(/\breturn\b[^\n]*/g, "return None"),
        tests: mbppTests(r),
        programNames: entry(r),
        limits,
      })),
    );
    summary(
      "mbpp solutions returning None (must not pass)",
      broken,
      mbpp.map(() => false),
    );
  }

  async function checkMbtsp(): Promise<void> {
    interface Mx {
      prompt: string;
      canonical_solution: string;
      test: string;
      entry_point: string;
    }
    const mbtsp = rows<Mx>(path.join(dataDir, "mxeval/mbtsp_release_v1.2.jsonl"), limit);
    const truth = mbtsp.map((r) => plainNode(r.prompt + r.canonical_solution + "\n" + r.test));
    const ts = await pool.runAll(mbtsp.map((r): CodeRequest => ({ language: "typescript", code: r.prompt + r.canonical_solution, tests: r.test, limits })));
    summary("mbtsp: harness agrees with one plain-Node file", ts, truth);
  }

  async function checkMultiplE(): Promise<void> {
    interface Mpl {
      prompt: string;
      tests: string;
    }
    for (const lang of ["js", "ts"] as const) {
      const ds = rows<Mpl>(path.join(dataDir, `multipl-e/humaneval-${lang}.jsonl`), limit);
      const res = await pool.runAll(
        ds.map((r): CodeRequest => ({
          language: lang === "js" ? "javascript" : "typescript",
          code: `${r.prompt}  throw new Error("not implemented");\n}\n`,
          tests: r.tests,
          limits,
        })),
      );
      summary(
        `multipl-e humaneval-${lang}: throwing bodies (must fail, not error)`,
        res,
        ds.map(() => false),
        {
          failed: res.filter((x) => x.status === "failed").length,
        },
      );
    }
  }
}

void main();
