/**
 * Binary floats with a bigint mantissa (`m · 2^e`: no overflow, no underflow) at a chosen precision, and the
 * functions precise.ts evaluates with them: arithmetic and roots (`Ctx`), π and ln 2 to any width, exp, ln,
 * sin/cos and atan by their series. Each operation rounds to the context's precision `p` bits and ticks the
 * deadline.
 */
import type { Deadline } from "./deadline.js";

/** A binary float `m · 2^e` (m = 0n for zero). */
export interface BF {
  m: bigint;
  e: number;
}

export const ZERO: BF = { m: 0n, e: 0 };

export function bitlen(x: bigint): number {
  if (x < 0n) x = -x;
  if (x === 0n) return 0;
  const h = x.toString(16);
  return (h.length - 1) * 4 + (32 - Math.clz32(parseInt(h[0], 16)));
}

/** Position just above the highest set bit: |x| is in [2^(top-1), 2^top). -Infinity for 0. */
export function top(x: BF): number {
  return x.m === 0n ? -Infinity : x.e + bitlen(x.m);
}

export class Ctx {
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

export function piFixed(w: number, budget: Deadline): bigint {
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

/** Largest |x| whose exp(x) is computed (the result's binary exponent must stay a safe integer). */
export const MAX_EXP_ARG = 2 ** 40;

export function exp(c: Ctx, a: BF): BF | null {
  const x = toFloat(a);
  if (!(Math.abs(x) < MAX_EXP_ARG)) return null;
  const k = Math.round(x / Math.LN2);
  // (k·ln 2 is subtracted from x: ln 2 needs the bits of k more)
  const w = c.p + 40 + Math.max(0, Math.ceil(Math.log2(Math.abs(k) + 1)) - 20);
  const ln2 = ln2Fixed(w, c.budget);
  const r = c.toFixed(a, w) - BigInt(k) * ln2;
  const v = expSmallFixed(r, w, c.budget);
  return c.norm(v, k - w);
}

export function ln(c: Ctx, a: BF): BF | null {
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

/** Largest binary exponent of an argument of sin and cos (π/2 is taken to that many bits more). */
export const MAX_TRIG_TOP = 4000;

/** sin and cos of a (|a| < 2^4000), by reduction modulo π/2 (with π to the bits of a more) and Taylor series. */
export function sinCos(c: Ctx, a: BF): { sin: BF; cos: BF } | null {
  if (top(a) > MAX_TRIG_TOP) return null;
  const w = c.p + 80 + Math.max(0, top(a));
  const halfPi = piFixed(w, c.budget) >> 1n;
  const af = c.toFixed(a, w);
  // k = round(a / (π/2)), floored division of bigints
  const num = 2n * af + halfPi;
  const den = 2n * halfPi;
  const k = num >= 0n ? num / den : -((-num + den - 1n) / den);
  const r = af - k * halfPi;
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
  const q = Number(((k % 4n) + 4n) % 4n);
  const [sv, cv] = q === 0 ? [s, co] : q === 1 ? [co, -s] : q === 2 ? [-s, -co] : [-co, s];
  return { sin: c.norm(sv, -w), cos: c.norm(cv, -w) };
}

export function atan(c: Ctx, a: BF): BF | null {
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
