// Typed step metrics: flattened to TRL's names only when written, in metrics.jsonl's order, and read back.
import { describe, expect, it } from "vitest";
import { flattenMetrics, parseMetrics, type StepMetrics } from "./metrics.js";

const step: StepMetrics = {
  step: 3,
  reward: 0.5,
  reward_std: 0.25,
  rewards: { accuracy: { mean: 0.5, std: 0.5 } },
  frac_reward_zero_std: 0.125,
  reward_null_count: 0,
  completions: { mean_length: 12, min_length: 4, max_length: 16, clipped_ratio: 0.0625, mean_terminated_length: 11 },
  accuracy: 0.5,
  thinking: { mean_tokens: 7.5, rate: 0.75, self_check_rate: 0.1 },
  by_difficulty: [
    { difficulty: 1, accuracy: 0.75, thinking_mean_tokens: 5, thinking_rate: 0.5 },
    { difficulty: 2, accuracy: 0.25, thinking_mean_tokens: 10, thinking_rate: 1 },
  ],
  learning_rate: 2e-4,
  sampling_rounds: 1,
  groups_kept: 16,
  groups_dropped: 5,
  batch_filled: 1,
  loss: 0.01,
  grad_norm: 0.3,
  policy: { kl: 0.002, entropy: 1.1, clip_ratio: { low_mean: 0.01, high_mean: 0.02, region_mean: 0.03 } },
  num_tokens: 4096,
  time: { step_s: 1.5, elapsed_s: NaN },
};

describe("step metrics", () => {
  it("flatten to TRL's names in the order metrics.jsonl has always had (NaN → null)", () => {
    const f = flattenMetrics(step);
    expect(Object.keys(f)).toEqual([
      "step",
      "reward",
      "reward_std",
      "rewards/accuracy/mean",
      "rewards/accuracy/std",
      "frac_reward_zero_std",
      "reward_null_count",
      "completions/mean_length",
      "completions/min_length",
      "completions/max_length",
      "completions/clipped_ratio",
      "completions/mean_terminated_length",
      "accuracy",
      "thinking/mean_tokens",
      "thinking/rate",
      "thinking/self_check_rate",
      "accuracy/d1",
      "thinking/mean_tokens/d1",
      "thinking/rate/d1",
      "accuracy/d2",
      "thinking/mean_tokens/d2",
      "thinking/rate/d2",
      "learning_rate",
      "sampling_rounds",
      "groups_kept",
      "groups_dropped",
      "batch_filled",
      "loss",
      "grad_norm",
      "kl",
      "entropy",
      "clip_ratio/low_mean",
      "clip_ratio/high_mean",
      "clip_ratio/region_mean",
      "num_tokens",
      "time/step_s",
      "time/elapsed_s",
    ]);
    expect(f["clip_ratio/high_mean"]).toBe(0.02);
    expect(f["thinking/mean_tokens/d2"]).toBe(10);
    expect(f["time/elapsed_s"]).toBeNull();
  });

  it("read back from the written form, a step without an update has no kl/entropy/clip_ratio", () => {
    expect(parseMetrics(flattenMetrics(step))).toEqual(step);
    const { policy: _p, ...noUpdate } = step;
    const f = flattenMetrics(noUpdate);
    expect(f).not.toHaveProperty("kl");
    expect(parseMetrics(f)).toEqual(noUpdate);
  });
});
