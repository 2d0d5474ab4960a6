// Difficulty specs: parsing the CLI forms, validating against a range, sampling a weighted mix.
import { describe, expect, it } from "vitest";
import { Rng } from "../core/rng.js";
import { formatDifficulty, parseDifficulty, sampleDifficulty, validateDifficulty } from "./difficulty.js";

describe("difficulty specs", () => {
  const range = { min: 1, max: 5, default: 2, meaning: "digits" };
  it("parses the CLI forms", () => {
    expect(parseDifficulty("3")).toBe(3);
    expect(parseDifficulty("2.5")).toBe(2.5);
    expect(parseDifficulty("1-4")).toEqual({ min: 1, max: 4 });
    expect(parseDifficulty("1,3")).toEqual([1, 3]);
    expect(parseDifficulty("1:0.2,3:0.8")).toEqual({
      mix: [
        { difficulty: 1, weight: 0.2 },
        { difficulty: 3, weight: 0.8 },
      ],
    });
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
    for (let i = 0; i < 2000; i++)
      if (
        sampleDifficulty(
          {
            mix: [
              { difficulty: 1, weight: 1 },
              { difficulty: 3, weight: 3 },
            ],
          },
          r,
        ) === 3
      )
        threes++;
    expect(threes / 2000).toBeGreaterThan(0.7);
    expect(threes / 2000).toBeLessThan(0.8);
  });
});
