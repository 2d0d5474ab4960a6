// Self-checking statistics on hand-written scratchpads (counts worked out by hand).
import { describe, expect, it } from "vitest";
import { parseScratchpadColumns, selfCheckStats } from "./selfcheck.js";

describe("self-checking statistics", () => {
  it("parses column steps, with carries, single digits and corrections", () => {
    expect(parseScratchpadColumns("7+5=12,4+8+1=13 wait 14,3=3,x=1")).toEqual([
      { terms: [7, 5], written: 12, corrected: null },
      { terms: [4, 8, 1], written: 13, corrected: 14 },
      { terms: [3], written: 3, corrected: null },
    ]);
  });

  it("counts slips, caught slips and waits that follow a right sum", () => {
    const s = selfCheckStats([
      "<think>7+5=13 wait 12,4+8+1=13</think>132", // a slip, caught
      "<think>7+5=11,4+8+1=13</think>131", // a slip, missed
      "<think>7+5=12 wait 12,4+8+1=13</think>132", // a wait after a right sum
      "132", // a direct answer: no scratchpad
    ]);
    expect(s).toEqual({
      completions: 4,
      scratchpads: 3,
      columns: 6,
      slips_per_column: 2 / 6,
      slips_caught: 1 / 2,
      waits_per_scratchpad: 2 / 3,
      waits_after_a_slip: 1 / 2,
    });
  });

  it("reports null rates when there is nothing to divide by", () => {
    expect(selfCheckStats(["132"])).toMatchObject({ scratchpads: 0, slips_per_column: null, slips_caught: null, waits_per_scratchpad: null });
  });
});
