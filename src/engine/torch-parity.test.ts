// The engine's logits against an independent PyTorch implementation (bench/torch_ref.py):
// random checkpoints written by saveCheckpoint (grouped-query heads, tied embeddings, multi-query),
// loaded back by loadCheckpoint, must give the same logits to 1e-4. Skipped, with a visible reason,
// when /usr/bin/python3 cannot import torch (install Debian's python3-torch and libopenblas0-pthread).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Activations } from "./activations.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import { validateConfig } from "./config.js";
import { forward } from "./forward.js";
import { getKernels, tsKernels } from "./kernels/index.js";
import type { Kernels } from "./kernels/types.js";
import { Model } from "./model.js";
import { XoshiroRng } from "../core/rng.js";
import { Tokenizer } from "./tokenizer.js";

/** Debian's interpreter (where python3-torch installs); SCRATCHPAD_TORCH_PYTHON overrides it. */
const PYTHON = process.env.SCRATCHPAD_TORCH_PYTHON ?? "/usr/bin/python3";
const TORCH_REF = path.resolve(fileURLToPath(new URL("../../bench/torch_ref.py", import.meta.url)));

/** Why the PyTorch reference cannot run here, or null when it can. */
function torchUnavailable(): string | null {
  if (!existsSync(TORCH_REF)) return `${TORCH_REF} is missing (bench/torch_ref.py ships in the repository)`;
  const r = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (r.error) return `${PYTHON} cannot run (${r.error.message})`;
  if (r.status !== 0) return `${PYTHON} cannot import torch (apt-get install python3-torch libopenblas0-pthread): ${r.stderr.trim().split("\n").pop()}`;
  return null;
}

const skipReason = torchUnavailable();
if (skipReason) console.warn(`SKIPPED torch parity tests: ${skipReason}`);

/** The reference's logits for a checkpoint folder and tokens. */
function torchLogits(dir: string, tokens: number[]): number[][] {
  const out = execFileSync(PYTHON, [TORCH_REF, "logits", "--model", dir, "--tokens", tokens.join(",")], { encoding: "utf8", maxBuffer: 1 << 28 });
  return (JSON.parse(out) as { logits: number[][] }).logits;
}

/** Our logits [T][V] with the given kernels. */
function ourLogits(model: Model, K: Kernels, tokens: number[]): Float32Array[] {
  const acts = new Activations(model.config, false);
  acts.ensure(1, tokens.length);
  acts.tokens.set(tokens);
  forward(model, K, acts, 1, tokens.length, true);
  const V = model.config.vocab_size;
  return tokens.map((_, t) => acts.logits.slice(t * V, (t + 1) * V));
}

/** Largest absolute difference, and largest reference magnitude (to show the test is not trivial). */
function compare(ours: Float32Array[], ref: number[][]): { maxDiff: number; maxAbs: number } {
  let maxDiff = 0,
    maxAbs = 0;
  expect(ours.length).toBe(ref.length);
  ref.forEach((row, t) => {
    expect(ours[t].length).toBe(row.length);
    row.forEach((x, v) => {
      maxDiff = Math.max(maxDiff, Math.abs(x - ours[t][v]));
      maxAbs = Math.max(maxAbs, Math.abs(x));
    });
  });
  return { maxDiff, maxAbs };
}

const tokenizer = Tokenizer.create({ words: ["wait"] });
const cases = [
  { name: "grouped-query heads (4 query, 2 kv), untied", cfg: { num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: false } },
  { name: "tied word embeddings", cfg: { num_attention_heads: 4, num_key_value_heads: 4, tie_word_embeddings: true } },
  {
    name: "multi-query (8 query, 1 kv), tied, rope_theta 500",
    cfg: { num_attention_heads: 8, num_key_value_heads: 1, tie_word_embeddings: true, rope_theta: 500 },
  },
];

describe.skipIf(skipReason !== null)("logits match the PyTorch reference (torch_ref.py) to 1e-4", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "parity-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  cases.forEach((c, i) => {
    it(c.name, async () => {
      const config = validateConfig({
        vocab_size: 112,
        hidden_size: 64,
        num_hidden_layers: 2,
        intermediate_size: 96,
        max_position_embeddings: 64,
        rms_norm_eps: 1e-5,
        ...c.cfg,
      });
      // A larger init than 0.02 and norm weights away from 1, so that logits are far from zero
      // and every weight matters.
      const model = Model.init(config, 100 + i, 0.15);
      const r = new XoshiroRng(7, i);
      for (const t of model.tensors()) if (t.shape.length === 1) for (let j = 0; j < t.data.length; j++) t.data[j] = 1 + 0.3 * r.normal();
      const d = path.join(dir, `case${i}`);
      await saveCheckpoint(d, { model, tokenizer });
      const loaded = (await loadCheckpoint(d)).model;
      const tokens = tokenizer.encode("<think>12+30=42, wait: 2+0=2 and 1+3=4</think> 42").concat([108, 111]);
      expect(tokens.length).toBeGreaterThan(30);
      const ref = torchLogits(d, tokens);
      const kernelSets = [tsKernels, getKernels()].filter((k, j, all) => all.indexOf(k) === j);
      for (const K of kernelSets) {
        const { maxDiff, maxAbs } = compare(ourLogits(loaded, K, tokens), ref);
        expect(maxAbs, "reference logits should not be trivially small").toBeGreaterThan(1);
        expect(maxDiff, `${K.name} kernels: max |ours - torch| over ${tokens.length}×${config.vocab_size} logits`).toBeLessThan(1e-4);
      }
    });
  });
});

// Keep a visible trace in the test report when the suite above is skipped.
if (skipReason !== null) {
  describe("torch parity", () => {
    it.skip(`skipped: ${skipReason}`, () => undefined);
  });
}
