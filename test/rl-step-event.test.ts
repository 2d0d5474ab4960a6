// The per-step event a progress line or a live dashboard subscribes to: after every step, its
// metrics (the same object metrics.jsonl is written from) and one sample trace per difficulty.
import { describe, expect, it } from "vitest";
import { resolveTrainConfig } from "../src/rl/config.js";
import { train, type StepEvent } from "../src/rl/trainer.js";
import { tempDir } from "./rl-fixtures.js";

describe("train's step event", () => {
  it("hands every step's metrics and one trace per difficulty to onStep", async () => {
    const cfg = resolveTrainConfig({
      model: "models/base",
      output_dir: await tempDir("rl-event"),
      steps: 2,
      batch_size: 32,
      num_generations: 4,
      min_difficulty: 1,
      max_difficulty: 3,
      max_completion_length: 24,
      dynamic_sampling: false,
    });
    const events: StepEvent[] = [];
    const res = await train(cfg, { onStep: (_m, _c, e) => events.push(e) });
    expect(events.map((e) => [e.step, e.steps])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    events.forEach((e, i) => expect(e.metrics).toBe(res.history[i]));
    for (const e of events) {
      const levels = e.traces.map((t) => t.difficulty);
      expect(levels).toEqual([...levels].sort((a, b) => (a ?? 0) - (b ?? 0)));
      expect(new Set(levels).size).toBe(levels.length);
      expect(levels.length).toBeGreaterThan(0);
      for (const t of e.traces) {
        expect(t.prompt).toMatch(/^\d+\+\d+=$/);
        expect(typeof t.text).toBe("string");
        expect(t.correct).toBe(t.reward !== null && t.reward >= 1);
      }
    }
  });
});
