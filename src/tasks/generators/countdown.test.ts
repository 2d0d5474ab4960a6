// Countdown: reachable targets, and a verifier that checks the numbers used and never evaluates code.
import { describe, expect, it } from "vitest";
import type { Problem } from "../../types.js";
import { evaluateExpression } from "../arithmetic-expression.js";
import { countdown, pickExpression } from "./countdown.js";

function problem(numbers: number[], target: number, useAll = true): Problem {
  return {
    id: "t",
    prompt: `${numbers.join(",")}>${target}=`,
    answer: "",
    verifier: countdown.verifier,
    meta: { numbers, target, useAll },
  };
}

async function check(p: Problem, response: string): Promise<{ correct: boolean; reason: string }> {
  return countdown.verifier.verify(response, p);
}

describe("countdown generator", () => {
  it("builds reachable targets from every number exactly once", () => {
    for (const p of countdown.generate(200, { seed: 5, difficulty: { min: 2, max: 6 } })) {
      const numbers = p.meta.numbers as number[];
      expect(numbers).toHaveLength(p.difficulty!);
      const { value, numbers: used } = evaluateExpression(p.answer);
      expect(value.d).toBe(1n);
      expect(Number(value.n)).toBe(p.meta.target);
      expect([...used].sort()).toEqual([...numbers].sort());
      expect(p.meta.target as number).toBeGreaterThanOrEqual(1);
      expect(p.meta.target as number).toBeLessThanOrEqual(999);
    }
  });

  it("respects maxNumber and maxTarget and the TinyZero text format", () => {
    const ps = countdown.generate(50, { seed: 1, params: { maxNumber: 9, maxTarget: 30 }, format: "text" });
    for (const p of ps) {
      expect((p.meta.numbers as number[]).every((n) => n >= 1 && n <= 9)).toBe(true);
      expect(p.meta.target as number).toBeLessThanOrEqual(30);
      expect(p.prompt).toMatch(/^Using the numbers \[\d+(, \d+)*\], create an equation that equals \d+\./);
    }
  });
});

describe("countdown verifier", () => {
  const p = problem([3, 5, 7], 14);

  it("accepts correct expressions in the forms models write", async () => {
    for (const r of ["(5-3)*7", "<think>try</think>7*(5-3)", "<answer> (5 - 3) * 7 </answer>", "(5-3)*7=14", "7×(5−3)".replace("−", "-"), "3,5,7>14=(5-3)*7"]) {
      expect(await check(p, r), r).toMatchObject({ correct: true });
    }
  });

  it("rejects numbers not given, reused, or left out", async () => {
    expect((await check(p, "2*7")).reason).toMatch(/exactly once/);
    expect((await check(p, "(5-3)*7+3-3")).correct).toBe(false);
    expect((await check(p, "7+7")).correct).toBe(false);
    expect((await check(p, "(5-3)*7+0")).correct).toBe(false);
    const subset = problem([3, 5, 7, 100], 14, false);
    expect((await check(subset, "(5-3)*7")).correct).toBe(true);
    expect((await check(subset, "(5-3)*7*7")).reason).toMatch(/not given, or one twice/);
  });

  it("rejects wrong values, fractions and division by zero", async () => {
    expect((await check(p, "3+5+7")).reason).toMatch(/does not equal/);
    const q = problem([1, 2, 3], 1);
    expect((await check(q, "(1+2)/3")).correct).toBe(true);
    expect((await check(problem([2, 2, 1], 0), "1/(2-2)")).reason).toMatch(/division by zero/);
    expect((await check(problem([3, 2, 1], 1), "3/2-1")).correct).toBe(false); // 1/2, exact rationals
  });

  it("never evaluates code: only digits, operators and parentheses are accepted", async () => {
    for (const r of [
      "process.exit(1)",
      "require('fs').rmSync('/')",
      "(()=>14)()",
      "constructor.constructor('return 14')()",
      "14",
      "2**3+6",
      "0x0E",
      "1e1+4",
      "-3+5*7-18",
      "5 - -3 + 7",
      "Math.max(3,5,7)",
      "`${14}`",
    ]) {
      const v = await check(p, r);
      expect(v.correct, r).toBe(false);
    }
  });

  it("is bounded on hostile input", async () => {
    const t0 = performance.now();
    expect((await check(p, "(".repeat(100_000) + "3")).correct).toBe(false);
    expect((await check(p, "3+".repeat(50_000) + "3")).correct).toBe(false);
    expect((await check(p, "9".repeat(1_000_000))).correct).toBe(false);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("judges one expression only: a chain of candidates earns nothing", async () => {
    expect(pickExpression("3+5+7=15")).toBe("3+5+7");
    expect(pickExpression("3,5,7>14=(5-3)*7")).toBe("(5-3)*7");
    expect((await check(p, "(5-3)*7=3*5-7")).correct).toBe(false);
  });

  it("explains a problem without countdown metadata instead of throwing", async () => {
    const bad: Problem = { ...p, meta: {} };
    expect(await check(bad, "(5-3)*7")).toMatchObject({ correct: false, reason: expect.stringMatching(/no countdown/) });
  });
});
