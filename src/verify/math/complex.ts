/**
 * Complex values at arbitrary precision, for precise.ts: `i`, square roots, logarithms and powers of negatives and of
 * complex values, computed as two binary floats (bigfloat.ts) with principal values and the branch choices of the doubles
 * in numeric.ts (an odd root of a negative is real). precise.ts decides the real and imaginary parts of a difference
 * separately, so `\frac{103993}{33102} i^4` or `\frac{103993}{33102} + 0i` is never `\pi` by a float check.
 */
import type { MathNode } from "./ast.js";
import { atan, Ctx, exp, ln, piFixed, sinCos, top, ZERO, type BF } from "./bigfloat.js";
import { asInteger, evalNode, type PreciseEnv } from "./precise.js";

/** A part of a complex value. */
export type Part = "re" | "im";
/** A complex value as two binary floats. */
export interface CBF {
  re: BF;
  im: BF;
}

const real = (x: BF): CBF => ({ re: x, im: ZERO });

function cMul(c: Ctx, a: CBF, b: CBF): CBF {
  return { re: c.sub(c.mul(a.re, b.re), c.mul(a.im, b.im)), im: c.add(c.mul(a.re, b.im), c.mul(a.im, b.re)) };
}

function cDiv(c: Ctx, a: CBF, b: CBF): CBF | null {
  if (b.im.m === 0n) {
    const re = c.div(a.re, b.re);
    const im = c.div(a.im, b.re);
    return re && im && { re, im };
  }
  const d = c.add(c.mul(b.re, b.re), c.mul(b.im, b.im));
  const re = c.div(c.add(c.mul(a.re, b.re), c.mul(a.im, b.im)), d);
  const im = c.div(c.sub(c.mul(a.im, b.re), c.mul(a.re, b.im)), d);
  return re && im && { re, im };
}

function cPowInt(c: Ctx, a: CBF, n: bigint): CBF | null {
  if (n < 0n) {
    const p = cPowInt(c, a, -n);
    return p && cDiv(c, real(c.int(1n)), p);
  }
  let result = real(c.int(1n));
  let base = a;
  while (n > 0n) {
    if (n & 1n) result = cMul(c, result, base);
    n >>= 1n;
    if (n > 0n) base = cMul(c, base, base);
  }
  return result;
}

function cExp(c: Ctx, a: CBF): CBF | null {
  const m = exp(c, a.re);
  if (!m || a.im.m === 0n) return m && real(m);
  c.minTop = Math.min(c.minTop, top(a.im));
  const sc = sinCos(c, a.im);
  return sc && { re: c.mul(m, sc.cos), im: c.mul(m, sc.sin) };
}

/** The principal logarithm: ln|z| + i arg z, arg in (-π, π]. */
function cLog(c: Ctx, a: CBF): CBF | null {
  if (a.im.m === 0n) {
    if (a.re.m > 0n) return real(ln(c, a.re)!);
    const l = a.re.m < 0n ? ln(c, c.neg(a.re)) : null;
    return l && { re: l, im: c.fixed(piFixed(c.p + 8, c.budget), c.p + 8) };
  }
  const r2 = c.add(c.mul(a.re, a.re), c.mul(a.im, a.im));
  const l = ln(c, r2);
  if (!l) return null;
  const pi = c.fixed(piFixed(c.p + 8, c.budget), c.p + 8);
  let arg: BF | null;
  if (a.re.m === 0n) arg = c.fixed(piFixed(c.p + 8, c.budget) >> 1n, c.p + 8);
  else {
    const q = c.div(a.im, a.re);
    arg = q && atan(c, q);
    if (arg && a.re.m < 0n) arg = c.add(arg, pi);
  }
  if (!arg) return null;
  if (a.im.m < 0n && a.re.m === 0n) arg = c.neg(arg);
  else if (a.im.m < 0n && a.re.m < 0n) arg = c.sub(arg, c.add(pi, pi));
  return { re: c.div(l, c.int(2n))!, im: arg };
}

/** The principal square root. */
function cSqrt(c: Ctx, a: CBF): CBF | null {
  if (a.im.m === 0n) {
    const s = c.sqrt(a.re.m < 0n ? c.neg(a.re) : a.re);
    return s && (a.re.m < 0n ? { re: ZERO, im: s } : real(s));
  }
  const r = c.sqrt(c.add(c.mul(a.re, a.re), c.mul(a.im, a.im)));
  if (!r) return null;
  const half = (x: BF): BF => c.div(x, c.int(2n))!;
  if (a.re.m >= 0n) {
    const u = c.sqrt(half(c.add(r, a.re)));
    const v = u && c.div(a.im, c.add(u, u));
    return u && v && { re: u, im: v };
  }
  let v = c.sqrt(half(c.sub(r, a.re)));
  if (!v) return null;
  if (a.im.m < 0n) v = c.neg(v);
  const u = c.div(a.im, c.add(v, v));
  return u && { re: u, im: v };
}

