// Curriculum: stepping by accuracy and by batches, replay of lower levels, resumable state.
import { describe, expect, it } from "vitest";
import { Curriculum } from "./curriculum.js";

describe("Curriculum", () => {
  it("promotes when window accuracy passes the threshold, and demotes below demoteBelow", () => {
    const c = new Curriculum({ task: "addition", start: 1, window: 8, threshold: 0.75, demoteBelow: 0.25, max: 4 });
    expect(c.difficulty).toBe(1);
    expect(c.record([true, true, true, false])).toBeNull(); // window not full yet
    const up = c.record([true, true, true, false]);
    expect(up).toMatchObject({ from: 1, to: 2, accuracy: 0.75, batch: 2 });
    expect(c.difficulty).toBe(2);
    expect(c.record(Array(8).fill(false))).toMatchObject({ from: 2, to: 1 });
    for (let i = 0; i < 10; i++) c.record(Array(8).fill(true));
    expect(c.difficulty).toBe(4); // clamped at max
    expect(c.history.map((e) => e.to)).toEqual([2, 1, 2, 3, 4]);
  });

  it("steps every K batches in steps mode, with fractional steps", () => {
    const c = new Curriculum({ task: "addition", mode: "steps", everySteps: 3, step: 0.5, start: 1 });
    for (let i = 0; i < 9; i++) c.record([false]);
    expect(c.difficulty).toBe(2.5);
    const batch = c.sample(400);
    const levels = new Set(batch.map((p) => p.difficulty));
    expect(levels).toEqual(new Set([2, 3]));
  });

  it("hands out fresh problems each batch, at the current level plus replay", () => {
    const c = new Curriculum({ task: "addition", start: 4, min: 1, replay: 0.3, seed: 9 });
    const a = c.sample(300);
    const b = c.sample(10);
    expect(new Set([...a, ...b].map((p) => p.id)).size).toBe(310);
    const fourth = a.filter((p) => p.difficulty === 4).length / a.length;
    expect(fourth).toBeGreaterThan(0.6);
    expect(fourth).toBeLessThan(0.8);
    expect(a.every((p) => p.difficulty! >= 1 && p.difficulty! <= 4)).toBe(true);
    // replayed (lower-level) results do not count towards accuracy
    const c2 = new Curriculum({ task: "addition", start: 3, window: 2 });
    expect(
      c2.record([
        { correct: true, difficulty: 1 },
        { correct: true, difficulty: 2 },
      ]),
    ).toBeNull();
    expect(
      c2.record([
        { correct: true, difficulty: 3 },
        { correct: true, difficulty: 3 },
      ]),
    ).toMatchObject({ to: 4 });
  });

  it("resumes from a saved state", () => {
    const opts = { task: "sorting", window: 4, seed: 3 } as const;
    const c = new Curriculum(opts);
    c.sample(5);
    c.record([true, true, true, true]);
    const saved = JSON.parse(JSON.stringify(c.state()));
    const resumed = new Curriculum(opts, saved);
    expect(resumed.difficulty).toBe(c.difficulty);
    expect(resumed.sample(3).map((p) => p.id)).toEqual(c.sample(3).map((p) => p.id));
  });

  it("rejects bad options with a message naming the fix", () => {
    expect(() => new Curriculum({ task: "addition", threshold: 2 })).toThrow(/threshold must be in \(0, 1\]/);
    expect(() => new Curriculum({ task: "addition", max: 99 })).toThrow(/min\/max must be integers in 1..20/);
    expect(() => new Curriculum({ task: "nope" })).toThrow(/unknown task "nope"/);
  });
});
