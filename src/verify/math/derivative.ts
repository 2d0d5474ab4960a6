/**
 * Symbolic derivatives of answer trees (for `\frac{d}{dx} f`, which latex2sympy2's `convert_frac`
 * makes a sympy `Derivative` and Math-Verify's grader evaluates with `doit()`, and for checking an
 * antiderivative against `\int f\,dx`), with constants folded so results stay small; plus the tree
 * helpers calculus.ts and limits.ts share.
 */
import type { MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { freeVariables } from "./numeric.js";
import { Rational } from "./rational.js";

/** An exact rational as a tree. */
export const num = (v: Rational): MathNode => {
  const text = v.toString();
  return v.sign() < 0 ? { k: "neg", a: { k: "num", value: v.neg(), approx: false, text: v.neg().toString() } } : { k: "num", value: v, approx: false, text };
};
export const ZERO: MathNode = num(Rational.ZERO);
export const ONE: MathNode = num(Rational.ONE);

/** Whether a tree holds the variable x (cached per tree node: differentiation and polynomial reading ask at every node). */
const holds = new WeakMap<MathNode, Set<string>>();
export function has(n: MathNode, x: string): boolean {
  let vars = holds.get(n);
  if (!vars) {
    vars = new Set<string>();
    switch (n.k) {
      case "sym":
        freeVariables(n, vars);
        break;
      case "neg":
        for (const v of varsOf(n.a)) vars.add(v);
        break;
      case "add":
      case "sub":
      case "mul":
      case "div":
      case "pow":
        for (const v of varsOf(n.a)) vars.add(v);
        for (const v of varsOf(n.b)) vars.add(v);
        break;
      default:
        freeVariables(n, vars);
    }
    holds.set(n, vars);
  }
  return vars.has(x);
}
function varsOf(n: MathNode): Set<string> {
  has(n, "");
  return holds.get(n)!;
}

/** Most nodes (counted as a tree) of a tree that is differentiated or integrated here, and of a polynomial coefficient. */
export const MAX_NODES = 800;

/** True when the tree, counted as a tree (shared subtrees once per use), has more than `MAX_NODES` nodes. */
export function tooLarge(n: MathNode): boolean {
  let count = 0;
  const stack: MathNode[] = [n];
  while (stack.length) {
    if (++count > MAX_NODES) return true;
    const x = stack.pop()!;
    if (x.k === "neg") stack.push(x.a);
    else if (x.k === "add" || x.k === "sub" || x.k === "mul" || x.k === "div" || x.k === "pow") stack.push(x.a, x.b);
    else if (x.k === "fn") stack.push(...x.args);
    else if (x.k === "pm") stack.push(...(x.a ? [x.a, x.b] : [x.b]));
  }
  return false;
}

/** An exact constant's value (a number literal or its negation), for folding coefficients. */
export function constant(n: MathNode): Rational | null {
  if (n.k === "num" && n.value && !n.approx) return n.value;
  if (n.k === "neg") {
    const v = constant(n.a);
    return v && v.neg();
  }
  return null;
}

/** The symbol a differential or a limit names: `x`, `t`, `\\theta`. */

/** Tree builders that fold exact constants and drop zeros and ones (derivatives stay small). */
const mk = {
  add(a: MathNode, b: MathNode): MathNode {
    const ca = constant(a);
    const cb = constant(b);
    if (ca && cb) return num(ca.add(cb));
    if (ca?.isZero()) return b;
    if (cb?.isZero()) return a;
    return { k: "add", a, b };
  },
  sub(a: MathNode, b: MathNode): MathNode {
    const ca = constant(a);
    const cb = constant(b);
    if (ca && cb) return num(ca.sub(cb));
    if (cb?.isZero()) return a;
    if (ca?.isZero()) return mk.neg(b);
    return { k: "sub", a, b };
  },
  mul(a: MathNode, b: MathNode): MathNode {
    const ca = constant(a);
    const cb = constant(b);
    if (ca && cb) return num(ca.mul(cb));
    if (ca?.isZero() || cb?.isZero()) return ZERO;
    if (ca?.equals(Rational.ONE)) return b;
    if (cb?.equals(Rational.ONE)) return a;
    return { k: "mul", a, b };
  },
  div(a: MathNode, b: MathNode): MathNode {
    const cb = constant(b);
    if (constant(a)?.isZero() && !cb?.isZero()) return ZERO;
    if (cb?.equals(Rational.ONE)) return a;
    return { k: "div", a, b };
  },
  neg(a: MathNode): MathNode {
    const ca = constant(a);
    return ca ? num(ca.neg()) : { k: "neg", a };
  },
  pow(a: MathNode, b: MathNode): MathNode {
    const cb = constant(b);
    if (cb?.equals(Rational.ONE)) return a;
    if (cb?.isZero()) return ONE;
    return { k: "pow", a, b };
  },
};

/** d/dx of a tree, symbolically, or null for a function this does not differentiate (floor, factorial, ...). */
export function diff(n: MathNode, x: string, budget: Deadline, depth = 0): MathNode | null {
  budget.tick();
  if (depth > 60) return null;
  if (!has(n, x)) return ZERO;
  const d = (m: MathNode): MathNode | null => diff(m, x, budget, depth + 1);
  switch (n.k) {
    case "sym":
      return n.name === x ? ONE : ZERO;
    case "neg": {
      const a = d(n.a);
      return a && mk.neg(a);
    }
    case "add":
    case "sub": {
      const a = d(n.a);
      const b = a && d(n.b);
      return a && b && mk[n.k](a, b);
    }
    case "mul": {
      const a = d(n.a);
      const b = a && d(n.b);
      return a && b && mk.add(mk.mul(a, n.b), mk.mul(n.a, b));
    }
    case "div": {
      const a = d(n.a);
      const b = a && d(n.b);
      if (!a || !b) return null;
      if (constant(b)?.isZero()) return mk.div(a, n.b);
      return mk.div(mk.sub(mk.mul(a, n.b), mk.mul(n.a, b)), mk.pow(n.b, num(Rational.int(2))));
    }
    case "pow": {
      const u = n.a;
      const v = n.b;
      if (!has(v, x)) {
        const du = d(u);
        return du && mk.mul(mk.mul(v, mk.pow(u, mk.sub(v, ONE))), du);
      }
      // (u^v)' = u^v (v' ln u + v u'/u)
      const dv = d(v);
      const du = dv && d(u);
      if (!dv || !du) return null;
      const lnU: MathNode = u.k === "sym" && u.name === "e" ? ONE : { k: "fn", name: "ln", args: [u] };
      return mk.mul(n, mk.add(mk.mul(dv, lnU), mk.div(mk.mul(v, du), u)));
    }
    case "fn":
      return diffFn(n, x, budget, depth);
    default:
      return null;
  }
}

function diffFn(n: Extract<MathNode, { k: "fn" }>, x: string, budget: Deadline, depth: number): MathNode | null {
  const [u, second] = n.args;
  if ((n.args.length > 2 || (second && has(second, x))) && n.name !== "root") return null;
  const du = diff(u, x, budget, depth + 1);
  if (!du) return null;
  const f = (name: string, arg: MathNode = u): MathNode => ({ k: "fn", name, args: [arg] });
  const sq = (m: MathNode): MathNode => mk.pow(m, num(Rational.int(2)));
  const times = (m: MathNode): MathNode => mk.mul(m, du);
  const over = (m: MathNode): MathNode => mk.div(du, m);
  const oneMinusSq: MathNode = mk.sub(ONE, sq(u));
  switch (n.name) {
    case "sqrt":
      return over(mk.mul(num(Rational.int(2)), n));
    case "root":
      // root(u, k) = u^(1/k)
      return has(second, x) ? null : diff({ k: "pow", a: u, b: { k: "div", a: ONE, b: second } }, x, budget, depth + 1);
    case "sin":
      return times(f("cos"));
    case "cos":
      return mk.neg(times(f("sin")));
    case "tan":
      return over(sq(f("cos")));
    case "cot":
      return mk.neg(over(sq(f("sin"))));
    case "sec":
      return times(mk.div(f("sin"), sq(f("cos"))));
    case "csc":
      return mk.neg(times(mk.div(f("cos"), sq(f("sin")))));
    case "arcsin":
      return over(f("sqrt", oneMinusSq));
    case "arccos":
      return mk.neg(over(f("sqrt", oneMinusSq)));
    case "arctan":
      return over(mk.add(ONE, sq(u)));
    case "sinh":
      return times(f("cosh"));
    case "cosh":
      return times(f("sinh"));
    case "tanh":
      return over(sq(f("cosh")));
    case "exp":
      return times(n);
    case "ln":
      return over(u);
    case "log":
      return over(mk.mul(u, f("ln", second ?? num(Rational.int(10)))));
    case "log10":
      return over(mk.mul(u, f("ln", num(Rational.int(10)))));
    case "abs":
      return times(mk.div(u, n));
    case "percent":
      return mk.div(du, num(Rational.int(100)));
    default:
      return null;
  }
}
