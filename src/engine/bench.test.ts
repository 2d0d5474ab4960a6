// Tests of the engine benchmark: config validation against torch_ref.py's fields, and a real (tiny,
// sub-second) run that reports every key torch_ref.py reports, with the parameter count of the model
// and one run per thread setting. Speed itself is a benchmark (BENCHMARKS.md), never asserted here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BenchConfigError, DEFAULT_BENCH_CONFIG, resolveBenchConfig, runBench } from "./bench.js";
import { tsKernels } from "./kernels/ts.js";

const TINY = {
  vocab: 16,
  d_model: 16,
  n_layers: 1,
  n_heads: 2,
  n_kv_heads: 1,
  d_ff: 24,
  ctx: 16,
  train_batch: 2,
  gen_batch: 3,
  prompt_len: 4,
  gen_len: 6,
  seconds: 0.05,
};

describe("bench config", () => {
  it("has torch_ref.py's defaults (0.87 M parameters, ctx 256)", () => {
    const c = resolveBenchConfig({});
    expect(c).toEqual(DEFAULT_BENCH_CONFIG);
    expect(c).toMatchObject({
      vocab: 64,
      d_model: 128,
      n_layers: 4,
      n_heads: 4,
      d_ff: 384,
      ctx: 256,
      train_batch: 32,
      gen_batch: 64,
      prompt_len: 32,
      gen_len: 224,
      threads: null,
    });
  });

  it("rejects unknown fields, bad values and inconsistent shapes with the field's name", () => {
    expect(() => resolveBenchConfig({ dmodel: 3 })).toThrow(BenchConfigError);
    expect(() => resolveBenchConfig({ dmodel: 3 })).toThrow(/unknown bench config field "dmodel"/);
    expect(() => resolveBenchConfig({ ctx: 0 })).toThrow(/"ctx" must be a positive integer/);
    expect(() => resolveBenchConfig({ threads: 0 })).toThrow(/"threads" must be a positive integer or null/);
    expect(() => resolveBenchConfig({ prompt_len: 200, gen_len: 100 })).toThrow(/exceeds ctx = 256/);
    expect(() => resolveBenchConfig({ n_heads: 3 })).toThrow(/does not give a valid model/);
    expect(() => resolveBenchConfig([])).toThrow(/must be a JSON object/);
  });
});

describe("runBench", () => {
  it("measures training, sampling and GEMM and reports torch_ref.py's keys", () => {
    const r = runBench(TINY);
    for (const k of ["train_tokens_per_s", "gen_tokens_per_s", "params", "gemm_gflops", "train_flops_per_token", "config", "engine", "runs"]) {
      expect(r, `key ${k}`).toHaveProperty(k);
    }
    // embed 16×16 + block (norms 2×16, q 16×16, k/v 2×(8×16), o 16×16, gate/up 2×(24×16), down 16×24) + norm 16 + head 16×16
    const expected = 256 + (32 + 256 + 256 + 256 + 768 + 384) + 16 + 256;
    expect(r.params).toBe(expected);
    expect(r.train_flops_per_token).toBe(6 * expected);
    expect(r.train_tokens_per_s).toBeGreaterThan(0);
    expect(r.gen_tokens_per_s).toBeGreaterThan(0);
    expect(r.gemm_gflops).toBeGreaterThan(0);
    expect(r.runs.length).toBeGreaterThanOrEqual(1);
    expect(r.train_tokens_per_s).toBe(Math.max(...r.runs.map((x) => x.train_tokens_per_s)));
    expect(r.config.d_model).toBe(16);
  });

  it("runs the TypeScript kernels once (their speed does not depend on a thread setting)", () => {
    const r = runBench({ ...TINY, seconds: 0.02 }, { kernels: tsKernels });
    expect(r.kernels).toBe("ts");
    expect(r.runs.map((x) => x.threads)).toEqual([1]);
  });
});

describe("scratchpad bench (built CLI)", () => {
  const ROOT = path.resolve(__dirname, "../..");
  it("prints one JSON object with --json --config", () => {
    // dist/ is built once per run by vitest's global setup (test/global-setup.ts).
    expect(existsSync(path.join(ROOT, "dist/cli/bench.js"))).toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), "scratchpad-bench-"));
    try {
      const cfg = path.join(dir, "tiny.json");
      writeFileSync(cfg, JSON.stringify({ ...TINY, threads: 1 }));
      const res = spawnSync(process.execPath, [path.join(ROOT, "bin/scratchpad.js"), "bench", "--json", "--config", cfg], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(res.status, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout);
      expect(out.config.threads).toBe(1);
      expect(out.runs).toHaveLength(1);
      expect(out.gen_tokens_per_s).toBeGreaterThan(0);
      const bad = spawnSync(process.execPath, [path.join(ROOT, "bin/scratchpad.js"), "bench", "--config", path.join(dir, "missing.json")], {
        cwd: ROOT,
        encoding: "utf8",
      });
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/--config .*missing\.json/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
