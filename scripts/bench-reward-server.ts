/**
 * Benchmark of the reward server (BENCHMARKS.md): math rewards over HTTP beside the math verifier in-process,
 * and `/run_code` beside in-process `verify code` on HumanEval's canonical solutions. Run from the repository root:
 *
 *   npx tsx scripts/bench-reward-server.ts [--rounds R] [--workers N] [--code-concurrency 1,8,32] [--skip-code]
 *
 * It starts `scratchpad reward-server` (from the sources, through tsx) as a child process on a free port and
 * talks to it with Node's fetch. Math: MATH-500's 500 reference solutions (and, for half of them, a wrong final
 * box) as responses after a Qwen chat template, R rounds; in-process = `verifyMathSync` in one thread over the
 * same (gold, response) pairs; HTTP = POST /get_reward in batches of 64 (sequential, then 4 batches in flight),
 * and one query per request with 64 in flight (OpenRLHF's way). Code: every canonical solution + its tests as
 * one Python program, through POST /run_code at each concurrency, and through `runCode` in-process (a CodePool
 * of the same size as the server's) at the same concurrency; programs/s and p50/p99 latency.
 * Prints one JSON object; the machine's load average is in it (the numbers depend on it).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { resolveDataDir } from "../src/tasks/loaders/data-dir.js";
import { CodePool } from "../src/verify/code/pool.js";
import { responseFromQuery } from "../src/serve/reward/response.js";
import { verifyMathSync } from "../src/verify/math/verify.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const flag = (name: string, dflt: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const ROUNDS = Number(flag("--rounds", "3"));
const WORKERS = Number(flag("--workers", String(os.availableParallelism())));
const CODE_CONC = flag("--code-concurrency", "1,8,32").split(",").map(Number);

function startServer(): Promise<{ url: string; stop: () => void }> {
  const script = 'const m = await import("./src/cli/main.ts"); await m.run(["node", "scratchpad", ...process.argv.slice(1)]);';
  const child = spawn(process.execPath, ["--import", "tsx", "-e", script, "reward-server", "--port", "0", "--workers", String(WORKERS)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve) => {
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], stop: () => child.kill("SIGTERM") });
    });
  });
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, unknown>;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

async function benchMath(url: string): Promise<Record<string, unknown>> {
  const rows = readFileSync(path.join(resolveDataDir(), "math500/test.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { problem: string; solution: string; answer: string });
  const items = rows.map((r, i) => {
    const prompt = `<|im_start|>user\n${r.problem}<|im_end|>\n<|im_start|>assistant\n`;
    const response = i % 2 === 0 ? r.solution : `${r.solution}\n\nSo the final answer is \\boxed{${r.answer}1}.`;
    return { prompt, query: `${prompt}${response}<|im_end|><|endoftext|>`, gold: r.answer };
  });
  const n = items.length * ROUNDS;

  // In-process: the verifier in this thread (response split included, as the server does it).
  for (const it of items.slice(0, 50)) verifyMathSync(it.gold, responseFromQuery(it.query, it.prompt).response);
  let t0 = performance.now();
  let correctIn = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const it of items) correctIn += verifyMathSync(it.gold, responseFromQuery(it.query, it.prompt).response).correct ? 1 : 0;
  }
  const inProcess = n / ((performance.now() - t0) / 1000);

  const batches: (typeof items)[] = [];
  for (let r = 0; r < ROUNDS; r++) for (let i = 0; i < items.length; i += 64) batches.push(items.slice(i, i + 64));
  const send = (b: typeof items): Promise<Record<string, unknown>> =>
    postJson(`${url}/get_reward`, { query: b.map((x) => x.query), prompts: b.map((x) => x.prompt), labels: b.map((x) => x.gold) });
  await send(batches[0]); // warm-up (workers, caches)

  t0 = performance.now();
  let correctHttp = 0;
  for (const b of batches) correctHttp += ((await send(b)).rewards as number[]).reduce((a, x) => a + x, 0);
  const httpSeq = n / ((performance.now() - t0) / 1000);

  t0 = performance.now();
  const queue = [...batches];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let b = queue.shift(); b; b = queue.shift()) await send(b);
    }),
  );
  const http4 = n / ((performance.now() - t0) / 1000);

  t0 = performance.now();
  const singles = items.flatMap((x) => Array.from({ length: ROUNDS }, () => x));
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let x = singles.shift(); x; x = singles.shift()) await send([x]);
    }),
  );
  const single64 = n / ((performance.now() - t0) / 1000);

  return {
    items: n,
    agree: correctIn === correctHttp,
    inProcessPerS: round1(inProcess),
    httpBatch64SequentialPerS: round1(httpSeq),
    httpBatch64x4InFlightPerS: round1(http4),
    httpOneQueryPerRequest64InFlightPerS: round1(single64),
    httpBatch64SequentialVsInProcess: Math.round((100 * httpSeq) / inProcess) / 100,
    httpBatch64x4VsInProcess: Math.round((100 * http4) / inProcess) / 100,
  };
}

async function benchCode(url: string): Promise<Record<string, unknown>[]> {
  const rows = readFileSync(path.join(resolveDataDir(), "humaneval/HumanEval.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { prompt: string; canonical_solution: string; test: string; entry_point: string });
  const programs = rows.map((r) => `${r.prompt}${r.canonical_solution}\n\n${r.test}\ncheck(${r.entry_point})\n`);
  const pool = new CodePool({ concurrency: WORKERS });
  const out: Record<string, unknown>[] = [];
  for (const c of CODE_CONC) {
    for (const mode of ["http /run_code", "in-process verify code"] as const) {
      const lat: number[] = [];
      let ok = 0;
      const queue = [...programs];
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: c }, async () => {
          for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
            const s = performance.now();
            if (mode === "http /run_code") {
              const r = await postJson(`${url}/run_code`, { code: p, language: "python", run_timeout: 30, memory_limit_MB: 1024, files: {}, fetch_files: [] });
              if (r.status === "Success") ok++;
            } else {
              const row = rows[programs.indexOf(p)];
              const r = await pool.run({
                language: "python",
                code: row.prompt + row.canonical_solution,
                tests: `${row.test}\ncheck(${row.entry_point})\n`,
                limits: { timeoutMs: 30_000 },
              });
              if (r.correct) ok++;
            }
            lat.push(performance.now() - s);
          }
        }),
      );
      const secs = (performance.now() - t0) / 1000;
      out.push({
        mode,
        concurrency: c,
        programs: programs.length,
        passed: ok,
        programsPerS: round1(programs.length / secs),
        p50Ms: Math.round(quantile(lat, 0.5)),
        p99Ms: Math.round(quantile(lat, 0.99)),
      });
    }
  }
  return out;
}

const server = await startServer();
try {
  const load0 = os.loadavg();
  const math = await benchMath(server.url);
  const code = args.includes("--skip-code") ? [] : await benchCode(server.url);
  console.log(
    JSON.stringify(
      { cores: os.availableParallelism(), workers: WORKERS, rounds: ROUNDS, loadavgStart: load0.map(round1), loadavgEnd: os.loadavg().map(round1), math, code },
      null,
      2,
    ),
  );
} finally {
  server.stop();
}
