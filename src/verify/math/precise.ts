/**
 * Arbitrary-precision real evaluation of scalar trees, for deciding equality of values that are not
 * exact rationals (`\sqrt{2}`, `\pi`, `\sqrt[10^9]{2}`, `\sin(\pi/6)`) without the blind spot of
 * doubles: a float check at 1e-8 calls `\sqrt2` and `\frac{665857}{470832}` equal (they differ by
 * 1.6e-12). Numbers are binary floats with a bigint mantissa (`m · 2^e`), so they neither overflow
 * nor underflow (`\frac{1}{2004!}` is not 0). `preciselyEqual` evaluates the difference at two
 * precisions: a true zero shrinks as the precision grows, a real difference does not.
 * Anything this layer does not support (complex values, unknown functions) gives null, and callers
 * fall back to floats or to structure.
 */
import type { MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { Rational } from "./rational.js";

/** A binary float `m · 2^e` (m = 0n for zero). */
export interface BF {
  m: bigint;
  e: number;
}

/** Largest precision (bits) ever used: bounds the work on huge inputs. */
const MAX_PREC = 12000;
/** Largest n whose n! is evaluated. */
const MAX_FACT = 5000;

const ZERO: BF = { m: 0n, e: 0 };

function bitlen(x: bigint): number {
  if (x < 0n) x = -x;
  if (x === 0n) return 0;
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}

/** Position just above the highest set bit: |x| is in [2^(top-1), 2^top). -Infinity for 0. */
export function top(x: BF): number {
  return x.m === 0n ? -Infinity : x.e + bitlen(x.m);
}

class Ctx {
  /** Largest magnitude (top bit) of any value added or subtracted: sums of values this large need this many bits more. */
  maxTop = 0;
  /**
   * Smallest magnitude (top bit) of any nonzero value added or subtracted, or passed to a function: a term
   * this small is lost at a precision that does not reach down to it (`2 + e^{-1000}` is 2 at 160 bits).
   */
  minTop = Infinity;
  constructor(
    readonly p: number,
    readonly budget: Deadline,
  ) {}
  norm(m: bigint, e: number): BF {
    if (m === 0n) return ZERO;
    const len = bitlen(m);
    if (len > this.p) {
      const s = len - this.p;
      return { m: m >> BigInt(s), e: e + s };
    }
    return { m, e };
  }
  int(n: bigint): BF {
    return this.norm(n, 0);
  }
  add(a: BF, b: BF): BF {
    this.budget.tick();
    if (a.m === 0n) return b;
    if (b.m === 0n) return a;
    // a sum of large values needs bits for their size before its difference shows (10^{2000} + 1)
    const t = Math.max(top(a), top(b));
    if (t > this.maxTop) this.maxTop = t;
    this.minTop = Math.min(this.minTop, top(a), top(b));
    if (top(a) - top(b) > this.p + 8) return a;
    if (top(b) - top(a) > this.p + 8) return b;
    if (a.e >= b.e) return this.norm((a.m << BigInt(a.e - b.e)) + b.m, b.e);
    return this.norm(a.m + (b.m << BigInt(b.e - a.e)), a.e);
  }
  neg(a: BF): BF {
    return { m: -a.m, e: a.e };
  }
  sub(a: BF, b: BF): BF {
    return this.add(a, this.neg(b));
  }
  mul(a: BF, b: BF): BF {
    this.budget.tick();
    return this.norm(a.m * b.m, a.e + b.e);
  }
  div(a: BF, b: BF): BF | null {
    this.budget.tick();
    if (b.m === 0n) return null;
    if (a.m === 0n) return ZERO;
    const s = this.p + bitlen(b.m) - bitlen(a.m) + 2;
    const shift = Math.max(0, s);
    return this.norm((a.m << BigInt(shift)) / b.m, a.e - b.e - shift);
  }
  powInt(a: BF, n: bigint): BF | null {
    if (n < 0n) {
      const p = this.powInt(a, -n);
      return p && this.div(this.int(1n), p);
    }
    let result = this.int(1n);
    let base = a;
    while (n > 0n) {
      if (n & 1n) result = this.mul(result, base);
      n >>= 1n;
      if (n > 0n) base = this.mul(base, base);
    }
    return result;
  }
  sqrt(a: BF): BF | null {
    if (a.m < 0n) return null;
    if (a.m === 0n) return ZERO;
    let s = 2 * this.p + 4 - bitlen(a.m);
    if (s < 0) s = 0;
    if ((a.e - s) % 2 !== 0) s++;
    return this.norm(isqrt(a.m << BigInt(s)), (a.e - s) / 2);
  }
  /** The real k-th root (odd k for negatives), by Newton from a double-precision start. */
  root(a: BF, k: bigint): BF | null {
    if (k === 1n) return a;
    if (k < 1n) return null;
    if (a.m === 0n) return ZERO;
    if (a.m < 0n) {
      if (k % 2n === 0n) return null;
      const r = this.root(this.neg(a), k);
      return r && this.neg(r);
    }
    const kn = Number(k);
    const len = bitlen(a.m);
    const shift = Math.max(0, len - 53);
    const log2a = Math.log2(Number(a.m >> BigInt(shift))) + a.e + shift;
    let x = fromFloatLog2(log2a / kn);
    const kb = this.int(k);
    const km1 = this.int(k - 1n);
    for (let i = 0; i < 60; i++) {
      const xk1 = this.powInt(x, k - 1n);
      if (!xk1) return null;
      const q = this.div(a, xk1);
      if (!q) return null;
      const next = this.div(this.add(this.mul(km1, x), q), kb);
      if (!next) return null;
      const d = this.sub(next, x);
      x = next;
      if (d.m === 0n || top(d) < top(x) - this.p + 4) break;
    }
    return x;
  }
  /** A constant computed in fixed point with `w` fractional bits. */
  fixed(v: bigint, w: number): BF {
    return this.norm(v, -w);
  }
  toFixed(a: BF, w: number): bigint {
    const s = a.e + w;
    return s >= 0 ? a.m << BigInt(s) : a.m >> BigInt(-s);
  }
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitlen(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** 2^l as a BF (l may be any finite double). */
function fromFloatLog2(l: number): BF {
  const i = Math.floor(l);
  const f = 2 ** (l - i);
  return { m: BigInt(Math.round(f * 2 ** 52)), e: i - 52 };
}

/** A double as an exact BF (null for NaN and infinities). */
export function fromFloat(d: number): BF | null {
  if (!Number.isFinite(d)) return null;
  if (d === 0) return ZERO;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = exp - 1075;
  }
  return { m: d < 0 ? -m : m, e };
}

/** Nearest double (±Infinity or 0 outside the double range). */
export function toFloat(a: BF): number {
  if (a.m === 0n) return 0;
  const len = bitlen(a.m);
  const s = Math.max(0, len - 60);
  return Number(a.m >> BigInt(s)) * 2 ** (a.e + s);
}

// ---- constants, cached by working width ----
const constCache = new Map<string, bigint>();

/** atan(1/x) · 2^w by its series. */
function atanInv(x: bigint, w: number, budget: Deadline): bigint {
  const one = 1n << BigInt(w);
  let term = one / x;
  const x2 = x * x;
  let sum = term;
  for (let k = 1n; term !== 0n; k++) {
    budget.tick();
    term /= x2;
    sum += (k % 2n === 1n ? -term : term) / (2n * k + 1n);
  }
  return sum;
}

function piFixed(w: number, budget: Deadline): bigint {
  const key = `pi${w}`;
  let v = constCache.get(key);
  if (v === undefined) {
    v = 16n * atanInv(5n, w + 8, budget) - 4n * atanInv(239n, w + 8, budget);
    v >>= 8n;
    if (constCache.size > 64) constCache.clear();
    constCache.set(key, v);
  }
  return v;
}

function ln2Fixed(w: number, budget: Deadline): bigint {
  const key = `ln2${w}`;
  let v = constCache.get(key);
  if (v === undefined) {
    // ln 2 = 2 atanh(1/3) = 2 Σ 1/((2k+1) 3^(2k+1))
    const W = w + 8;
    let term = (1n << BigInt(W)) / 3n;
    let sum = term;
    for (let k = 1n; term !== 0n; k++) {
      budget.tick();
      term /= 9n;
      sum += term / (2n * k + 1n);
    }
    v = (2n * sum) >> 8n;
    if (constCache.size > 64) constCache.clear();
    constCache.set(key, v);
  }
  return v;
}

/** exp(r) · 2^w for |r| ≤ 1 given in fixed point with w bits. */
function expSmallFixed(r: bigint, w: number, budget: Deadline): bigint {
  const one = 1n << BigInt(w);
  let term = one;
  let sum = one;
  for (let k = 1n; term !== 0n; k++) {
    budget.tick();
    term = (term * r) / (1n << BigInt(w));
    term /= k;
    sum += term;
  }
  return sum;
}

function exp(c: Ctx, a: BF): BF | null {
  const x = toFloat(a);
  if (!(Math.abs(x) < 1e6)) return null;
  const w = c.p + 40;
  const ln2 = ln2Fixed(w, c.budget);
  const k = Math.round(x / Math.LN2);
  const r = c.toFixed(a, w) - BigInt(k) * ln2;
  const v = expSmallFixed(r, w, c.budget);
  return c.norm(v, k - w);
}

function ln(c: Ctx, a: BF): BF | null {
  if (a.m <= 0n) return null;
  const w = c.p + 40;
  const len = bitlen(a.m);
  // a = y · 2^(e+len), y in [1/2, 1)
  const y = (a.m << BigInt(Math.max(0, w - len))) >> BigInt(Math.max(0, len - w));
  const one = 1n << BigInt(w);
  // ln y = 2 atanh(z), z = (y-1)/(y+1)
  const z = ((y - one) << BigInt(w)) / (y + one);
  const z2 = (z * z) >> BigInt(w);
  let term = z;
  let sum = z;
  for (let k = 1n; term !== 0n; k++) {
    c.budget.tick();
    term = (term * z2) / (1n << BigInt(w));
    sum += term / (2n * k + 1n);
  }
  const lny = 2n * sum;
  const total = lny + BigInt(a.e + len) * ln2Fixed(w, c.budget);
  return c.norm(total, -w);
}

/** sin and cos of a (|a| < 2^40), by reduction modulo π/2 and Taylor series. */
function sinCos(c: Ctx, a: BF): { sin: BF; cos: BF } | null {
  const x = toFloat(a);
  if (!(Math.abs(x) < 2 ** 40)) return null;
  const w = c.p + 80;
  const halfPi = piFixed(w, c.budget) >> 1n;
  const k = Math.round(x / (Math.PI / 2));
  const r = c.toFixed(a, w) - BigInt(k) * halfPi;
  const r2 = (r * r) >> BigInt(w);
  let term = r;
  let s = r;
  for (let n = 1n; term !== 0n; n++) {
    c.budget.tick();
    term = -((term * r2) / (1n << BigInt(w))) / (2n * n * (2n * n + 1n));
    s += term;
  }
  term = 1n << BigInt(w);
  let co = term;
  for (let n = 1n; term !== 0n; n++) {
    c.budget.tick();
    term = -((term * r2) / (1n << BigInt(w))) / ((2n * n - 1n) * (2n * n));
    co += term;
  }
  const q = ((k % 4) + 4) % 4;
  const [sv, cv] = q === 0 ? [s, co] : q === 1 ? [co, -s] : q === 2 ? [-s, -co] : [-co, s];
  return { sin: c.norm(sv, -w), cos: c.norm(cv, -w) };
}

function atan(c: Ctx, a: BF): BF | null {
  // atan(x) = 2 atan(x / (1 + sqrt(1 + x^2))), applied until |x| < 1/8, then the series
  let x = a;
  let doublings = 0;
  const one = c.int(1n);
  while (top(x) > -3 && doublings < 80) {
    const s = c.sqrt(c.add(one, c.mul(x, x)));
    if (!s) return null;
    const d = c.div(x, c.add(one, s));
    if (!d) return null;
    x = d;
    doublings++;
  }
  const w = c.p + 40;
  const xf = c.toFixed(x, w);
  const x2 = (xf * xf) >> BigInt(w);
  let term = xf;
  let sum = xf;
  for (let k = 1n; term !== 0n; k++) {
    c.budget.tick();
    term = -((term * x2) / (1n << BigInt(w)));
    sum += term / (2n * k + 1n);
  }
  return c.norm(sum << BigInt(doublings), -w);
}

/** Variable values for one evaluation point. */
export type PreciseEnv = Map<string, BF>;

function evalNode(c: Ctx, n: MathNode, env: PreciseEnv): BF | null {
  c.budget.tick();
  switch (n.k) {
    case "num":
      if (!n.value) return null;
      return c.div(c.int(n.value.num), c.int(n.value.den));
    case "sym": {
      const v = env.get(n.name);
      if (v) return v;
      if (n.name === "pi") return c.fixed(piFixed(c.p + 8, c.budget), c.p + 8);
      if (n.name === "e") return exp(c, c.int(1n));
      return null;
    }
    case "neg": {
      const a = evalNode(c, n.a, env);
      return a && c.neg(a);
    }
    case "add":
    case "sub":
    case "mul":
    case "div": {
      const a = evalNode(c, n.a, env);
      if (!a) return null;
      const b = evalNode(c, n.b, env);
      if (!b) return null;
      if (n.k === "add") return c.add(a, b);
      if (n.k === "sub") return c.sub(a, b);
      if (n.k === "mul") return c.mul(a, b);
      return c.div(a, b);
    }
    case "pow":
      return evalPow(c, n.a, n.b, env);
    case "fn":
      return evalFn(c, n.name, n.args, env);
    default:
      return null;
  }
}

/** The exact small rational p/q of an exponent tree, when it has one (q ≤ 64). */
function smallRational(n: MathNode): { p: bigint; q: bigint } | null {
  if (n.k === "num" && n.value) return { p: n.value.num, q: n.value.den };
  if (n.k === "neg") {
    const r = smallRational(n.a);
    return r && { p: -r.p, q: r.q };
  }
  if (n.k === "div" && n.a.k === "num" && n.b.k === "num" && n.a.value && n.b.value && n.a.value.isInteger() && n.b.value.isInteger() && n.b.value.num !== 0n) {
    let p = n.a.value.num;
    let q = n.b.value.num;
    if (q < 0n) {
      p = -p;
      q = -q;
    }
    return { p, q };
  }
  return null;
}

function asInteger(c: Ctx, x: BF): bigint | null {
  if (x.m === 0n) return 0n;
  if (x.e >= 0) return x.e > 64 ? null : x.m << BigInt(x.e);
  const r = x.m >> BigInt(-x.e);
  return r << BigInt(-x.e) === x.m ? r : null;
}

function evalPow(c: Ctx, baseNode: MathNode, expNode: MathNode, env: PreciseEnv): BF | null {
  const base = evalNode(c, baseNode, env);
  if (!base) return null;
  const r = smallRational(expNode);
  if (r && r.q <= 1n << 62n) {
    const abs = r.p < 0n ? -r.p : r.p;
    if (abs > 1n << 40n) return null;
    const root = r.q === 1n ? base : c.root(base, r.q);
    return root && c.powInt(root, r.p);
  }
  const ex = evalNode(c, expNode, env);
  if (!ex) return null;
  // (a tiny exponent moves the value by a tiny amount: e^{e^{-300}} is 1 + 2^{-433})
  if (ex.m !== 0n) c.minTop = Math.min(c.minTop, top(ex));
  const k = asInteger(c, ex);
  if (k !== null) {
    if (k > 1n << 40n || k < -(1n << 40n)) return null;
    return c.powInt(base, k);
  }
  if (base.m <= 0n) return null;
  const l = ln(c, base);
  return l && exp(c, c.mul(ex, l));
}

function evalFn(c: Ctx, name: string, args: MathNode[], env: PreciseEnv): BF | null {
  if (name === "root") {
    const idx = evalNode(c, args[1], env);
    const k = idx && asInteger(c, idx);
    if (k === null || k === undefined || k < 1n || k > 1n << 62n) return null;
    const a = evalNode(c, args[0], env);
    return a && c.root(a, k);
  }
  if (name === "max" || name === "min" || name === "gcd" || name === "lcm" || name === "mod") return evalListFn(c, name, args, env);
  if (name === "floor" || name === "ceil") {
    const f = floorExact(args[0], env, c.budget);
    return f === null ? null : c.int(name === "floor" || f.exact ? f.k : f.k + 1n);
  }
  const a = evalNode(c, args[0], env);
  if (!a) return null;
  // (a tiny argument moves the value by a tiny amount: cos(e^{-300}) is 1 - 2^{-867})
  if (a.m !== 0n) c.minTop = Math.min(c.minTop, top(a));
  switch (name) {
    case "sqrt":
      return c.sqrt(a);
    case "abs":
      return a.m < 0n ? c.neg(a) : a;
    case "percent":
      return c.div(a, c.int(100n));
    case "exp":
      return exp(c, a);
    case "ln":
      return ln(c, a);
    case "log":
    case "log10": {
      const la = ln(c, a);
      if (!la) return null;
      let base: BF | null = c.int(10n);
      if (name === "log" && args[1]) base = evalNode(c, args[1], env);
      const lb = base && ln(c, base);
      return lb && c.div(la, lb);
    }
    case "fact": {
      const n = integerArg(c, a, args[0], env);
      if (n === null || n < 0n || n > BigInt(MAX_FACT)) return null;
      let acc = 1n;
      for (let i = 2n; i <= n; i++) {
        acc *= i;
        c.budget.tick();
      }
      return c.int(acc);
    }
    case "binom": {
      const n = integerArg(c, a, args[0], env);
      const kv = evalNode(c, args[1], env);
      const k = kv && integerArg(c, kv, args[1], env);
      if (n === null || k === null || k === undefined || n < 0n || k < 0n || n > 100000n || k > 5000n) return null;
      if (k > n) return ZERO;
      let acc = 1n;
      for (let i = 0n; i < k; i++) {
        acc = (acc * (n - i)) / (i + 1n);
        c.budget.tick();
      }
      return c.int(acc);
    }
    case "sin":
    case "cos":
    case "tan":
    case "cot":
    case "sec":
    case "csc": {
      const sc = sinCos(c, a);
      if (!sc) return null;
      if (name === "sin") return sc.sin;
      if (name === "cos") return sc.cos;
      if (name === "tan") return c.div(sc.sin, sc.cos);
      if (name === "cot") return c.div(sc.cos, sc.sin);
      if (name === "sec") return c.div(c.int(1n), sc.cos);
      return c.div(c.int(1n), sc.sin);
    }
    case "arctan":
      return atan(c, a);
    case "arcsin":
    case "arccos": {
      // asin x = atan(x / sqrt(1 - x^2)); acos x = π/2 - asin x
      const one = c.int(1n);
      const s = c.sqrt(c.sub(one, c.mul(a, a)));
      if (!s || s.m === 0n) return null;
      const q = c.div(a, s);
      const as = q && atan(c, q);
      if (!as) return null;
      if (name === "arcsin") return as;
      return c.sub(c.fixed(piFixed(c.p + 8, c.budget) >> 1n, c.p + 8), as);
    }
    case "sinh":
    case "cosh":
    case "tanh": {
      const ep = exp(c, a);
      const em = exp(c, c.neg(a));
      if (!ep || !em) return null;
      if (name === "sinh") return c.div(c.sub(ep, em), c.int(2n));
      if (name === "cosh") return c.div(c.add(ep, em), c.int(2n));
      return c.div(c.sub(ep, em), c.add(ep, em));
    }
    default:
      return null;
  }
}

/** A floor, ceiling or mod needs a term below every precision used here (`\\lfloor 3 - e^{-5000} \\rfloor`). */
class BeyondPrecisionError extends Error {}

/** Floors already decided, per argument and evaluation point (each is decided once, however deep it is nested). */
const floors = new WeakMap<MathNode, WeakMap<PreciseEnv, { k: bigint; exact: boolean } | null>>();

/** An integer literal node. */
function intNode(k: bigint): MathNode {
  return { k: "num", value: Rational.of(k), approx: false, text: k.toString() };
}

/**
 * ⌊arg⌋ at `env`, and whether arg is that integer exactly; null when arg is not a real value computed here.
 * The floor is not read off a value at one precision (a value that lands on an integer, `\\sqrt{3}^2`,
 * `\\tan(\\pi/4)`, is a hair to either side of it, and cancellation can move it by more than its last
 * place): arg is compared with the integers next to its value the way `preciselyEqual` compares two values.
 * Throws `BeyondPrecisionError` when a comparison needs more bits than are ever used here.
 */
function floorExact(arg: MathNode, env: PreciseEnv, budget: Deadline): { k: bigint; exact: boolean } | null {
  let memo = floors.get(arg);
  if (!memo) floors.set(arg, (memo = new WeakMap()));
  const known = memo.get(env);
  if (known !== undefined) return known;
  const p = Math.min(MAX_PREC / 2, Math.max(160, 2 * literalBits(arg) + 96));
  let v = valueAt(arg, env, p, budget);
  let result: { k: bigint; exact: boolean } | null = null;
  if (v) {
    if (top(v) > MAX_PREC / 8) throw new BeyondPrecisionError();
    // (the integer part of a large value needs bits for all its digits: \lfloor 10^{50}\pi \rfloor)
    if (top(v) + 64 > p) v = valueAt(arg, env, top(v) + 128, budget);
    if (!v) throw new BeyondPrecisionError();
    let k = v.m === 0n ? 0n : v.e >= 0 ? v.m << BigInt(v.e) : v.m >> BigInt(-v.e);
    const sign = (n: bigint): number => {
      const s = preciseCompare(arg, intNode(n), env, budget);
      if (s === BEYOND_PRECISION || s === null || Number.isNaN(s)) throw new BeyondPrecisionError();
      return s;
    };
    for (let step = 0; step < 4 && !result; step++) {
      const s = sign(k);
      if (s === 0) result = { k, exact: true };
      else if (s < 0) k -= 1n;
      else if (sign(k + 1n) < 0) result = { k, exact: false };
      else k += 1n;
    }
    if (!result) throw new BeyondPrecisionError();
  }
  memo.set(env, result);
  return result;
}

/**
 * The integer an argument is (its value `v` held exactly, or decided as floors are: `(\\sqrt{3}^2)!` is 3!), or null
 * when it is no integer: a factorial or binomial of a value a hair off an integer must not fall back to doubles.
 */
function integerArg(c: Ctx, v: BF, node: MathNode, env: PreciseEnv): bigint | null {
  const n = asInteger(c, v);
  if (n !== null) return n;
  const f = floorExact(node, env, c.budget);
  return f !== null && f.exact ? f.k : null;
}

/** The quotient node a/m of a mod's arguments (one per mod, so its floor is decided once). */
const quotients = new WeakMap<MathNode[], MathNode>();

/** max, min (any values), gcd, lcm (integers only) and mod, or null. */
function evalListFn(c: Ctx, name: string, args: MathNode[], env: PreciseEnv): BF | null {
  const xs: BF[] = [];
  for (const x of args) {
    const v = evalNode(c, x, env);
    if (!v) return null;
    xs.push(v);
  }
  if (xs.length === 0) return null;
  if (name === "max" || name === "min") {
    let best = xs[0];
    for (const x of xs.slice(1)) {
      const d = c.sub(x, best);
      if ((name === "max" && d.m > 0n) || (name === "min" && d.m < 0n)) best = x;
    }
    return best;
  }
  // (an integer argument computed inexactly, \\sqrt{2}^2, is decided as floors are)
  const fs = args.map((x) => floorExact(x, env, c.budget));
  if (fs.some((f) => f === null)) return null;
  if (fs.some((f) => !f!.exact)) {
    // a real a mod m is a - m⌊a/m⌋; gcd and lcm take integers only
    if (name !== "mod" || args.length !== 2 || xs[1].m === 0n) return null;
    let q = quotients.get(args);
    if (!q) quotients.set(args, (q = { k: "div", a: args[0], b: args[1] }));
    const f = floorExact(q, env, c.budget);
    return f && c.sub(xs[0], c.mul(xs[1], c.int(f.k)));
  }
  const v = fs.map((f) => f!.k);
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  const gcd = (p: bigint, q: bigint): bigint => {
    p = abs(p);
    q = abs(q);
    while (q !== 0n) [p, q] = [q, p % q];
    return p;
  };
  if (name === "gcd") return c.int(v.reduce(gcd));
  if (name === "lcm") return c.int(v.reduce((p, q) => (p === 0n || q === 0n ? 0n : abs(p * q) / gcd(p, q))));
  if (v.length !== 2 || v[1] === 0n) return null;
  return c.int(((v[0] % v[1]) + v[1]) % v[1]);
}

/** Bits in the literals of a tree: the working precision grows with them (a rational p/q needs ~2·log2 q bits to tell it from a nearby irrational). */
export function literalBits(n: MathNode): number {
  switch (n.k) {
    case "num":
      return n.value ? bitlen(n.value.num) + bitlen(n.value.den) : 64;
    case "neg":
      return literalBits(n.a);
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow":
      return literalBits(n.a) + literalBits(n.b);
    case "fn":
      return n.args.reduce((s, x) => s + literalBits(x), 0);
    default:
      return 0;
  }
}

/**
 * Value of a scalar tree at precision `p` bits (raised, up to a cap, when intermediate values are
 * so large that `p` bits could not hold a difference of them: `10^{2000} + 1`), or null when it is
 * not a real value this layer computes.
 */
export function preciseValue(n: MathNode, env: PreciseEnv, p: number, budget: Deadline, range?: { minTop: number; maxTop: number }): BF | null {
  try {
    return valueAt(n, env, p, budget, range);
  } catch (e) {
    if (e instanceof BeyondPrecisionError) return null;
    throw e;
  }
}

/** `preciseValue`, but a floor beyond every precision here throws `BeyondPrecisionError`. */
function valueAt(n: MathNode, env: PreciseEnv, p: number, budget: Deadline, range?: { minTop: number; maxTop: number }): BF | null {
  try {
    let prec = Math.min(p, MAX_PREC);
    for (let attempt = 0; attempt < 2; attempt++) {
      const c = new Ctx(prec, budget);
      const v = evalNode(c, n, env);
      if (!v) return null;
      if (range) {
        range.minTop = Math.min(range.minTop, c.minTop);
        range.maxTop = Math.max(range.maxTop, c.maxTop);
      }
      if (c.maxTop <= prec / 2 - 32) return v;
      const need = 2 * c.maxTop + p;
      if (need > MAX_PREC) return null;
      prec = need;
    }
    return null;
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

/** `preciselyEqual`'s answer when telling the values apart needs more bits than it ever uses (`2 + 10^{-5000}` against 2). */
export const BEYOND_PRECISION = "beyond-precision" as const;

/**
 * Whether two scalar trees have the same real value at `env`: true, false, null when either side is not
 * computable here, or `BEYOND_PRECISION` when a term is too small for any precision used here (callers
 * then compare by structure, never call the values equal). The difference is evaluated at precision P and
 * 2P: equal values give a difference that shrinks with the precision (rounding noise), different values a
 * difference that stays. P grows with the size of the literals and reaches down to the smallest term the
 * values add or pass to a function, so `\sqrt{2}` ≠ `\frac{665857}{470832}`, `1` ≠ `\sqrt[10^9]{2}`,
 * `\frac{1}{2004!}` ≠ `\frac{1}{2006!}` and `2 + e^{-1000}` ≠ `2`, while `\sin(\pi/6)` = `\frac12`.
 */
export function preciselyEqual(a: MathNode, b: MathNode, env: PreciseEnv, budget: Deadline): boolean | null | typeof BEYOND_PRECISION {
  const s = preciseCompare(a, b, env, budget);
  return s === null || s === BEYOND_PRECISION ? s : s === 0;
}

/**
 * `preciselyEqual` as a comparison: 0 for equal values, the sign of a - b where the difference is real and
 * stands above the rounding noise, NaN for different values whose order was not shown, null or `BEYOND_PRECISION`.
 */
function preciseCompare(a: MathNode, b: MathNode, env: PreciseEnv, budget: Deadline): number | null | typeof BEYOND_PRECISION {
  try {
    return compareAt(a, b, env, budget);
  } catch (e) {
    if (e instanceof BeyondPrecisionError) return BEYOND_PRECISION;
    throw e;
  }
}

function compareAt(a: MathNode, b: MathNode, env: PreciseEnv, budget: Deadline): number | null | typeof BEYOND_PRECISION {
  let p = Math.min(MAX_PREC / 2, Math.max(160, 2 * (literalBits(a) + literalBits(b)) + 96));
  const range = { minTop: Infinity, maxTop: -Infinity };
  let va = valueAt(a, env, p, budget, range);
  if (!va) return null;
  let vb = valueAt(b, env, p, budget, range);
  if (!vb) return null;
  // a term below what p bits resolve next to the largest value (twice its depth: cos of a tiny x moves by x^2)
  const span = range.maxTop - range.minTop;
  if (Number.isFinite(span) && span > p / 2 - 32) {
    const need = 2 * span + 96;
    if (need > MAX_PREC / 2) return BEYOND_PRECISION;
    p = need;
    va = valueAt(a, env, p, budget);
    vb = va && valueAt(b, env, p, budget);
    if (!va || !vb) return null;
  }
  for (;;) {
    const wa = valueAt(a, env, 2 * p, budget);
    const wb = wa && valueAt(b, env, 2 * p, budget);
    if (!wa || !wb) return null;
    const d2 = new Ctx(2 * p, budget).sub(wa, wb);
    if (d2.m === 0n) return 0;
    const d1 = new Ctx(p, budget).sub(va, vb);
    const scale = Math.max(top(wa), top(wb));
    // each side's own error at p (its value at 2p is far closer); at 2p its error is that, 2^-p smaller
    const err = Math.max(top(new Ctx(2 * p, budget).sub(va, wa)), top(new Ctx(2 * p, budget).sub(vb, wb)), scale - p);
    const noise = err - p;
    // fewer than 32 good bits at p (cancellation amplified the rounding noise: (\sin(\tan x) - \tan(\sin x)) / x^7 for a
    // tiny x is noise at p and at 2p): the values prove nothing there (such noise, shrinking as the precision grows,
    // was "equal" to every gold); evaluate again at 2p and 4p
    if (noise + 32 > Math.max(scale, 0) - p) {
      if (4 * p > MAX_PREC) return BEYOND_PRECISION;
      p *= 2;
      va = wa;
      vb = wb;
      continue;
    }
    // rounding noise shrinks by ~2^-p when the precision doubles; a true difference stays. The difference at 2p must
    // also be no larger than that noise: one hidden under the noise at p shows at 2p ((1 - \cos(10^{-100})) / 10^{-200}
    // is ½ + noise at p, ½ + 10^{-200}/24 at 2p), and d1 only shrank from the noise to it
    const shrank = d1.m === 0n ? top(d2) < scale - (3 * p) / 2 : top(d2) < top(d1) - p / 2;
    if (shrank && top(d2) < noise + 32) return 0;
    return top(d2) >= noise + 32 ? (d2.m > 0n ? 1 : -1) : NaN;
  }
}
