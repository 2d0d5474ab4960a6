/**
 * Numeric evaluation of scalar trees in complex floating point, with variables bound to sample
 * values. Used for irrational constants (sqrt, pi) and for expressions with variables, which are
 * compared at several random points. Overflow gives non-finite values, which callers treat as
 * "cannot tell" (never as equal).
 */
import type { MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { infiniteSum, integrate } from "./quadrature.js";

/** A complex number. */
export interface Complex {
  re: number;
  im: number;
}

const c = (re: number, im = 0): Complex => ({ re, im });
const NAN = c(NaN, NaN);

function mul(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return c(a.re * b.re);
  return c(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}
function div(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) return c(a.re / b.re);
  const d = b.re * b.re + b.im * b.im;
  return c((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
}
function log(a: Complex): Complex {
  if (a.im === 0 && a.re > 0) return c(Math.log(a.re));
  return c(Math.log(Math.hypot(a.re, a.im)), Math.atan2(a.im, a.re));
}
function exp(a: Complex): Complex {
  const m = Math.exp(a.re);
  return a.im === 0 ? c(m) : c(m * Math.cos(a.im), m * Math.sin(a.im));
}
function pow(a: Complex, b: Complex): Complex {
  if (a.im === 0 && b.im === 0) {
    if (a.re >= 0 || Number.isInteger(b.re)) return c(Math.pow(a.re, b.re));
    // odd roots of negatives stay real (cube root of -8 is -2)
    const inv = 1 / b.re;
    if (Math.abs(inv - Math.round(inv)) < 1e-12 && Math.round(inv) % 2 !== 0) return c(-Math.pow(-a.re, b.re));
  }
  if (a.re === 0 && a.im === 0) return c(0);
  return exp(mul(b, log(a)));
}
function sqrt(a: Complex): Complex {
  if (a.im === 0) return a.re >= 0 ? c(Math.sqrt(a.re)) : c(0, Math.sqrt(-a.re));
  return pow(a, c(0.5));
}

/** log Γ(x) for x > 0 (Lanczos), for factorials of non-integers or large n. */
function gamma(x: number): number {
  if (Number.isInteger(x) && x > 0 && x < 171) {
    let r = 1;
    for (let i = 2; i < x; i++) r *= i;
    return r;
  }
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const p = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = p[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += p[i] / (x + i);
  return Math.sqrt(2 * Math.PI) * Math.pow(t, x + 0.5) * Math.exp(-t) * a;
}

function realFn(name: string, x: number): number {
  switch (name) {
    case "sin":
      return Math.sin(x);
    case "cos":
      return Math.cos(x);
    case "tan":
      return Math.tan(x);
    case "cot":
      return 1 / Math.tan(x);
    case "sec":
      return 1 / Math.cos(x);
    case "csc":
      return 1 / Math.sin(x);
    case "arcsin":
      return Math.asin(x);
    case "arccos":
      return Math.acos(x);
    case "arctan":
      return Math.atan(x);
    case "sinh":
      return Math.sinh(x);
    case "cosh":
      return Math.cosh(x);
    case "tanh":
      return Math.tanh(x);
    case "fact":
      return x < 0 && Number.isInteger(x) ? NaN : x > 171 ? Infinity : gamma(x + 1);
    case "floor":
      return Math.floor(x);
    case "ceil":
      return Math.ceil(x);
    default:
      return NaN;
  }
}

/** Variable values for one evaluation point. */
export type Env = Map<string, Complex>;

/** Evaluate a scalar tree at `env`. Unknown names give NaN; collections give NaN. */
export function numericValue(n: MathNode, env: Env, budget: Deadline): Complex {
  budget.tick();
  switch (n.k) {
    case "num":
      return c(n.value ? n.value.toNumber() : Number(n.text));
    case "based":
      return c(Number(n.digits));
    case "sym": {
      const v = env.get(n.name);
      if (v) return v;
      if (n.name === "pi") return c(Math.PI);
      if (n.name === "e") return c(Math.E);
      if (n.name === "i") return c(0, 1);
      if (n.name === "inf") return c(Infinity);
      return NAN;
    }
    case "neg": {
      const a = numericValue(n.a, env, budget);
      return c(-a.re, -a.im);
    }
    case "add":
    case "sub": {
      const a = numericValue(n.a, env, budget);
      const b = numericValue(n.b, env, budget);
      return n.k === "add" ? c(a.re + b.re, a.im + b.im) : c(a.re - b.re, a.im - b.im);
    }
    case "mul":
      return mul(numericValue(n.a, env, budget), numericValue(n.b, env, budget));
    case "div":
      return div(numericValue(n.a, env, budget), numericValue(n.b, env, budget));
    case "pow":
      return pow(numericValue(n.a, env, budget), numericValue(n.b, env, budget));
    case "fn":
      return numericFn(n.name, n.args, env, budget);
    default:
      return NAN;
  }
}

/** Nodes of a tree counted up to `cap`. */
export function treeSize(n: MathNode, cap: number): number {
  let count = 0;
  const stack: MathNode[] = [n];
  while (stack.length && count < cap) {
    const x = stack.pop()!;
    count++;
    if (x.k === "neg") stack.push(x.a);
    else if (x.k === "add" || x.k === "sub" || x.k === "mul" || x.k === "div" || x.k === "pow") stack.push(x.a, x.b);
    else if (x.k === "fn") stack.push(...x.args);
  }
  return count;
}

/** True when the tree holds a sum, product or integral (a series of them is not summed term by term). */
function hasBigOperator(n: MathNode): boolean {
  if (n.k === "fn") return n.name === "sum" || n.name === "prod" || n.name === "int" || n.args.some(hasBigOperator);
  if (n.k === "neg") return hasBigOperator(n.a);
  if (n.k === "add" || n.k === "sub" || n.k === "mul" || n.k === "div" || n.k === "pow") return hasBigOperator(n.a) || hasBigOperator(n.b);
  return false;
}

/** Weights of the sum/prod stand-in below (fixed, so both sides of a comparison use the same ones). */
const BIG_WEIGHTS = [1, 0.7548776662, 0.569840291, 0.430159709, 0.3247179572, 0.2451223338];

/**
 * A sum or product with bounds that are not integers written out (`\sum_{k=0}^{n-1} F_k`): not its
 * value but a fixed function of its bounds and of its body at the first six indices, so two such
 * sums agree where they have the same bounds and bodies that agree at those indices, and a sum
 * never agrees with a closed form by accident.
 */
function bigOperatorStandIn(name: string, args: MathNode[], env: Env, budget: Deadline): Complex {
  const [body, index, lo, hi] = args;
  if (index.k !== "sym") return NAN;
  const from = numericValue(lo, env, budget);
  const to = numericValue(hi, env, budget);
  const inner: Env = new Map(env);
  let acc = name === "sum" ? c(0) : c(1.618033988749895 * (to.re + 2.718281828459045) + 0.5 * from.re);
  // the body at the first six indices and at six points between them (so that bodies that agree on
  // the first indices only, k^2 + (k-1)(k-2)···(k-6), still differ)
  for (let j = 0; j < 2 * BIG_WEIGHTS.length; j++) {
    const w = BIG_WEIGHTS[j % BIG_WEIGHTS.length] * (j < BIG_WEIGHTS.length ? 1 : 0.8660254037844386);
    const offset = j < BIG_WEIGHTS.length ? j : j - BIG_WEIGHTS.length + 0.3819660112501051;
    inner.set(index.name, c(from.re + offset, from.im));
    const t = numericValue(body, inner, budget);
    acc = c(acc.re + w * t.re, acc.im + w * t.im);
  }
  return name === "sum" ? c(acc.re + 3.141592653589793 * to.re - 0.6931471805599453 * from.re, acc.im + to.im) : acc;
}

/** `\\sum_{n=a}^{\\infty} f`: [body, index, lo, ∞] (parse.ts), summed numerically over real terms. */
function seriesValue(args: MathNode[], env: Env, budget: Deadline): Complex {
  const [body, index, lo] = args;
  // (4,000 terms are summed: a large body is not)
  if (treeSize(body, 301) > 300 || hasBigOperator(body)) return NAN;
  const a = numericValue(lo, env, budget);
  if (index.k !== "sym" || a.im !== 0) return NAN;
  const inner: Env = new Map(env);
  const f = (n: number): number => {
    inner.set(index.name, c(n));
    const v = numericValue(body, inner, budget);
    return v.im === 0 ? v.re : NaN;
  };
  return c(infiniteSum(f, a.re, budget));
}

/** `\\int_a^b f`: [body, index, lo, hi] (calculus.ts), by quadrature over real values of the integrand. */
function definiteIntegral(args: MathNode[], env: Env, budget: Deadline): Complex {
  const [body, index, lo, hi] = args;
  const a = numericValue(lo, env, budget);
  const b = numericValue(hi, env, budget);
  if (index.k !== "sym" || a.im !== 0 || b.im !== 0) return NAN;
  const inner: Env = new Map(env);
  const f = (x: number): number => {
    inner.set(index.name, c(x));
    const v = numericValue(body, inner, budget);
    return v.im === 0 ? v.re : NaN;
  };
  return c(integrate(f, a.re, b.re, budget));
}

function numericFn(name: string, args: MathNode[], env: Env, budget: Deadline): Complex {
  if (name === "int" && args.length === 4) return definiteIntegral(args, env, budget);
  if (name === "antideriv" || name === "lim" || name === "deriv") return NAN;
  // a limit's value found by approach (limits.ts): its value
  if (name === "approx") return numericValue(args[0], env, budget);
  if (name === "sum" && args.length === 4 && args[3].k === "sym" && args[3].name === "inf") return seriesValue(args, env, budget);
  if ((name === "sum" || name === "prod") && args.length === 4) return bigOperatorStandIn(name, args, env, budget);
  if (name === "gcd" || name === "lcm" || name === "max" || name === "min") return listFn(name, args, env, budget);
  if (name === "mod") {
    const [x, m] = args.map((v) => numericValue(v, env, budget));
    if (x.im !== 0 || m.im !== 0 || m.re === 0) return NAN;
    return c(x.re - m.re * Math.floor(x.re / m.re));
  }
  const a = numericValue(args[0], env, budget);
  switch (name) {
    case "sqrt":
      return sqrt(a);
    case "root":
      return pow(a, div(c(1), numericValue(args[1], env, budget)));
    case "abs":
      return c(Math.hypot(a.re, a.im));
    case "percent":
      return c(a.re / 100, a.im / 100);
    case "exp":
      return exp(a);
    case "ln":
      return log(a);
    case "log": {
      const base = args[1] ? log(numericValue(args[1], env, budget)) : c(Math.LN10);
      // log without a base: natural in most math texts is ambiguous; base 10 unless given
      return div(log(a), args[1] ? base : c(Math.LN10));
    }
    case "log10":
      return div(log(a), c(Math.LN10));
    case "binom": {
      const k = numericValue(args[1], env, budget);
      if (a.im !== 0 || k.im !== 0) return NAN;
      return c(realFn("fact", a.re) / (realFn("fact", k.re) * realFn("fact", a.re - k.re)));
    }
    default:
      if (a.im !== 0) return NAN;
      return c(realFn(name, a.re));
  }
}

/** gcd and lcm of integers, max and min of reals; NaN otherwise. */
function listFn(name: string, args: MathNode[], env: Env, budget: Deadline): Complex {
  const xs = args.map((x) => numericValue(x, env, budget));
  if (xs.some((x) => x.im !== 0 || !Number.isFinite(x.re))) return NAN;
  const v = xs.map((x) => x.re);
  if (name === "max") return c(Math.max(...v));
  if (name === "min") return c(Math.min(...v));
  if (v.some((x) => !Number.isSafeInteger(x))) return NAN;
  const g = (p: number, q: number): number => (q === 0 ? Math.abs(p) : g(q, p % q));
  if (name === "gcd") return c(v.reduce(g));
  return c(v.reduce((p, q) => (p === 0 || q === 0 ? 0 : Math.abs(p * q) / g(p, q))));
}

/** Names of the free variables of a tree (constants pi, e, i, inf excluded). */
export function freeVariables(n: MathNode, out: Set<string> = new Set()): Set<string> {
  switch (n.k) {
    case "sym":
      // (names starting with @ are the bound indices of sums and products)
      if (!["pi", "e", "i", "inf"].includes(n.name) && !n.name.startsWith("@")) out.add(n.name);
      break;
    case "neg":
      freeVariables(n.a, out);
      break;
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow":
      freeVariables(n.a, out);
      freeVariables(n.b, out);
      break;
    case "pm":
      if (n.a) freeVariables(n.a, out);
      freeVariables(n.b, out);
      break;
    case "fn":
    case "set":
    case "list":
    case "tuple":
    case "union":
      for (const a of n.k === "fn" ? n.args : n.items) freeVariables(a, out);
      break;
    case "rel":
      for (const a of n.args) freeVariables(a, out);
      break;
    case "matrix":
      for (const r of n.rows) for (const a of r) freeVariables(a, out);
      break;
  }
  return out;
}
