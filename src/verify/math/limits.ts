/**
 * Values of limits `\lim_{x \to a} f` (PS.g4 `FUNC_LIM limit_sub mp`, latex2sympy2 `handle_limit` →
 * sympy `Limit`, which Math-Verify's grader evaluates with `doit()`): the value of f at a where it is
 * defined and has no jumps, else the value approached at arbitrary precision from both sides (or the
 * side given), read as a decimal to the digits it settled on (at most 20), or ±∞; null when it does not settle (compared by structure).
 */
import { mapSymbols, type MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { num } from "./derivative.js";
import { freeVariables } from "./numeric.js";
import { exactValue, hasApprox } from "./exact.js";
import { toFloat, type BF } from "./bigfloat.js";
import { preciseValue } from "./precise.js";
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

/**
 * A decimal literal of `v` rounded to `places` decimal places (the digits the approach settled
 * on), read as a written decimal; 0 when nothing is left (`\\lim_{x \\to \\infty} \\frac{1}{x}`).
 */
function decimalNode(v: BF, places: number): MathNode | null {
  if (!Number.isFinite(toFloat(v))) return null;
  const text = decimalString(v, places);
  const value = Rational.parseDecimal(text.replace(/^-/, ""));
  if (!value) return null;
  return num(text.startsWith("-") ? value.neg() : value);
}

function isApprox(n: MathNode): n is Extract<MathNode, { k: "fn" }> {
  return n.k === "fn" && n.name === "approx" && n.args.length === 2;
}

/** A BF as an exact rational. */
function rationalOf(x: BF): Rational {
  return x.e >= 0 ? Rational.of(x.m << BigInt(x.e)) : Rational.of(x.m, 1n << BigInt(-x.e));
}

/**
 * A limit's value found by approach (an `approx` node: the value and its tolerance) against another
 * answer: another such value or a constant within the tolerances (sympy's exact `doit()` value would
 * agree to every digit; 2/3 + 10^{-9} is not 2/3); a written decimal at `float_rounding` places, as
 * any decimal (`decimalEqual`). Null when neither side is such a value.
 */
export function limitValueEqual(a: MathNode, b: MathNode, budget: Deadline, decimalEqual: (value: MathNode, decimal: MathNode) => boolean): boolean | null {
  if (!isApprox(a) && !isApprox(b)) return null;
  const [x, y] = isApprox(a) ? [a, b] : [b as Extract<MathNode, { k: "fn" }>, a];
  const vx = exactValue(x.args[0], budget);
  const tx = exactValue(x.args[1], budget);
  if (!vx || !tx) return false;
  let vy: Rational | null;
  let ty = Rational.ZERO;
  if (isApprox(y)) {
    vy = exactValue(y.args[0], budget);
    ty = exactValue(y.args[1], budget) ?? Rational.ZERO;
  } else if (hasApprox(y)) return decimalEqual(x.args[0], y);
  else if (freeVariables(y).size > 0) return false;
  else {
    vy = exactValue(y, budget);
    if (!vy) {
      const p = preciseValue(y, new Map(), 256, budget);
      vy = p && rationalOf(p);
    }
  }
  if (!vy) return false;
  const d = vx.sub(vy);
  return (d.sign() < 0 ? d.neg() : d).compare(tx.add(ty)) <= 0;
}

/** `v` rounded (half up) to `s` ≥ 0 decimal places, as a plain decimal string. */
function decimalString(v: BF, s: number): string {
  const neg = v.m < 0n;
  const m = neg ? -v.m : v.m;
  // round(v · 10^s)
  const numer = m * 10n ** BigInt(s);
  let scaled: bigint;
  if (v.e >= 0) scaled = numer << BigInt(v.e);
  else {
    const d = 1n << BigInt(-v.e);
    scaled = (2n * numer + d) / (2n * d);
  }
  let str = scaled.toString();
  if (s > 0) {
    str = str.padStart(s + 1, "0");
    str = `${str.slice(0, str.length - s)}.${str.slice(str.length - s)}`;
  }
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
  // how far the last two approach values still moved: the digits below it are not the limit's
  let settled = 0;
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
    settled = Math.max(settled, Math.abs(v2 - v3));
  }
  if (values.some((v) => v.e === 100000)) {
    if (!values.every((v) => v.e === 100000 && v.m === values[0].m)) return null;
    const inf: MathNode = { k: "sym", name: "inf" };
    return values[0].m > 0n ? inf : { k: "neg", a: inf };
  }
  if (values.length === 2 && !closeEnough(values[0], values[1])) return null;
  const v = values[values.length - 1];
  const scale = Math.max(1, Math.abs(toFloat(v)));
  const error = Math.max(settled, 1e-30 * scale);
  // the decimal places the value settled on, and at most 20 significant digits
  const places = Math.max(0, Math.min(Math.floor(-Math.log10(100 * error)), 19 - Math.floor(Math.log10(scale))));
  const value = decimalNode(v, places);
  if (!value || (value.k === "num" && value.value?.isZero())) return value;
  // the value and how far from it the limit may be: compared with that tolerance (limitValueEqual)
  return { k: "fn", name: "approx", args: [value, num(Rational.of(1n, 10n ** BigInt(Math.max(0, places - 2))))] };
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
