/**
 * An equation in one variable against its solved form (`2^x = 8` vs `x = 3`, `\frac{1}{x} = 2` vs
 * `x = \frac12`): Math-Verify's grader compares two equations that are not the same up to sides by
 * solving both (`sympy_solve_and_compare`: `solve(gold, free_symbols)` against `solve(pred, ...)`),
 * so `x = c` matches an equation whose only real solution is c. Here: c must satisfy the equation
 * (to arbitrary precision where the values are computable) and the equation's difference of sides
 * must have no other zero: no sign change and no zero on a grid of 2,800 points from -10^300 to
 * 10^300 (and every quarter up to ±50) away from c. Polynomials of degree two or more are left to the proportionality check (a
 * root of multiplicity two touches zero between grid points).
 */
import { mapSymbols, type MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { freeVariables, numericValue, treeSize } from "./numeric.js";
import { BEYOND_PRECISION, preciselyEqual } from "./precise.js";

type Rel = Extract<MathNode, { k: "rel" }>;

/** `v = c` (or `c = v`) with c free of variables: the variable and the value. */
function solvedForm(r: Rel): { v: string; c: MathNode } | null {
  if (r.ops.length !== 1 || r.ops[0] !== "=") return null;
  const [l, rr] = r.args;
  if (l.k === "sym" && freeVariables(rr).size === 0) return { v: l.name, c: rr };
  if (rr.k === "sym" && freeVariables(l).size === 0) return { v: rr.name, c: l };
  return null;
}

/** True when the tree is a polynomial of degree two or more in v (left to the proportionality check). */
function polynomialOfDegree2(n: MathNode, v: string): boolean {
  const deg = (x: MathNode): number | null => {
    if (!freeVariables(x).has(v)) return 0;
    switch (x.k) {
      case "sym":
        return 1;
      case "neg":
        return deg(x.a);
      case "add":
      case "sub": {
        const a = deg(x.a);
        const b = deg(x.b);
        return a === null || b === null ? null : Math.max(a, b);
      }
      case "mul": {
        const a = deg(x.a);
        const b = deg(x.b);
        return a === null || b === null ? null : a + b;
      }
      case "div":
        return freeVariables(x.b).has(v) ? null : deg(x.a);
      case "pow": {
        const a = deg(x.a);
        const e = x.b.k === "num" && x.b.value && x.b.value.isInteger() && !x.b.approx ? Number(x.b.value.num) : null;
        return a === null || e === null || e < 0 ? null : a * e;
      }
      default:
        return null;
    }
  };
  const d = deg(n);
  return d !== null && d >= 2;
}

/** Whether f changes sign through a zero between two points (not through a pole: bisection, then |f| small). */
function crossesZero(f: (t: number) => number, a: { t: number; y: number }, b: { t: number; y: number }, budget: Deadline): boolean {
  let lo = a;
  let hi = b;
  for (let i = 0; i < 200 && hi.t - lo.t > 1e-12 * Math.max(1, Math.abs(lo.t)); i++) {
    budget.tick();
    const t = (lo.t + hi.t) / 2;
    if (t === lo.t || t === hi.t) break;
    const y = f(t);
    if (!Number.isFinite(y)) return false;
    if (y === 0) return true;
    if (Math.sign(y) === Math.sign(lo.y)) lo = { t, y };
    else hi = { t, y };
  }
  // a zero leaves |f| small where the sign flips; a pole leaves it large
  return Math.min(Math.abs(lo.y), Math.abs(hi.y)) < 1e-6;
}

/**
 * Whether the answer `b` is `v = c` and the gold `a` an equation in v alone whose only real solution
 * is c; null when the pair is not of that shape (the caller decides).
 */
export function solvedFormEqual(a: Rel, b: Rel, budget: Deadline): boolean | null {
  // the answer is the solved form and the gold the equation (an answer cannot hide a second root
  // where doubles overflow: `(2^x - 8)(x - 10^{20}) = 0`)
  for (const [s, e] of [[b, a]] as const) {
    const sol = solvedForm(s);
    if (!sol || solvedForm(e) || e.ops.length !== 1 || e.ops[0] !== "=") continue;
    const vars = freeVariables(e);
    if (vars.size !== 1 || !vars.has(sol.v)) return null;
    const f: MathNode = { k: "sub", a: e.args[0], b: e.args[1] };
    // (large equations are not scanned: 2,800 evaluations each)
    if (treeSize(f, 201) > 200 || polynomialOfDegree2(f, sol.v)) return null;
    // c satisfies the equation
    const at = (n: MathNode): MathNode => mapSymbols(n, (x) => (x.name === sol.v ? sol.c : x));
    const exact = preciselyEqual(at(e.args[0]), at(e.args[1]), new Map(), budget);
    const cv = numericValue(sol.c, new Map(), budget);
    if (cv.im !== 0 || !Number.isFinite(cv.re)) return false;
    if (exact === false || exact === BEYOND_PRECISION) return false;
    const value = (t: number): number => {
      const z = numericValue(f, new Map([[sol.v, { re: t, im: 0 }]]), budget);
      return z.im === 0 ? z.re : NaN;
    };
    if (exact === null && !(Math.abs(value(cv.re)) <= 1e-9 * Math.max(1, Math.abs(cv.re)))) return false;
    // no other zero: a sign change or a zero on the grid away from c is another solution
    const grid: number[] = [0];
    for (let k = -300; k <= 300; k += 0.5) grid.push(10 ** k, -(10 ** k));
    for (let k = 1; k <= 200; k++) grid.push(k / 4, -k / 4);
    grid.sort((x, y) => x - y);
    const near = (t: number): boolean => Math.abs(t - cv.re) <= 1e-6 * Math.max(1, Math.abs(cv.re));
    let prev: { t: number; y: number } | null = null;
    for (const t of grid) {
      budget.tick();
      const y = value(t);
      if (!Number.isFinite(y)) {
        prev = null;
        continue;
      }
      if (y === 0) {
        if (!near(t)) return false;
        continue;
      }
      if (prev && Math.sign(prev.y) !== Math.sign(y) && !(prev.t <= cv.re && cv.re <= t) && crossesZero(value, prev, { t, y }, budget)) return false;
      prev = { t, y };
    }
    return true;
  }
  return null;
}
