// reasoning_effort presets: defaults, overrides, and errors that name the fix.
import { describe, expect, it } from "vitest";
import { DEFAULT_EFFORT_BUDGETS, effortBudget, parseEffortBudgets } from "./effort.js";

describe("effort presets", () => {
  it("map levels to budgets, monotonically", () => {
    const levels = ["none", "minimal", "low", "medium", "high"];
    const b = levels.map((l) => effortBudget(l));
    expect(b[0]).toBe(0);
    for (let i = 1; i < b.length; i++) expect(b[i]).toBeGreaterThan(b[i - 1]);
    expect(b[4]).toBe(DEFAULT_EFFORT_BUDGETS.high);
  });
  it("take overrides from a spec string", () => {
    const o = parseEffortBudgets("low=16, high=inf");
    expect(effortBudget("low", o)).toBe(16);
    expect(effortBudget("high", o)).toBe(Infinity);
    expect(effortBudget("medium", o)).toBe(DEFAULT_EFFORT_BUDGETS.medium);
  });
  it("reject unknown levels and bad budgets", () => {
    expect(() => effortBudget("extreme")).toThrow(/use one of none, minimal, low, medium, high/);
    expect(() => parseEffortBudgets("low=-1")).toThrow(/≥ 0/);
    expect(() => parseEffortBudgets("turbo=3")).toThrow(/unknown effort level "turbo"/);
  });
});
