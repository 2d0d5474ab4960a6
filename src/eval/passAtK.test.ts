// Tests of the sample-based estimators against hand-computed values and the binomial definition.
import { describe, expect, it } from "vitest";
import { majorityVote } from "../core/vote.js";
import { avgAtK, majAtK, passAtK } from "./passAtK.js";
import { meanWithCI, wilson } from "./stats.js";

function binom(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

describe("passAtK", () => {
  it("matches hand-computed values", () => {
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12);
    // 1 - C(7,5)/C(10,5) = 1 - 21/252
    expect(passAtK(10, 3, 5)).toBeCloseTo(1 - 21 / 252, 12);
    expect(passAtK(10, 0, 5)).toBe(0);
    expect(passAtK(10, 6, 5)).toBe(1); // fewer than k wrong samples: some pick is right
    expect(passAtK(8, 8, 8)).toBe(1);
  });
  it("equals the binomial definition and stays finite for large n", () => {
    for (const [n, c, k] of [
      [20, 4, 3],
      [50, 10, 10],
      [100, 1, 7],
    ]) {
      expect(passAtK(n, c, k)).toBeCloseTo(1 - binom(n - c, k) / binom(n, k), 10);
    }
    const big = passAtK(2000, 17, 100);
    expect(Number.isFinite(big) && big > 0 && big < 1).toBe(true);
  });
  it("rejects impossible counts with a clear error", () => {
    expect(() => passAtK(4, 5, 1)).toThrow(/0 ≤ c ≤ n/);
    expect(() => passAtK(4, 1, 8)).toThrow(/at least k samples/);
  });
});

describe("votes", () => {
  it("groups by key, ignores missing answers, breaks ties by first appearance", () => {
    const r = majorityVote([
      { key: null, correct: false },
      { key: "0.5", correct: true },
      { key: "3", correct: false },
      { key: "3", correct: false },
      { key: "0.5", correct: true },
    ]);
    expect(r.key).toBe("0.5"); // 2-2 tie: "0.5" appeared first
    expect(r.correct).toBe(true);
    expect(r.agreement).toBe(0.5);
    expect(
      majAtK([
        { key: "1", correct: false },
        { key: "2", correct: true },
        { key: "2", correct: true },
      ]),
    ).toBe(1);
    expect(
      majAtK(
        [
          { key: "1", correct: false },
          { key: "2", correct: true },
          { key: "2", correct: true },
        ],
        1,
      ),
    ).toBe(0);
  });
  it("weights votes", () => {
    const r = majorityVote([
      { key: "a", correct: false, weight: 0.2 },
      { key: "a", correct: false, weight: 0.2 },
      { key: "b", correct: true, weight: 0.9 },
    ]);
    expect(r.key).toBe("b");
  });
  it("avg@k is the fraction correct", () => {
    expect(avgAtK([true, false, false, true])).toBe(0.5);
  });
});

describe("intervals", () => {
  it("wilson matches the textbook value for 8/10", () => {
    const w = wilson(8, 10);
    expect(w.lo).toBeCloseTo(0.4902, 3);
    expect(w.hi).toBeCloseTo(0.9433, 3);
  });
  it("meanWithCI brackets the mean and narrows with more problems", () => {
    const small = meanWithCI([1, 0, 1, 1, 0, 1]);
    const large = meanWithCI(Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? 0 : 1)));
    expect(small.lo).toBeLessThan(small.mean);
    expect(small.hi).toBeGreaterThan(small.mean);
    expect(large.hi - large.lo).toBeLessThan(small.hi - small.lo);
    const allRight = meanWithCI([1, 1, 1, 1]);
    expect(allRight.hi).toBe(1);
    expect(allRight.lo).toBeLessThan(1);
  });
});
