// Dynamic sampling in the trainer: groups kept and dropped are in every step's metrics; a batch the
// rounds cannot fill trains on what it has with one warning (underfilled_batch: warn, the default)
// or stops with DynamicSamplingError naming the fix (underfilled_batch: error, as veRL raises).
import { describe, expect, it } from "vitest";
import { resolveTrainConfig } from "../src/rl/config.js";
import { DynamicSamplingError } from "../src/rl/sampling.js";
import { train } from "../src/rl/trainer.js";
import { tempDir } from "./rl-fixtures.js";

// 1-digit sums: the base model is almost always right, so most groups have all-equal rewards.
const easy = async (over: Record<string, unknown>) =>
  resolveTrainConfig({
    model: "models/base",
    output_dir: await tempDir("rl-dyn"),
    steps: 2,
    batch_size: 16,
    num_generations: 4,
    max_difficulty: 1,
    max_completion_length: 12,
    dynamic_sampling: true,
    max_sampling_rounds: 1,
    ...over,
  });

describe("dynamic sampling in the trainer", () => {
  it("warns once and records groups kept/dropped when the batch cannot be filled", async () => {
    const warnings: string[] = [];
    const res = await train(await easy({}), { onWarning: (w) => warnings.push(w) });
    for (const m of res.history) {
      expect(m.groups_kept + m.groups_dropped).toBe(4);
      expect(m.batch_filled).toBe(m.groups_kept === 4 ? 1 : 0);
    }
    const underfilled = res.history.filter((m) => m.batch_filled === 0).length;
    expect(underfilled).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/dynamic sampling kept \d of 4 groups after 1 rounds .* Raise max_sampling_rounds or oversample_factor/);
  });

  it("stops with DynamicSamplingError under underfilled_batch: error", async () => {
    const err = await train(await easy({ underfilled_batch: "error" })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DynamicSamplingError);
    expect((err as DynamicSamplingError).code).toBe("dynamic_sampling_underfilled");
    expect((err as Error).message).toMatch(/step 1: dynamic sampling kept \d of the 4 groups the batch needs after 1 rounds/);
  });
});
