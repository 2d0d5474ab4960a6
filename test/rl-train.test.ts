// GRPO end to end on a tiny real model: reward rises on an easy task; metrics carry TRL's names;
// a diverging loss stops the run keeping the last good checkpoint; a verifier error scores null.
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EmbeddedPolicy } from "../src/backends/embedded.js";
import { resolveTrainConfig } from "../src/rl/config.js";
import { checkpointStep, train, TrainingDivergedError } from "../src/rl/trainer.js";
import { addition } from "../src/tasks/generators/addition.js";
import { registerTask, hasTask } from "../src/tasks/registry.js";
import type { TaskGenerator } from "../src/tasks/task-generator.js";
import type { Problem } from "../src/types.js";
import { tempDir, tinyBase } from "./rl-fixtures.js";

let base = "";
beforeAll(async () => {
  // Scratchpads only, with many uncaught slips: the base model is right about half the time.
  base = await tinyBase(path.join(await tempDir("rl-base"), "base"), 1000, { directRate: 0, slipRate: 0.4, catchRate: 0 });
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("GRPO on a tiny model", () => {
  it("raises the reward on 1-digit addition and logs TRL-named metrics", async () => {
    const out = await tempDir("rl-train");
    const cfg = resolveTrainConfig({
      model: base,
      output_dir: out,
      steps: 30,
      batch_size: 128,
      num_generations: 8,
      max_difficulty: 1,
      max_completion_length: 16,
      learning_rate: 5e-4,
      save_steps: 10,
    });
    const res = await train(cfg);
    const rewards = res.history.map((m) => Number(m.reward));
    expect(res.steps).toBe(30);
    expect(mean(rewards.slice(-10))).toBeGreaterThan(mean(rewards.slice(0, 3)) + 0.05);
    const lines = (await readFile(path.join(out, "metrics.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(lines.map((l) => l.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    for (const k of [
      "reward",
      "reward_std",
      "rewards/accuracy/mean",
      "frac_reward_zero_std",
      "completions/mean_length",
      "completions/clipped_ratio",
      "kl",
      "entropy",
      "clip_ratio/low_mean",
      "clip_ratio/high_mean",
      "clip_ratio/region_mean",
      "accuracy/d1",
      "thinking/mean_tokens/d1",
      "thinking/self_check_rate",
    ]) {
      expect(lines[29], k).toHaveProperty([k]);
    }
    expect(lines[29].entropy).toBeGreaterThan(0);
    expect(await checkpointStep(res.checkpoint)).toBe(30);
    // trainer_state.json in Hugging Face Trainer's schema; log_history under the names metrics.jsonl has.
    const state = JSON.parse(await readFile(path.join(res.checkpoint, "trainer_state.json"), "utf8")) as Record<string, unknown> & {
      log_history: Record<string, number>[];
    };
    expect(state).toMatchObject({ global_step: 30, max_steps: 30, save_steps: 10, train_batch_size: 128, best_metric: null });
    expect(state.log_history.map((r) => r.step)).toEqual(lines.map((l) => l.step));
    expect(state.log_history[29]).toEqual(lines[29]);
    const saved = JSON.parse(await readFile(path.join(out, "config.json"), "utf8")) as Record<string, unknown>;
    expect(saved.learning_rate).toBe(5e-4);
  });

  it("stops on a non-finite loss, keeping the last good checkpoint", async () => {
    const out = await tempDir("rl-nan");
    const cfg = resolveTrainConfig({
      model: base,
      output_dir: out,
      steps: 6,
      batch_size: 32,
      num_generations: 4,
      max_difficulty: 1,
      max_completion_length: 16,
      save_steps: 2,
      dynamic_sampling: false,
    });
    let calls = 0;
    const loadPolicy = async (dir: string) => {
      const p = await EmbeddedPolicy.load(dir);
      const real = p.accumulateGradients.bind(p);
      // A fault from step 3 on: the loss turns NaN (as with an overflow).
      p.accumulateGradients = async (seqs, fn) => (++calls >= 3 ? NaN : real(seqs, fn));
      return p;
    };
    const err = await train(cfg, { loadPolicy }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingDivergedError);
    expect((err as Error).message).toMatch(/step 3: the loss is NaN; training stopped\. The last good checkpoint is .*checkpoint/);
    expect(await checkpointStep(path.join(out, "checkpoint"))).toBe(2);
    await EmbeddedPolicy.load(path.join(out, "checkpoint")); // intact
  });

  it("scores a verifier error as null, logs it, and keeps training", async () => {
    const name = "addition-flaky-verifier";
    if (!hasTask(name)) {
      const flaky: TaskGenerator = {
        ...addition,
        name,
        generate: (n, o) =>
          addition.generate(n, o).map((p, i): Problem => ({
            ...p,
            verifier: i % 2 === 0 ? p.verifier : { name: "flaky", verify: () => Promise.reject(new Error("sandbox crashed")) },
          })),
      };
      registerTask(flaky);
    }
    const out = await tempDir("rl-null");
    const cfg = resolveTrainConfig({
      model: base,
      output_dir: out,
      task: name,
      steps: 2,
      batch_size: 32,
      num_generations: 4,
      max_difficulty: 1,
      max_completion_length: 16,
    });
    const errors: string[] = [];
    const res = await train(cfg, { onRewardError: (fn, msg) => errors.push(`${fn}: ${msg}`) });
    expect(res.steps).toBe(2);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/accuracy: .*sandbox crashed/);
    expect(Number(res.history[0].reward_null_count)).toBeGreaterThan(0);
    expect(Number.isFinite(Number(res.history[0].reward))).toBe(true);
  });
});
