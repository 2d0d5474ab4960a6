/**
 * Values of limits `\lim_{x \to a} f` (PS.g4 `FUNC_LIM limit_sub mp`, latex2sympy2 `handle_limit` →
 * sympy `Limit`, which Math-Verify's grader evaluates with `doit()`): the value of f at a where it is
 * defined and has no jumps, else the value approached at arbitrary precision from both sides (or the
 * side given), read as a 20-digit decimal, or ±∞; null when it does not settle (compared by structure).
 */
import { mapSymbols, type MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { num } from "./derivative.js";
import { freeVariables } from "./numeric.js";
import { preciseValue, toFloat, type BF } from "./precise.js";
import { Rational } from "./rational.js";

/** Functions that jump: the value at the point says nothing about the limit. */
const JUMPS = new Set(["floor", "ceil", "mod", "fact", "gcd", "lcm", "sum", "prod", "int", "antideriv", "lim", "deriv"]);

function hasJump(n: MathNode): boolean {
  switch (n.k) {
    case "fn":
      return JUMPS.has(n.name) || n.args.some(hasJump);
    case "neg":
      return hasJump(n.a);
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow":
      return hasJump(n.a) || hasJump(n.b);
    default:
      return false;
  }
}

/** Working precision (bits) of limits approached numerically. */
const LIMIT_PREC = 480;

function bf(m: bigint, e: number): BF {
  return { m, e };
}

/** A decimal literal of `v` with `digits` significant digits (the limit's value, read as a decimal). */
function decimalNode(v: BF, digits: number): MathNode | null {
  const f = toFloat(v);
  if (!Number.isFinite(f)) return null;
  if (f === 0) return num(Rational.ZERO);
  const text = decimalString(v, digits);
  const value = Rational.parseDecimal(text.replace(/^-/, ""));
  if (!value) return null;
  const lit: MathNode = { k: "num", value, approx: true, text: text.replace(/^-/, "") };
  return text.startsWith("-") ? { k: "neg", a: lit } : lit;
}

/** `v` rounded to `digits` significant decimal digits, as a plain decimal string. */
function decimalString(v: BF, digits: number): string {
  const neg = v.m < 0n;
  const m = neg ? -v.m : v.m;
  // v = m · 2^e; scale to an integer of about `digits` digits: v · 10^s
  const e10 = Math.floor(Math.log10(Math.abs(toFloat(v))));
  const s = digits - 1 - e10;
  let scaled: bigint;
  const pow10 = 10n ** BigInt(Math.abs(s));
  const numer = s >= 0 ? m * pow10 : m;
  const den = s >= 0 ? 1n : pow10;
  if (v.e >= 0) scaled = (numer << BigInt(v.e)) / den;
  else {
    const d = den << BigInt(-v.e);
    scaled = (2n * numer + d) / (2n * d);
  }
  let str = scaled.toString();
  if (s > 0) {
    str = str.padStart(s + 1, "0");
    str = `${str.slice(0, str.length - s)}.${str.slice(str.length - s)}`;
  } else if (s < 0) str = str + "0".repeat(-s);
  return (neg ? "-" : "") + str;
}

/** The value of the limit of `body` as `x` tends to `target` (`side` +1, -1, or 0 for both), or null. */
export function limitValue(body: MathNode, x: string, target: MathNode, side: number, budget: Deadline): MathNode | null {
  const vars = freeVariables(body);
  vars.delete(x);
  if (vars.size > 0 || freeVariables(target).size > 0 || hasJump(body)) return null;
  const infinite = target.k === "sym" && target.name === "inf" ? 1 : target.k === "neg" && target.a.k === "sym" && target.a.name === "inf" ? -1 : 0;
  if (!infinite) {
    // defined (and continuous: no jumps) at the point: the value there
    const at = mapSymbols(body, (s) => (s.name === x ? target : s));
    if (preciseValue(at, new Map(), 128, budget)) return at;
  }
  const a = infinite ? null : preciseValue(target, new Map(), LIMIT_PREC, budget);
  if (!infinite && !a) return null;
  const sides = infinite ? [infinite] : side ? [side] : [1, -1];
  const values: BF[] = [];
  for (const s of sides) {
    const vs: BF[] = [];
    for (const k of [40, 80, 120]) {
      // x = s·(2^k + 1/2) toward ±∞ (not an integer: integer powers that large are not computed); x = a ± 2^-k toward a
      const point = infinite ? bf(BigInt(s) * ((1n << BigInt(k + 1)) + 1n), -1) : addTiny(a!, s, k);
      const v = preciseValue(body, new Map([[x, point]]), LIMIT_PREC, budget);
      if (!v) return null;
      vs.push(v);
    }
    const [v1, v2, v3] = vs.map(toFloat);
    // grows without bound: ±∞
    if (Math.abs(v3) > 1e30 && Math.abs(v3) > 1e6 * Math.abs(v2) && Math.abs(v2) > 1e6 * Math.abs(v1) && Math.sign(v1) === Math.sign(v3)) {
      values.push(bf(v3 > 0 ? 1n : -1n, 100000));
      continue;
    }
    if (!Number.isFinite(v3) || !closeEnough(vs[1], vs[2])) return null;
    values.push(vs[2]);
  }
  if (values.some((v) => v.e === 100000)) {
    if (!values.every((v) => v.e === 100000 && v.m === values[0].m)) return null;
    const inf: MathNode = { k: "sym", name: "inf" };
    return values[0].m > 0n ? inf : { k: "neg", a: inf };
  }
  if (values.length === 2 && !closeEnough(values[0], values[1])) return null;
  return decimalNode(values[values.length - 1], 20);
}

/** a + s·2^-k, exactly. */
function addTiny(a: BF, s: number, k: number): BF {
  const e = Math.min(a.e, -k - 8);
  const m = (a.m << BigInt(a.e - e)) + (BigInt(s) << BigInt(-k - e));
  return bf(m, e);
}

/** |u - v| ≤ 2^-40 · max(1, |v|). */
function closeEnough(u: BF, v: BF): boolean {
  const fu = toFloat(u);
  const fv = toFloat(v);
  if (Math.abs(fu - fv) > 1e-6 * Math.max(1, Math.abs(fv))) return false;
  const e = Math.min(u.e, v.e);
  const d = (u.m << BigInt(u.e - e)) - (v.m << BigInt(v.e - e));
  const ad = d < 0n ? -d : d;
  if (ad === 0n) return true;
  const bits = ad.toString(2).length + e;
  return bits <= Math.max(0, Math.floor(Math.log2(Math.max(1, Math.abs(fv))))) - 40;
}
