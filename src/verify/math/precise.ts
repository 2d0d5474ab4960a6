/**
 * Arbitrary-precision real evaluation of scalar trees, for deciding equality of values that are not
 * exact rationals (`\sqrt{2}`, `\pi`, `\sqrt[10^9]{2}`, `\sin(\pi/6)`) without the blind spot of
 * doubles: a float check at 1e-8 calls `\sqrt2` and `\frac{665857}{470832}` equal (they differ by
 * 1.6e-12). Numbers are binary floats with a bigint mantissa (`m · 2^e`, bigfloat.ts), so they neither overflow
 * nor underflow (`\frac{1}{2004!}` is not 0). `preciselyEqual` evaluates the difference at two
 * precisions: a true zero shrinks as the precision grows, a real difference does not.
 * Complex values (`i`, roots and logarithms of negatives) are computed by complex.ts, one part at a time. Anything this
 * layer does not support (unknown functions) gives null, and callers fall back to floats or to structure.
 */
import type { MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { Rational } from "./rational.js";
import { evalComplex, type Part } from "./complex.js";
import { atan, bitlen, Ctx, exp, ln, MAX_TRIG_TOP, piFixed, sinCos, top, ZERO, type BF } from "./bigfloat.js";

/** Largest precision (bits) ever used: bounds the work on huge inputs. */
const MAX_PREC = 12000;
/** Largest n whose n! is evaluated. */
const MAX_FACT = 5000;

/** Variable values for one evaluation point. */
export type PreciseEnv = Map<string, BF>;

/** Value of a real scalar tree at the context's precision, or null where it has no real value here. */
export function evalNode(c: Ctx, n: MathNode, env: PreciseEnv): BF | null {
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
      // (∞ in arithmetic, \frac{1}{\infty}: no value here, and not one for doubles either, where it was 0)
      if (n.name === "inf") throw new BeyondPrecisionError();
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

/** x as an integer when it is one exactly (and at most 2^64 in size), else null. */
export function asInteger(c: Ctx, x: BF): bigint | null {
  if (x.m === 0n) return 0n;
  if (x.e >= 0) return x.e > 64 ? null : x.m << BigInt(x.e);
  const r = x.m >> BigInt(-x.e);
  return r << BigInt(-x.e) === x.m ? r : null;
}

function evalPow(c: Ctx, baseNode: MathNode, expNode: MathNode, env: PreciseEnv): BF | null {
  const base = evalNode(c, baseNode, env);
  if (!base) return null;
  const r = reduced(smallRational(expNode));
  if (r && r.q <= 1n << 62n) {
    const abs = r.p < 0n ? -r.p : r.p;
    if (abs <= 1n << 40n) {
      const root = r.q === 1n ? base : c.root(base, r.q);
      return root && c.powInt(root, r.p);
    }
  }
  const ex = evalNode(c, expNode, env);
  if (!ex) return null;
  // (a tiny exponent moves the value by a tiny amount: e^{e^{-300}} is 1 + 2^{-433})
  if (ex.m !== 0n) c.minTop = Math.min(c.minTop, top(ex));
  const k = asInteger(c, ex);
  if (k !== null && k <= 1n << 40n && k >= -(1n << 40n)) return c.powInt(base, k);
  if (base.m === 0n) return ex.m > 0n ? ZERO : null;
  // a huge integer power (|a|^k with the sign of a^k: (1 + 10^{-20})^{10^{20}} is e, not 1 as in doubles) or a real power of a positive
  if (base.m < 0n && k === null) return null;
  const l = ln(c, base.m < 0n ? c.neg(base) : base);
  const v = l && bigExp(c, c.mul(ex, l));
  return v && (base.m < 0n && (k! & 1n) === 1n ? c.neg(v) : v);
}

/** p/q in lowest terms ((-1)^{4/2} is (-1)^2). */
function reduced(r: { p: bigint; q: bigint } | null): { p: bigint; q: bigint } | null {
  if (!r || r.q === 0n) return r;
  let [x, y] = [r.p < 0n ? -r.p : r.p, r.q];
  while (y !== 0n) [x, y] = [y, x % y];
  return x > 1n ? { p: r.p / x, q: r.q / x } : r;
}

/** exp(x); past the range exp computes, the value is astronomically large or small: no value here ("cannot tell"). */
function bigExp(c: Ctx, x: BF): BF | null {
  if (x.m !== 0n && top(x) > 40) throw new BeyondPrecisionError();
  return exp(c, x);
}

function evalFn(c: Ctx, name: string, args: MathNode[], env: PreciseEnv): BF | null {
  if (name === "root") {
    const idx = evalNode(c, args[1], env);
    if (!idx) return null;
    const k = asInteger(c, idx);
    const a = evalNode(c, args[0], env);
    if (!a) return null;
    if (k !== null && k >= 1n && k <= 1n << 62n) return c.root(a, k);
    // a huge or non-integer index: a^{1/k} for a > 0 (\sqrt[10^{30}]{2} is 1 + 2^{-100}, not the 1 of doubles)
    if (idx.m <= 0n || a.m < 0n) return null;
    if (a.m === 0n) return ZERO;
    c.minTop = Math.min(c.minTop, -top(idx));
    const l = ln(c, a);
    const q = l && c.div(l, idx);
    return q && bigExp(c, q);
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
      return bigExp(c, a);
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
      if (n === null) return halfIntegerFactorial(c, a, env);
      if (n < 0n || n > BigInt(MAX_FACT)) return null;
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
      // (a constant non-integer k: see halfIntegerFactorial)
      if (kv && k === null && env.size === 0) throw new BeyondPrecisionError();
      if (n === null && k !== null && k !== undefined && k >= 0n && k <= 5000n) {
        // a real n over an integer k: n(n-1)···(n-k+1)/k!
        let acc: BF | null = c.int(1n);
        for (let i = 0n; i < k && acc; i++) acc = c.div(c.mul(acc, c.sub(a, c.int(i))), c.int(i + 1n));
        return acc;
      }
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
      if (top(a) > MAX_TRIG_TOP) throw new BeyondPrecisionError();
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
      if (!s) return null;
      const halfPi = c.fixed(piFixed(c.p + 8, c.budget) >> 1n, c.p + 8);
      // (at ±1: ±π/2)
      const q = s.m === 0n ? null : c.div(a, s);
      const as = s.m === 0n ? (a.m < 0n ? c.neg(halfPi) : halfPi) : q && atan(c, q);
      if (!as) return null;
      if (name === "arcsin") return as;
      return c.sub(c.fixed(piFixed(c.p + 8, c.budget) >> 1n, c.p + 8), as);
    }
    case "tanh": {
      // (1 - e^{-2|a|}) / (1 + e^{-2|a|}) with the sign of a: tanh(10^5) is 1 - 2e^{-200000}, not 1 (doubles) nor a sum of huge values
      const t = bigExp(c, c.mul(c.int(-2n), a.m < 0n ? c.neg(a) : a));
      const v = t && c.div(c.sub(c.int(1n), t), c.add(c.int(1n), t));
      return v && (a.m < 0n ? c.neg(v) : v);
    }
    case "sinh":
    case "cosh": {
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

/**
 * x! for a half-integer x = m - ½ (Γ(m + ½) = (2m)! √π / (4^m m!), and for m < 0 by Γ(z)Γ(1-z) = π / sin πz). Any other
 * non-integer is null at a point of variables (doubles compare n!/(n-2)! with n(n-1) there) and "cannot tell" in a constant
 * (throws `BeyondPrecisionError`): doubles compared (½)! · 2/√π with 1 at 1e-8, and a fraction near π times it was π.
 */
function halfIntegerFactorial(c: Ctx, x: BF, env: PreciseEnv): BF | null {
  const twice = asInteger(c, c.add(x, x));
  if (twice === null || twice % 2n === 0n) {
    if (env.size > 0) return null;
    throw new BeyondPrecisionError();
  }
  const m = (twice + 1n) / 2n;
  const mAbs = m < 0n ? -m : m;
  if (mAbs > BigInt(MAX_FACT)) return null;
  let ratio = 1n;
  let den = 1n;
  // (2|m|)! / (4^|m| |m|!) = ∏_{j=1}^{|m|} (2j - 1) / 2
  for (let j = 1n; j <= mAbs; j++) {
    ratio *= 2n * j - 1n;
    den *= 2n;
    c.budget.tick();
  }
  const sqrtPi = c.sqrt(c.fixed(piFixed(c.p + 8, c.budget), c.p + 8));
  if (!sqrtPi) return null;
  // Γ(m + ½) = ratio/den · √π for m ≥ 0; Γ(½ - |m|) = (-1)^|m| den/ratio · √π
  const q = m >= 0n ? c.div(c.int(ratio), c.int(den)) : c.div(c.int(mAbs % 2n === 0n ? den : -den), c.int(ratio));
  return q && c.mul(q, sqrtPi);
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

/** `preciseValue`, but a floor beyond every precision here throws `BeyondPrecisionError`; with `part`, that part of a complex value. */
function valueAt(n: MathNode, env: PreciseEnv, p: number, budget: Deadline, range?: { minTop: number; maxTop: number }, part?: Part): BF | null {
  try {
    let prec = Math.min(p, MAX_PREC);
    for (let attempt = 0; attempt < 2; attempt++) {
      const c = new Ctx(prec, budget);
      const z = part ? evalComplex(c, n, env) : null;
      const v = part ? z && z[part] : evalNode(c, n, env);
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
    const real = compareAt(a, b, env, budget);
    if (real !== null) return real;
    // not a real value here (i, roots and logarithms of negatives): the real parts and the imaginary parts, each
    // decided as real values are (in doubles at 1e-8, \frac{103993}{33102} i^4 and \frac{103993}{33102} + 0i were \pi)
    const re = compareAt(a, b, env, budget, "re");
    if (re === null || re === BEYOND_PRECISION) return re;
    if (re !== 0) return NaN;
    const im = compareAt(a, b, env, budget, "im");
    if (im === null || im === BEYOND_PRECISION) return im;
    return im === 0 ? 0 : NaN;
  } catch (e) {
    if (e instanceof BeyondPrecisionError) return BEYOND_PRECISION;
    throw e;
  }
}

function compareAt(a: MathNode, b: MathNode, env: PreciseEnv, budget: Deadline, part?: Part): number | null | typeof BEYOND_PRECISION {
  let p = Math.min(MAX_PREC / 2, Math.max(160, 2 * (literalBits(a) + literalBits(b)) + 96));
  const range = { minTop: Infinity, maxTop: -Infinity };
  let va = valueAt(a, env, p, budget, range, part);
  if (!va) return null;
  let vb = valueAt(b, env, p, budget, range, part);
  if (!vb) return null;
  // a term below what p bits resolve next to the largest value (twice its depth: cos of a tiny x moves by x^2)
  const span = range.maxTop - range.minTop;
  if (Number.isFinite(span) && span > p / 2 - 32) {
    const need = 2 * span + 96;
    if (need > MAX_PREC / 2) return BEYOND_PRECISION;
    p = need;
    va = valueAt(a, env, p, budget, undefined, part);
    vb = va && valueAt(b, env, p, budget, undefined, part);
    if (!va || !vb) return null;
  }
  for (;;) {
    const wa = valueAt(a, env, 2 * p, budget, undefined, part);
    const wb = wa && valueAt(b, env, 2 * p, budget, undefined, part);
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
