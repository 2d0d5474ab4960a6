// Training survives what the loaders survive, and refuses what no run should start from: a save
// interrupted between its two renames is resumed (not restarted at step 1), a checkpoint whose
// weights are NaN is refused naming the tensor, and absurd config.json sizes are refused naming the
// field (instead of "Invalid typed array length" or a V8 heap abort).
import { cp, readFile, rename, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../src/engine/checkpoint.js";
import { validateConfig } from "../src/engine/config.js";
import { resolveTrainConfig } from "../src/rl/config.js";
import { checkpointStep, train } from "../src/rl/trainer.js";
import { tempDir } from "./rl-fixtures.js";

const tiny = (out: string, steps: number) =>
  resolveTrainConfig({
    model: "models/base",
    output_dir: out,
    steps,
    batch_size: 8,
    num_generations: 4,
    max_difficulty: 2,
    max_completion_length: 12,
    save_steps: 1,
    dynamic_sampling: false,
  });

describe("train resumes a save interrupted between its renames", () => {
  it("puts the .checkpoint.old-* backup back and continues from its step", async () => {
    const out = await tempDir("rl-recover");
    await train(tiny(out, 2));
    const ck = path.join(out, "checkpoint");
    expect(await checkpointStep(ck)).toBe(2);
    // The state a kill between "old → backup" and "temp → checkpoint" leaves (pid 999999: not running).
    await rename(ck, path.join(out, ".checkpoint.old-999999-x"));
    const res = await train(tiny(out, 3));
    expect(res.resumedFrom).toBe(2);
    expect(res.history.map((m) => m.step)).toEqual([1, 2, 3]);
    expect(await checkpointStep(ck)).toBe(3);
  });
});

describe("checkpoints that cannot be trusted are refused", () => {
  it("refuses non-finite weights, naming the tensor", async () => {
    const dir = path.join(await tempDir("rl-nan-weights"), "model");
    const ck = await loadCheckpoint("models/base");
    ck.model.w.layers[2].down[7] = Number.NaN;
    await saveCheckpoint(dir, { model: ck.model, tokenizer: ck.tokenizer });
    await expect(loadCheckpoint(dir)).rejects.toThrow(/model\.layers\.2\.mlp\.down_proj\.weight holds a non-finite value \(NaN\) at index 7/);
    // training from it stops before the first step, with the same message
    await expect(train({ ...tiny(path.join(dir, "..", "run"), 1), model: dir })).rejects.toThrow(/down_proj\.weight holds a non-finite value/);
  });

  it("refuses absurd config.json sizes, naming the field", async () => {
    const raw = JSON.parse(await readFile("models/base/config.json", "utf8")) as Record<string, unknown>;
    expect(() => validateConfig({ ...raw, hidden_size: 2 ** 20 * 128, num_attention_heads: 4 })).toThrow(
      /config field "hidden_size": 134217728 is larger than this engine supports \(at most 65536\)/,
    );
    expect(() => validateConfig({ ...raw, vocab_size: 1e9 })).toThrow(/config field "vocab_size"/);
    expect(() => validateConfig({ ...raw, num_hidden_layers: 1000, hidden_size: 8192, num_attention_heads: 64, intermediate_size: 32768 })).toThrow(
      /config field "num_hidden_layers": the model would have \d+ parameters/,
    );
    expect(() => validateConfig({ ...raw, max_position_embeddings: 2 ** 20, hidden_size: 4096, num_attention_heads: 4 })).toThrow(
      /config field "max_position_embeddings"/,
    );
    // the same through a checkpoint folder: an error naming the field, not a typed-array RangeError
    const dir = path.join(await tempDir("rl-absurd"), "model");
    await cp("models/base", dir, { recursive: true });
    await writeFile(path.join(dir, "config.json"), JSON.stringify({ ...raw, intermediate_size: 2 ** 30 }));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/intermediate_size/);
    await expect(loadCheckpoint(dir)).rejects.not.toThrow(/Invalid typed array length/);
  });
});
