// Behaviours of Math-Verify ported after the first rule set (mvrules.test.ts): semicolon groups, set
// operations, sums against closed forms, integrals, limits and derivatives. Each example is written
// here from the rule as latex2sympy2_extended (PS.g4, latex2sympy2.py) and Math-Verify's grader.py
// state it, not taken from Math-Verify's tests; the wrong answers beside them are what an RL policy
// could try (different bounds, operations, points or integrands must not pay).
import { describe, expect, it } from "vitest";
import { verifyMathSync, type MathVerifyOptions } from "./index.js";

const L: MathVerifyOptions = { extraction: ["latex", "expr"] };

function judged(gold: string, response: string, options: MathVerifyOptions = L): boolean {
  return verifyMathSync(gold, response, options).correct;
}

describe("semicolon groups (PS.g4 semicolon_elements, latex2sympy2 convert_elements_to_set_or_tuple)", () => {
  it("groups with several comma items are tuples, one per group", () => {
    expect(judged("$(5,2),(7,2)$", "$p=5,q=2;p=7,q=2$")).toBe(true);
    expect(judged("$(1,2),(3,4)$", "$1,2;3,4$")).toBe(true);
    expect(judged("$\\{1,2,3\\}$", "$1;2;3$")).toBe(true);
  });
  it("the pairing matters: other pairs or other values do not match", () => {
    expect(judged("$(5,2),(7,2)$", "$p=5,q=7;p=2,q=2$")).toBe(false);
    expect(judged("$(1,2),(3,4)$", "$1,3;2,4$")).toBe(false);
    expect(judged("$(5,2),(7,2)$", "$p=5,q=2;p=7,q=3$")).toBe(false);
  });
});

describe("sums against closed forms (grader.sympy_symbolic_eq: sympy's simplify ends with doit())", () => {
  it("a sum with symbolic bounds equals its closed form", () => {
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\sum_{k=1}^{n} k$")).toBe(true);
    expect(judged("$\\sum_{i=1}^{n} i^2$", "$\\frac{n(n+1)(2n+1)}{6}$")).toBe(true);
    expect(judged("$2^{n+1}-1$", "$\\sum_{k=0}^{n} 2^k$")).toBe(true);
    expect(judged("$\\frac{x^{n+1}-1}{x-1}$", "$\\sum_{k=0}^{n} x^k$")).toBe(true);
    expect(judged("$n!$", "$\\prod_{k=1}^{n} k$")).toBe(true);
  });
  it("other bounds, bodies or closed forms are wrong", () => {
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\sum_{k=1}^{n-1} k$")).toBe(false);
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\sum_{k=1}^{n+1} k$")).toBe(false);
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\sum_{k=1}^{n} k^2$")).toBe(false);
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\prod_{k=1}^{n} k$")).toBe(false);
    expect(judged("$\\sum_{k=1}^{n} k$", "$\\frac{n(n-1)}{2}$")).toBe(false);
    expect(judged("$\\sum_{k=1}^{n} k$", "$\\frac{n^2}{2}$")).toBe(false);
    expect(judged("$\\frac{x^{n+1}-1}{x-1}$", "$\\sum_{k=0}^{n} x^{k+1}$")).toBe(false);
    // a polynomial that agrees with the closed form at a few small n only
    expect(judged("$\\frac{n(n+1)}{2}$", "$\\frac{n(n+1)}{2} + (n-1)(n-2)(n-3)$")).toBe(false);
  });
  it("a huge sum is not written out (bounded time)", () => {
    const t0 = performance.now();
    expect(judged("$5$", "$\\sum_{k=1}^{n} \\sum_{j=1}^{10^{9}} j$")).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1500);
  });
});

describe("set operations (PS.g4 minus_expr / union_expr / intersection_expr; grader.sympy_compare_sets)", () => {
  it("\\cap, \\setminus and \\cup of intervals and finite sets are the sets they make", () => {
    expect(judged("$[2,3]$", "$[1,3] \\cap [2,4]$")).toBe(true);
    expect(judged("$\\{1,3\\}$", "$\\{1,2,3\\} \\setminus \\{2\\}$")).toBe(true);
    expect(judged("$(-\\infty,1)\\cup(1,\\infty)$", "$\\mathbb{R} \\setminus \\{1\\}$")).toBe(true);
    expect(judged("$[1,2)$", "$[1,3] \\setminus [2,3]$")).toBe(true);
    expect(judged("$\\{1,2\\}$", "$\\{1,2,5\\} \\cap [0,3]$")).toBe(true);
    expect(judged("$\\emptyset$", "$(1,2) \\cap (2,3)$")).toBe(true);
    expect(judged("$(1, \\sqrt 5)$", "$(0,\\sqrt 5) \\cap (1, 3)$")).toBe(true);
  });
  it("two unions are equal when they cover the same part of the line (symmetric difference empty)", () => {
    expect(judged("$[1,3]$", "$[1,2]\\cup[2,3]$")).toBe(true);
    expect(judged("$[1,4]$", "$[1,3] \\cup [2,4]$")).toBe(true);
  });
  it("\\cap is not \\cup, ends and brackets matter, and symbolic ends are not computed", () => {
    expect(judged("$[2,3]$", "$[1,3] \\cup [2,4]$")).toBe(false);
    expect(judged("$[1,4]$", "$[1,3] \\cap [2,4]$")).toBe(false);
    expect(judged("$[2,3)$", "$[1,3] \\cap [2,4]$")).toBe(false);
    expect(judged("$(-\\infty,1]\\cup(1,\\infty)$", "$\\mathbb{R} \\setminus \\{1\\}$")).toBe(false);
    expect(judged("$(-\\infty,1)\\cup(1,\\infty)$", "$\\mathbb{R} \\setminus \\{2\\}$")).toBe(false);
    expect(judged("$[1,3]$", "$[1,2)\\cup(2,3]$")).toBe(false);
    expect(judged("$\\{1,3\\}$", "$\\{1,2,3\\} \\setminus \\{3\\}$")).toBe(false);
    expect(judged("$[a,b]$", "$[a,c] \\cap [d,b]$")).toBe(false);
  });
});
