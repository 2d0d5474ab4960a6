/**
 * Exact rational numbers on bigint, normalised (den > 0, gcd 1). Sizes are capped: an operation
 * whose result would pass `MAX_BITS` throws `MathTooLargeError`, and callers fall back to floats.
 */
import { MathTooLargeError } from "./errors.js";

/**
 * Largest numerator or denominator kept exactly, in bits (about 1200 decimal digits): enough for any
 * competition answer, and small enough that one operation takes well under a millisecond.
 */
export const MAX_BITS = 4096;

function bitLength(x: bigint): number {
  if (x < 0n) x = -x;
  if (x === 0n) return 0;
  // toString(16) is linear; fine under the cap.
  return x.toString(16).length * 4;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function check(x: bigint, what: string): bigint {
  if (bitLength(x) > MAX_BITS) throw new MathTooLargeError(what);
  return x;
}

/** An exact rational number. */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  /** num/den, normalised; throws RangeError on a zero denominator. */
  static of(num: bigint, den: bigint = 1n): Rational {
    if (den === 0n) throw new RangeError("division by zero");
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    const g = gcd(num, den);
    if (g > 1n) {
      num /= g;
      den /= g;
    }
    return new Rational(check(num, "numerator"), check(den, "denominator"));
  }

  /** An integer. */
  static int(n: number | bigint): Rational {
    return Rational.of(BigInt(n));
  }

  /** Parse a plain decimal literal like `-12.50`, `.5` or `6.02e23` exactly. Returns null when not one. */
  static parseDecimal(text: string): Rational | null {
    const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d{1,6}))?$/.exec(text);
    if (!m || (m[2] === "" && (m[3] ?? "") === "")) return null;
    const intPart = m[2] || "0";
    const frac = m[3] ?? "";
    const exp = m[4] ? Number(m[4]) - frac.length : -frac.length;
    if (intPart.length + frac.length > 5000 || Math.abs(exp) > 5000) throw new MathTooLargeError("decimal literal");
    let num = BigInt(intPart + frac);
    let den = 1n;
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den = 10n ** BigInt(-exp);
    if (m[1] === "-") num = -num;
    return Rational.of(num, den);
  }

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  isZero(): boolean {
    return this.num === 0n;
  }
  isInteger(): boolean {
    return this.den === 1n;
  }
  sign(): number {
    return this.num > 0n ? 1 : this.num < 0n ? -1 : 0;
  }
  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  div(o: Rational): Rational {
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  equals(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  /** -1, 0 or 1. */
  compare(o: Rational): number {
    const d = this.num * o.den - o.num * this.den;
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  }

  /** this^n for an integer n; throws `MathTooLargeError` when the result would be too large. */
  powInt(n: bigint): Rational {
    if (n === 0n) return Rational.ONE;
    if (this.num === 0n) {
      if (n < 0n) throw new RangeError("division by zero");
      return Rational.ZERO;
    }
    const absN = n < 0n ? -n : n;
    const bits = Math.max(bitLength(this.num), bitLength(this.den));
    if (bits > 1 && Number(absN) * (bits - 1) > MAX_BITS) throw new MathTooLargeError("power");
    if (absN > 100000n) {
      // base is ±1 here
      const r = absN % 2n === 0n ? Rational.of(this.num * this.num, 1n) : this;
      return n < 0n ? Rational.ONE.div(r) : r;
    }
    const p = Rational.of(this.num ** absN, this.den ** absN);
    return n < 0n ? Rational.ONE.div(p) : p;
  }

  /** The exact k-th root when it is rational, else null (k ≥ 2). */
  root(k: number): Rational | null {
    if (this.num < 0n && k % 2 === 0) return null;
    if (bitLength(this.num) > 2048 || bitLength(this.den) > 2048) return null;
    const n = intRoot(this.num < 0n ? -this.num : this.num, k);
    const d = intRoot(this.den, k);
    if (n === null || d === null) return null;
    return Rational.of(this.num < 0n ? -n : n, d);
  }

  /** Nearest float. */
  toNumber(): number {
    if (bitLength(this.num) < 1000 && bitLength(this.den) < 1000) return Number(this.num) / Number(this.den);
    // scale down both to keep precision without overflow
    const shift = BigInt(Math.max(0, Math.max(bitLength(this.num), bitLength(this.den)) - 900));
    const n = Number(this.num >> shift);
    const d = Number(this.den >> shift);
    if (d === 0) return this.num > 0n ? Infinity : -Infinity;
    return n / d;
  }

  /** `n` or `n/d`. */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
}

/** Exact integer k-th root of x ≥ 0, or null when x is not a perfect k-th power. */
function intRoot(x: bigint, k: number): bigint | null {
  if (x < 2n) return x;
  const approx = BigInt(Math.round(Math.pow(Number(x), 1 / k)));
  if (Number.isFinite(Number(x))) {
    for (let c = approx - 1n; c <= approx + 1n; c++) if (c >= 0n && c ** BigInt(k) === x) return c;
    return null;
  }
  // Newton iteration for big values
  let lo = 0n;
  let hi = 1n << BigInt(Math.ceil(bitLength(x) / k) + 1);
  while (lo < hi) {
    const mid = (lo + hi + 1n) / 2n;
    if (mid ** BigInt(k) <= x) lo = mid;
    else hi = mid - 1n;
  }
  return lo ** BigInt(k) === x ? lo : null;
}
