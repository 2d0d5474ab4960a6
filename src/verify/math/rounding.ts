/**
 * Decimal rounding for comparing a written decimal with an exact value at Math-Verify's
 * `float_rounding` places (significant digits below 0.1, so tiny values never collapse to 0): round
 * a rational or a binary float to a number of decimal places, a value's decimal exponent, and the
 * places two values must agree to.
 */
import { top, type BF } from "./bigfloat.js";
import { Rational } from "./rational.js";

const LOG10_2 = Math.log10(2);

/** Round half away from zero: the integer nearest to x · 10^places. */
export function roundRational(x: Rational, places: number): bigint {
  const num = places >= 0 ? x.num * 10n ** BigInt(places) : x.num;
  const den = places >= 0 ? x.den : x.den * 10n ** BigInt(-places);
  const neg = num < 0n;
  const a = neg ? -num : num;
  const r = (2n * a + den) / (2n * den);
  return neg ? -r : r;
}

/** Round a binary float half away from zero: the integer nearest to x · 10^places. */
export function roundBF(x: BF, places: number): bigint {
  if (x.m === 0n) return 0n;
  const scaled = places >= 0 ? x.m * 10n ** BigInt(places) : x.m;
  let e = x.e;
  let m = scaled;
  if (places < 0) {
    // divide by 10^-places: fold into the exponent via a shift of enough bits
    const d = 10n ** BigInt(-places);
    m = (scaled << 64n) / d;
    e -= 64;
  }
  if (e >= 0) return m << BigInt(e);
  const neg = m < 0n;
  const a = neg ? -m : m;
  const r = (a + (1n << BigInt(-e - 1))) >> BigInt(-e);
  return neg ? -r : r;
}

/** log10 of |x| rounded down (a value's decimal exponent), from its bit length. */
export function decimalExponent(x: Rational | BF): number {
  if (x instanceof Rational) {
    if (x.isZero()) return -Infinity;
    const n = x.num < 0n ? -x.num : x.num;
    let e = n.toString().length - x.den.toString().length;
    // correct by one when n/den < 10^e
    const lhs = e >= 0 ? n : n * 10n ** BigInt(-e);
    const rhs = e >= 0 ? x.den * 10n ** BigInt(e) : x.den;
    if (lhs < rhs) e--;
    return e;
  }
  return x.m === 0n ? -Infinity : Math.floor((top(x) - 1) * LOG10_2);
}

/** Decimal places two values must agree to: `p` places, and `p` significant digits below 0.1. */
export function placesFor(p: number, exps: number[]): number {
  const e = Math.max(...exps.filter((x) => Number.isFinite(x)), -Infinity);
  if (!Number.isFinite(e)) return p;
  return Math.min(4000, Math.max(p, p - 1 - e));
}
