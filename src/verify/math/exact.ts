/**
 * Exact evaluation of scalar trees to rationals (bigint). Returns null for anything that is not
 * an exact rational (roots of non-squares, pi, variables) or that would grow past the size caps
 * (huge powers and factorials): the caller then compares numerically.
 */
import type { MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { MathTooLargeError } from "./errors.js";
import { Rational } from "./rational.js";

/** Largest n whose n! is computed exactly. */
const MAX_EXACT_FACTORIAL = 1000;

function factorial(n: number, budget: Deadline): Rational {
  let acc = 1n;
  for (let i = 2n; i <= BigInt(n); i++) {
    acc *= i;
    budget.tick();
  }
  return Rational.of(acc);
}

function evalExact(n: MathNode, budget: Deadline): Rational | null {
  budget.tick();
  switch (n.k) {
    case "num":
      return n.value;
    case "neg": {
      const a = evalExact(n.a, budget);
      return a && a.neg();
    }
    case "add":
    case "sub":
    case "mul":
    case "div": {
      const a = evalExact(n.a, budget);
      if (!a) return null;
      const b = evalExact(n.b, budget);
      if (!b) return null;
      if (n.k === "add") return a.add(b);
      if (n.k === "sub") return a.sub(b);
      if (n.k === "mul") return a.mul(b);
      return b.isZero() ? null : a.div(b);
    }
    case "pow": {
      const a = evalExact(n.a, budget);
      if (!a) return null;
      const b = evalExact(n.b, budget);
      if (!b) return null;
      if (b.isInteger()) {
        if (a.isZero() && b.sign() < 0) return null;
        return a.powInt(b.num);
      }
      if (b.den > 12n || a.sign() < 0) return null;
      const r = a.root(Number(b.den));
      return r && r.powInt(b.num);
    }
    case "fn":
      return evalExactFn(n.name, n.args, budget);
    default:
      return null;
  }
}

function evalExactFn(name: string, args: MathNode[], budget: Deadline): Rational | null {
  const a = evalExact(args[0], budget);
  if (!a) return null;
  switch (name) {
    case "sqrt":
      return a.root(2);
    case "root": {
      const k = args[1] && evalExact(args[1], budget);
      if (!k || !k.isInteger() || k.num < 2n || k.num > 64n) return null;
      return a.root(Number(k.num));
    }
    case "abs":
      return a.sign() < 0 ? a.neg() : a;
    case "percent":
      return a.div(Rational.int(100));
    case "mod": {
      const m = args[1] && evalExact(args[1], budget);
      if (!m || !a.isInteger() || !m.isInteger() || m.isZero()) return null;
      const r = a.num % m.num;
      return Rational.of(r !== 0n && r < 0n !== m.num < 0n ? r + m.num : r);
    }
    case "floor":
    case "ceil": {
      // bigint division truncates toward zero
      let q = a.num / a.den;
      if (a.num % a.den !== 0n && (name === "floor") === a.num < 0n) q += name === "floor" ? -1n : 1n;
      return Rational.of(q);
    }
    case "fact":
      if (!a.isInteger() || a.sign() < 0 || a.num > BigInt(MAX_EXACT_FACTORIAL)) return null;
      return factorial(Number(a.num), budget);
    case "binom": {
      const k = args[1] && evalExact(args[1], budget);
      if (!k || !a.isInteger() || !k.isInteger() || k.sign() < 0 || a.num > 100000n || k.num > 2000n) return null;
      if (k.num > a.num) return Rational.ZERO;
      let acc = Rational.ONE;
      for (let i = 0n; i < k.num; i++) {
        acc = acc.mul(Rational.of(a.num - i, i + 1n));
        budget.tick();
      }
      return acc;
    }
    default:
      return null;
  }
}

/** The exact rational value of a scalar tree, or null when it has none (or it is too large). */
export function exactValue(n: MathNode, budget: Deadline): Rational | null {
  try {
    return evalExact(n, budget);
  } catch (e) {
    if (e instanceof MathTooLargeError || e instanceof RangeError) return null;
    throw e;
  }
}

/** True when the tree holds a decimal literal (so comparisons use a tolerance). */
export function hasApprox(n: MathNode): boolean {
  switch (n.k) {
    case "num":
      return n.approx;
    case "neg":
      return hasApprox(n.a);
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow":
      return hasApprox(n.a) || hasApprox(n.b);
    case "pm":
      return (n.a !== null && hasApprox(n.a)) || hasApprox(n.b);
    case "fn":
      return n.args.some(hasApprox);
    default:
      return false;
  }
}
