// Unit tests of group-relative advantages against hand-computed values.
import { describe, expect, it } from "vitest";
import { computeAdvantages, meanStd } from "./advantages.js";

describe("computeAdvantages", () => {
  const rewards = [1, 0, 0, 1, 1, 1, 1, 1];

  it("GRPO: scales by the group's unbiased std (+1e-4)", () => {
    const { advantages, groupMean, groupStd } = computeAdvantages(rewards, 4, "group");
    // group 1: mean 0.5, std sqrt(1/3) = 0.577350; 0.5 / 0.577450 = 0.865876
    expect(groupMean[0]).toBeCloseTo(0.5, 12);
    expect(groupStd[0]).toBeCloseTo(0.5773503, 6);
    expect(Array.from(advantages.slice(0, 4))).toEqual([0.865876, -0.865876, -0.865876, 0.865876].map((x) => expect.closeTo(x, 5)));
    // group 2: all equal → std 0 → advantages 0
    expect(Array.from(advantages.slice(4))).toEqual([0, 0, 0, 0]);
  });

  it("batch scaling divides by the std of the whole batch", () => {
    const { advantages } = computeAdvantages(rewards, 4, "batch");
    // batch: mean 0.75, unbiased var 1.5/7 → std 0.462910; 0.5 / 0.463010 = 1.079890
    expect(advantages[0]).toBeCloseTo(1.07989, 4);
    expect(advantages[1]).toBeCloseTo(-1.07989, 4);
    expect(advantages[5]).toBe(0);
  });

  it("Dr. GRPO ('none') only subtracts the group mean", () => {
    const { advantages } = computeAdvantages([3, 1, 2, 2], 2, "none");
    expect(Array.from(advantages)).toEqual([1, -1, 0, 0]);
  });

  it("null rewards take no part and get advantage 0", () => {
    const { advantages, groupMean } = computeAdvantages([1, null, 0], 3, "group");
    expect(groupMean[0]).toBe(0.5);
    // std of {1, 0} = sqrt(0.5) = 0.707107; 0.5 / 0.707207 = 0.707007
    expect(advantages[0]).toBeCloseTo(0.707007, 5);
    expect(advantages[1]).toBe(0);
    expect(advantages[2]).toBeCloseTo(-0.707007, 5);
  });

  it("rejects a batch that is not whole groups", () => {
    expect(() => computeAdvantages([1, 0, 1], 2, "group")).toThrow(/not a whole number of groups of 2/);
  });

  it("meanStd is Bessel-corrected", () => {
    expect(meanStd([2, 4, 4, 4, 5, 5, 7, 9]).std).toBeCloseTo(2.13809, 5);
  });
});