/**
 * Value of a scalar tree as a complex number, or null: `i`, square roots, logarithms and powers of negatives and of complex
 * values, with the conventions of the doubles in numeric.ts (principal values; an odd root of a negative is real). Functions
 * other than these take real values only.
 */
export function evalComplex(c: Ctx, n: MathNode, env: PreciseEnv): CBF | null {
  c.budget.tick();
  switch (n.k) {
    case "sym":
      if (n.name === "i" && !env.has("i")) return { re: ZERO, im: c.int(1n) };
      return realOrNull(evalNode(c, n, env));
    case "num":
      return realOrNull(evalNode(c, n, env));
    case "neg": {
      const a = evalComplex(c, n.a, env);
      return a && { re: c.neg(a.re), im: c.neg(a.im) };
    }
    case "add":
    case "sub":
    case "mul":
    case "div": {
      const a = evalComplex(c, n.a, env);
      const b = a && evalComplex(c, n.b, env);
      if (!a || !b) return null;
      if (n.k === "add") return { re: c.add(a.re, b.re), im: c.add(a.im, b.im) };
      if (n.k === "sub") return { re: c.sub(a.re, b.re), im: c.sub(a.im, b.im) };
      if (n.k === "mul") return cMul(c, a, b);
      return cDiv(c, a, b);
    }
    case "pow": {
      const r = evalNode(c, n, env);
      return r ? real(r) : complexPow(c, n.a, n.b, env);
    }
    case "fn": {
      const r = evalNode(c, n, env);
      return r ? real(r) : complexFn(c, n.name, n.args, env);
    }
    default:
      return null;
  }
}

function realOrNull(x: BF | null): CBF | null {
  return x && real(x);
}

/** The nearest integer to x when x is within 2^-(p/2) of it (relative), else null. */
function nearInteger(c: Ctx, x: BF): bigint | null {
  const k = x.e >= 0 ? x.m << BigInt(x.e) : (x.m + (1n << BigInt(-x.e - 1))) >> BigInt(-x.e);
  const d = c.sub(x, c.int(k));
  return d.m === 0n || top(d) < Math.max(top(x), 0) - c.p / 2 ? k : null;
}

function complexPow(c: Ctx, baseNode: MathNode, expNode: MathNode, env: PreciseEnv): CBF | null {
  const a = evalComplex(c, baseNode, env);
  if (!a) return null;
  const b = evalComplex(c, expNode, env);
  if (!b) return null;
  for (const x of [b.re, b.im]) if (x.m !== 0n) c.minTop = Math.min(c.minTop, top(x));
  if (b.im.m === 0n) {
    const k = asInteger(c, b.re);
    if (k !== null) return k > 1n << 40n || k < -(1n << 40n) ? null : cPowInt(c, a, k);
    // an odd root of a negative stays real (numeric.ts): (-8)^{1/3} is -2
    if (a.im.m === 0n && a.re.m < 0n) {
      const inv = c.div(c.int(1n), b.re);
      const k = inv && nearInteger(c, inv);
      if (k && k % 2n !== 0n && k <= 1n << 62n && k >= -(1n << 62n)) {
        const r = c.root(a.re, k < 0n ? -k : k);
        return r && realOrNull(k < 0n ? c.div(c.int(1n), r) : r);
      }
    }
  }
  if (a.re.m === 0n && a.im.m === 0n) return b.im.m === 0n && b.re.m > 0n ? real(ZERO) : null;
  const l = cLog(c, a);
  return l && cExp(c, cMul(c, b, l));
}

function complexFn(c: Ctx, name: string, args: MathNode[], env: PreciseEnv): CBF | null {
  if (!["sqrt", "exp", "ln", "log", "log10", "abs", "root", "percent"].includes(name)) return null;
  const a = evalComplex(c, args[0], env);
  if (!a) return null;
  for (const x of [a.re, a.im]) if (x.m !== 0n) c.minTop = Math.min(c.minTop, top(x));
  switch (name) {
    case "sqrt":
      return cSqrt(c, a);
    case "exp":
      return cExp(c, a);
    case "abs":
      return realOrNull(c.sqrt(c.add(c.mul(a.re, a.re), c.mul(a.im, a.im))));
    case "percent":
      return cDiv(c, a, real(c.int(100n)));
    case "root": {
      const idx = evalNode(c, args[1], env);
      const k = idx && asInteger(c, idx);
      if (k === null || k === undefined || k < 1n || k > 1n << 62n) return null;
      if (a.im.m === 0n && a.re.m < 0n && k % 2n === 1n) return realOrNull(c.root(a.re, k));
      const l = cLog(c, a);
      const q = l && cDiv(c, l, real(c.int(k)));
      return q && cExp(c, q);
    }
    default: {
      // ln, log (base 10 unless given), log10
      const la = cLog(c, a);
      if (!la) return null;
      if (name === "ln") return la;
      const base = name === "log" && args[1] ? evalComplex(c, args[1], env) : real(c.int(10n));
      const lb = base && cLog(c, base);
      return lb && cDiv(c, la, lb);
    }
  }
}
