// Tests of the training config: defaults, overrides, and errors that name the key and the fix.
import { describe, expect, it } from "vitest";
import { defaultTrainConfig, learningRateAt, resolveTrainConfig, TRAIN_CONFIG_SCHEMA, TrainConfigError } from "./config.js";

const err = (f: () => unknown): TrainConfigError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TrainConfigError);
    return e as TrainConfigError;
  }
  throw new Error("expected a TrainConfigError");
};

describe("resolveTrainConfig", () => {
  it("fills defaults, applies layers in order, and parses CLI strings", () => {
    const c = resolveTrainConfig({ steps: 5, loss_type: "grpo" }, { steps: "7", "learning-rate": "1e-3", dynamic_sampling: "false" });
    expect(c.steps).toBe(7);
    expect(c.loss_type).toBe("grpo");
    expect(c.learning_rate).toBe(1e-3);
    expect(c.dynamic_sampling).toBe(false);
    expect(c.num_generations).toBe(defaultTrainConfig().num_generations);
  });

  it("rejects unknown keys, naming the closest known key", () => {
    const e = err(() => resolveTrainConfig({ learning_rat: 1e-3 }));
    expect(e.field).toBe("learning_rat");
    expect(e.message).toMatch(/unknown config key "learning_rat"; did you mean "learning_rate"\?/);
    expect(err(() => resolveTrainConfig({ "num-generation": 4 })).message).toMatch(/did you mean "num_generations"/);
  });

  it("rejects a batch that is not a whole number of groups, suggesting sizes", () => {
    const e = err(() => resolveTrainConfig({ batch_size: 30, num_generations: 8 }));
    expect(e.field).toBe("batch_size");
    expect(e.message).toMatch(/must be a multiple of num_generations \(8\): use batch_size 24 or 32/);
  });

  it("rejects groups of fewer than two completions", () => {
    const e = err(() => resolveTrainConfig({ num_generations: 1, batch_size: 8 }));
    expect(e.field).toBe("num_generations");
    expect(e.message).toMatch(/must be ≥ 2/);
  });

  it("rejects wrong types, enums and ranges with the allowed values", () => {
    expect(err(() => resolveTrainConfig({ loss_type: "ppo" })).message).toMatch(/one of grpo, dapo, dr_grpo/);
    expect(err(() => resolveTrainConfig({ steps: 2.5 })).message).toMatch(/whole number/);
    expect(err(() => resolveTrainConfig({ learning_rate: 0 })).message).toMatch(/must be > 0/);
    expect(err(() => resolveTrainConfig({ dynamic_sampling: "yes" })).message).toMatch(/true or false/);
    expect(err(() => resolveTrainConfig({ epsilon: 0.3, epsilon_high: 0.2 })).message).toMatch(/epsilon_high .* is below epsilon/);
    expect(err(() => resolveTrainConfig({ min_difficulty: 4, max_difficulty: 2 })).message).toMatch(/swap them/);
  });

  it("rejects a length penalty that would let a wrong answer beat a right one, and too large a no-thinking bonus", () => {
    const e = err(() => resolveTrainConfig({ length_penalty: 0.02, max_completion_length: 64 }));
    expect(e.field).toBe("length_penalty");
    expect(e.message).toMatch(/must be below accuracy_weight \(1\).*lower length_penalty/);
    expect(resolveTrainConfig({ length_penalty: 0.01, max_completion_length: 64 }).length_penalty).toBe(0.01);
    expect(err(() => resolveTrainConfig({ direct_answer_bonus: 0.8 })).field).toBe("direct_answer_bonus");
  });

  it("has no key that the command line would read as a negated flag", () => {
    // commander turns --no-foo into foo = false, so a key named no_foo could never be set by flag.
    expect(Object.keys(TRAIN_CONFIG_SCHEMA).filter((k) => k.startsWith("no_"))).toEqual([]);
  });

  it("learning-rate schedule: warmup then cosine to 0 (the engine's schedule with a floor of 0)", () => {
    const c = resolveTrainConfig({ steps: 10, warmup_steps: 2, lr_scheduler: "cosine", learning_rate: 1 });
    expect(learningRateAt(c, 0)).toBeCloseTo(0.5);
    expect(learningRateAt(c, 2)).toBeCloseTo(1);
    expect(learningRateAt(c, 6)).toBeCloseTo(0.5);
  });
});

describe("TRL names and config files", () => {
  it("accepts TRL / Hugging Face names, echoing each to its canonical key", async () => {
    const { resolveTrainLayers } = await import("./config.js");
    const notes: string[] = [];
    const c = resolveTrainLayers(
      [{ source: "object", values: { max_steps: 7, per_device_train_batch_size: 16, lr_scheduler_type: "cosine", num_generations: 4 } }],
      { onNote: (l) => notes.push(l) },
    );
    expect([c.steps, c.batch_size, c.lr_scheduler]).toEqual([7, 16, "cosine"]);
    expect(notes).toEqual(["note: max_steps → steps", "note: per_device_train_batch_size → batch_size", "note: lr_scheduler_type → lr_scheduler"]);
    // The same names through the object API, and a suggestion that now names the canonical key.
    expect(resolveTrainConfig({ max_steps: 3 }).steps).toBe(3);
    expect(err(() => resolveTrainConfig({ max_step: 3 })).message).toMatch(/did you mean "steps"\?/);
  });
});
