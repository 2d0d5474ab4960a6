// The seeded PRNG and difficulty specs: reproducible streams, ranges, parsing.
import { describe, expect, it } from "vitest";
import { formatDifficulty, parseDifficulty, sampleDifficulty, validateDifficulty } from "./difficulty.js";
import { Rng, hashSeed } from "./rng.js";

describe("Rng", () => {
  it("is reproducible and seed-sensitive", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b.nextUint32()));
    // pinned: mulberry32(42) starts 0.6011037519..., and must never change (every task's problems would)
    expect(xs.slice(0, 3)).toEqual([2581720956, 1925393290, 3661312704]);
    expect(new Rng(43).nextUint32()).not.toBe(xs[0]);
    expect(hashSeed("a", 1)).not.toBe(hashSeed("a1"));
    expect(hashSeed("a", 1)).toBe(hashSeed("a", 1));
  });

  it("draws integers in range, uniform enough", () => {
    const r = new Rng(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) counts[r.int(0, 5)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    for (let i = 0; i < 100; i++) {
      const v = r.int(-3, 2 ** 40);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(2 ** 40);
    }
    expect(r.digits(12)).toMatch(/^[1-9]\d{11}$/);
    expect(r.shuffle([1, 2, 3, 4]).sort()).toEqual([1, 2, 3, 4]);
    expect(() => r.int(5, 1)).toThrow(RangeError);
  });
});

describe("difficulty specs", () => {
  const range = { min: 1, max: 5, default: 2, meaning: "digits" };
  it("parses the CLI forms", () => {
    expect(parseDifficulty("3")).toBe(3);
    expect(parseDifficulty("2.5")).toBe(2.5);
    expect(parseDifficulty("1-4")).toEqual({ min: 1, max: 4 });
    expect(parseDifficulty("1,3")).toEqual([1, 3]);
    expect(parseDifficulty("1:0.2,3:0.8")).toEqual({ mix: [{ difficulty: 1, weight: 0.2 }, { difficulty: 3, weight: 0.8 }] });
    expect(formatDifficulty(parseDifficulty("1:0.2,3:0.8"))).toBe("1:0.2,3:0.8");
    expect(() => parseDifficulty("hard")).toThrow(/cannot parse difficulty "hard"/);
  });
  it("validates against the range", () => {
    expect(() => validateDifficulty(6, range)).toThrow(/from 1 to 5 \(digits\)/);
    expect(() => validateDifficulty([1, 2.5], range)).toThrow(/integer/);
    expect(() => validateDifficulty({ mix: [{ difficulty: 2, weight: 0 }] }, range)).toThrow(/sum to 0/);
    expect(() => validateDifficulty({ min: 4, max: 2 }, range)).toThrow(/empty/);
  });
  it("samples a weighted mix in proportion", () => {
    const r = new Rng(5);
    let threes = 0;
    for (let i = 0; i < 2000; i++) if (sampleDifficulty({ mix: [{ difficulty: 1, weight: 1 }, { difficulty: 3, weight: 3 }] }, r) === 3) threes++;
    expect(threes / 2000).toBeGreaterThan(0.7);
    expect(threes / 2000).toBeLessThan(0.8);
  });
});
