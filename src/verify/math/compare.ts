/**
 * Equivalence of two parsed answers: exact rationals first, then numeric checks (at random points
 * when there are variables), then structure: relations (either side order, `x = 3` vs `3`,
 * equations equal up to a constant factor), sets and bare lists (order-free), tuples and
 * intervals (ordered, brackets matter), matrices, unions, infinity, `±` (a set of two values),
 * percent (`10%` matches 10 and 0.1) and text.
 */
import { isScalar, mapSymbols, printNode, type MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { bigOpsEqual, hasSymbolicBigOp } from "./bigops.js";
import { antiderivativeEqual } from "./calculus.js";
import { limitValueEqual } from "./limits.js";
import { exactValue, hasApprox } from "./exact.js";
import { freeVariables, numericValue, type Complex, type Env } from "./numeric.js";
import { hasMatrixArithmetic, reduceMatrix } from "./matrix.js";
import { fromFloat, top, type BF } from "./bigfloat.js";
import { BEYOND_PRECISION, preciselyEqual, preciseValue, type PreciseEnv } from "./precise.js";
import { Rational } from "./rational.js";
import { labelledValue, orientRel, relInterval, relValue, simplifyRel, type Rel } from "./relations.js";
import { decimalExponent, placesFor, roundBF, roundRational } from "./rounding.js";
import { sameRealSet, unionOfFiniteSets } from "./sets.js";
import { solvedFormEqual } from "./solve.js";

/** What a comparison needs: the budget, the decimal precision and the comparison mode. */
export interface CompareContext {
  budget: Deadline;
  /**
   * Relative tolerance for decimals (the old rule), used only when a caller sets `tolerance`
   * explicitly; otherwise decimals are compared at `floatRounding` digits.
   */
  tolerance?: number;
  /** Decimal places a written decimal must agree to (significant digits below 0.1); Math-Verify's `float_rounding`, default 6. */
  floatRounding?: number;
  /** Math-Verify's `strict` (default true): when false, variables are matched by position (`f(x)` = `f(y)`) and sets compare with tuples. */
  strict?: boolean;
  /** Math-Verify's `allow_set_relation_comp`: a gold interval/set also matches an inequality answer (`(1,2)` vs `1 < y < 2`). */
  allowSetRelationComp?: boolean;
  /** Set when some comparison could not be decided numerically (values past every range) and fell back to structure. */
  fellBack?: boolean;
}

/** Relative tolerance of numeric (non-decimal) comparisons: float error only. */
const NUMERIC_TOL = 1e-8;
/** Evaluation points for expressions with variables. */
const POINTS = 6;
/** Most items matched in one collection. */
const MAX_ITEMS = 200;

/**
 * Deterministic sample values for variables (same for every call, so results are reproducible):
 * positive values in [0.35, 2.35], away from 0, 1 and small integers; with `mixedSigns`, some
 * variables are negated (so that |x| and x, or sqrt(x^2) and x, differ).
 */
export function samplePoint(vars: Iterable<string>, index: number, mixedSigns = false): Env {
  const env: Env = new Map();
  let k = 0;
  for (const v of vars) {
    const x = 0.35 + ((0.6180339887 * (index * 7 + k * 13 + 1) + 0.1234567) % 1) * 2;
    const negate = mixedSigns && (index + k) % 2 === 0;
    env.set(v, { re: negate ? -x : x, im: 0 });
    k++;
  }
  return env;
}

/** Extra points with negative values: only a disagreement of two real values counts there. */
const SIGNED_POINTS = 4;

function close(x: number, y: number, rel: number): boolean {
  if (x === y) return true;
  return Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y)) + 1e-12;
}
function closeC(a: Complex, b: Complex, rel: number): boolean {
  const scale = Math.max(Math.hypot(a.re, a.im), Math.hypot(b.re, b.im));
  return Math.hypot(a.re - b.re, a.im - b.im) <= rel * scale + 1e-12;
}
function finite(a: Complex): boolean {
  return Number.isFinite(a.re) && Number.isFinite(a.im);
}

/** +1 for ∞, -1 for -∞, 0 otherwise. */
function infSign(n: MathNode): number {
  if (n.k === "sym" && n.name === "inf") return 1;
  if (n.k === "neg") return -infSign(n.a);
  if (n.k === "add" && n.a.k === "sym" && n.a.name === "inf") return 0;
  return 0;
}

function containsPm(n: MathNode): boolean {
  switch (n.k) {
    case "pm":
      return true;
    case "neg":
      return containsPm(n.a);
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow":
      return containsPm(n.a) || containsPm(n.b);
    case "fn":
      return n.args.some(containsPm);
    default:
      return false;
  }
}

/** The values of a scalar tree with `±` read both ways (at most 16). */
export function pmVariants(n: MathNode): MathNode[] {
  switch (n.k) {
    case "pm": {
      const bs = pmVariants(n.b);
      const as = n.a ? pmVariants(n.a) : [null];
      const out: MathNode[] = [];
      for (const a of as)
        for (const b of bs) {
          out.push(a ? { k: "add", a, b } : b, a ? { k: "sub", a, b } : { k: "neg", a: b });
        }
      return out.slice(0, 16);
    }
    case "neg":
      return pmVariants(n.a).map((a) => ({ k: "neg", a }));
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow": {
      const out: MathNode[] = [];
      for (const a of pmVariants(n.a)) for (const b of pmVariants(n.b)) out.push({ k: n.k, a, b });
      return out.slice(0, 16);
    }
    case "fn": {
      if (!n.args.some(containsPm)) return [n];
      return pmVariants(n.args[0]).map((a) => ({ k: "fn", name: n.name, args: [a, ...n.args.slice(1)] }));
    }
    default:
      return [n];
  }
}

/** True when the tree is an exact integer written without a decimal point (an integer gold such as 123456789 or 2^{64}). */
function isExactInteger(n: MathNode, v: Rational | null): boolean {
  return v !== null && v.isInteger() && !hasApprox(n);
}

/** Precision for decimals in this comparison. */
function floatRounding(ctx: CompareContext): number {
  return ctx.floatRounding ?? 6;
}

function scalarEqual(a: MathNode, b: MathNode, ctx: CompareContext): boolean {
  if (a.k === "based" || b.k === "based") {
    const digits = (n: MathNode): string | null =>
      n.k === "based" ? n.digits.replace(/^0+(?=\d)/, "") : n.k === "num" && !n.approx ? n.text.replace(/^0+(?=\d)/, "") : null;
    const da = digits(a);
    return da !== null && da === digits(b) && (a.k !== "based" || b.k !== "based" || a.base === b.base);
  }
  const ia = infSign(a);
  const ib = infSign(b);
  if (ia !== 0 || ib !== 0) return ia === ib;
  // a limit's value found by approach, within its tolerance (limits.ts)
  const lim = limitValueEqual(a, b, ctx.budget, (x, y) => scalarEqual(x, y, ctx));
  if (lim !== null) return lim;
  // an indefinite integral: another one with the same integrand, or an antiderivative (calculus.ts)
  const anti = antiderivativeEqual(a, b, ctx.budget, (x, y) => scalarEqual(x, y, ctx));
  if (anti !== null) return anti;
  // a sum with symbolic bounds against its closed form: sympy's doit(), at integer bounds (bigops.ts)
  if (hasSymbolicBigOp(a) || hasSymbolicBigOp(b)) {
    const r = bigOpsEqual(a, b, ctx.budget, (x, y) => scalarEqual(x, y, ctx));
    if (r !== null) return r;
  }
  const approxA = hasApprox(a);
  const approxB = hasApprox(b);
  const approx = approxA || approxB;
  const ea = exactValue(a, ctx.budget);
  const eb = exactValue(b, ctx.budget);
  if (ea && eb) {
    if (!approx || ea.equals(eb)) return ea.equals(eb);
    // an exact integer (123456789, 2^{64}) is matched only exactly: 1000.0 is 1000, 123456800.0 is not 123456789
    if (isExactInteger(a, ea) || isExactInteger(b, eb)) return false;
    if (ctx.tolerance !== undefined) return close(ea.toNumber(), eb.toNumber(), ctx.tolerance) && ea.sign() === eb.sign();
    const places = placesFor(floatRounding(ctx), [decimalExponent(ea), decimalExponent(eb)]);
    return roundRational(ea, places) === roundRational(eb, places);
  }
  const vars = freeVariables(a);
  freeVariables(b, vars);
  if (vars.size === 0) {
    if (approx) {
      if ((ea && isExactInteger(a, ea)) || (eb && isExactInteger(b, eb))) return false;
      const p = 256;
      const pa = ea ? null : preciseValue(a, new Map(), p, ctx.budget);
      const pb = eb ? null : preciseValue(b, new Map(), p, ctx.budget);
      if ((ea || pa) && (eb || pb)) {
        // (a value past 2^16384, 10^{10^{10}} · 1.000001, has no decimal places to round: its digits did not fit a bigint,
        // an internal error; compared by structure)
        if ((pa && top(pa) > 16384) || (pb && top(pb) > 16384)) return structural(a, b, ctx);
        if (ctx.tolerance !== undefined) {
          const fa = ea ? ea.toNumber() : toNum(pa!);
          const fb = eb ? eb.toNumber() : toNum(pb!);
          return close(fa, fb, ctx.tolerance);
        }
        const places = placesFor(floatRounding(ctx), [decimalExponent(ea ?? pa!), decimalExponent(eb ?? pb!)]);
        const ra = ea ? roundRational(ea, places) : roundBF(pa!, places);
        const rb = eb ? roundRational(eb, places) : roundBF(pb!, places);
        return ra === rb;
      }
    } else {
      // a rational never equals an irrational: decided at a precision that grows with the literals
      const r = preciselyEqual(a, b, new Map(), ctx.budget);
      // (a term too small for any precision here: cannot tell, so never "equal" by doubles)
      if (r === BEYOND_PRECISION) return structural(a, b, ctx);
      if (r !== null) return r;
    }
    const va = numericValue(a, new Map(), ctx.budget);
    const vb = numericValue(b, new Map(), ctx.budget);
    if (!finite(va) || !finite(vb) || lostRange(a, ctx) || lostRange(b, ctx)) return structural(a, b, ctx);
    return closeC(va, vb, approx ? decimalTolerance(ctx) : NUMERIC_TOL);
  }
  const tol = approx ? decimalTolerance(ctx) : NUMERIC_TOL;
  let valid = 0;
  for (let i = 0; i < POINTS; i++) {
    const env = samplePoint(vars, i);
    if (!approx) {
      const penv: PreciseEnv = new Map();
      for (const [k, v] of env) penv.set(k, fromFloat(v.re)!);
      const r = preciselyEqual(a, b, penv, ctx.budget);
      if (r === BEYOND_PRECISION) return structural(a, b, ctx);
      if (r === false) return false;
      if (r === true) {
        valid++;
        continue;
      }
    }
    const va = numericValue(a, env, ctx.budget);
    const vb = numericValue(b, env, ctx.budget);
    if (!finite(va) || !finite(vb)) continue;
    if (!closeC(va, vb, tol)) return false;
    valid++;
  }
  if (valid < 2) return structural(a, b, ctx);
  // On negative values, expressions equal for positive ones may differ (|x| vs x). Where both sides
  // are real and disagree they are different; where either is complex (roots, logs of negatives), skip.
  for (let i = 0; i < SIGNED_POINTS; i++) {
    const env = samplePoint(vars, i, true);
    const va = numericValue(a, env, ctx.budget);
    const vb = numericValue(b, env, ctx.budget);
    if (!finite(va) || !finite(vb)) continue;
    const real = (z: Complex): boolean => Math.abs(z.im) <= 1e-9 * Math.max(1, Math.abs(z.re));
    if (real(va) && real(vb) && !close(va.re, vb.re, tol)) return false;
  }
  return true;
}

function toNum(x: BF): number {
  const t = top(x);
  if (x.m === 0n) return 0;
  if (t > 1020) return x.m > 0n ? Infinity : -Infinity;
  if (t < -1020) return 0;
  const len = t - x.e;
  const s = Math.max(0, len - 60);
  return Number(x.m >> BigInt(s)) * 2 ** (x.e + s);
}

/** Relative tolerance for a decimal inside an expression with variables: half a unit in the last place asked for. */
function decimalTolerance(ctx: CompareContext): number {
  return ctx.tolerance ?? 0.5 * 10 ** -floatRounding(ctx);
}

/**
 * True when a float value of this tree passed through the edge of the double range: some part of it
 * is infinite or so small that it is near underflow (`\\frac{1}{10000!}` evaluates to 0). Such a
 * value proves nothing, so the comparison falls back to structure. Looks at most 200 subtrees.
 */
function lostRange(n: MathNode, ctx: CompareContext): boolean {
  let visited = 0;
  const walk = (x: MathNode): boolean => {
    if (++visited > 200) return false;
    if (x.k === "num") return x.value !== null && !x.value.isZero() && Math.abs(x.value.toNumber()) < 1e-290;
    if (x.k === "neg") return walk(x.a);
    if (x.k === "add" || x.k === "sub" || x.k === "mul" || x.k === "div" || x.k === "pow") {
      if (walk(x.a) || walk(x.b)) return true;
    } else if (x.k === "fn") {
      // an integral's or a sum's body holds its bound index: only its ends are values on their own
      if ((x.name === "int" || ((x.name === "sum" || x.name === "prod") && x.args.length === 4) ? x.args.slice(2) : x.args).some(walk)) return true;
    } else return false;
    const v = numericValue(x, new Map(), ctx.budget);
    const m = Math.hypot(v.re, v.im);
    return !Number.isFinite(m) || (m !== 0 && m < 1e-290);
  };
  return walk(n);
}

/** "Cannot tell" numerically: compare by structure, and record that the verdict did. */
function structural(a: MathNode, b: MathNode, ctx: CompareContext): boolean {
  ctx.fellBack = true;
  return printNode(a) === printNode(b);
}

/** True when d1 = c·d2 for one nonzero constant c (positive when `positive`): equations that are multiples of each other. */
function proportional(d1: MathNode, d2: MathNode, ctx: CompareContext, positive: boolean): boolean {
  const vars = freeVariables(d1);
  freeVariables(d2, vars);
  if (vars.size === 0) return false;
  let ratio: Complex | null = null;
  const points: number[] = [];
  for (let i = 0; i < POINTS; i++) {
    const env = samplePoint(vars, i);
    const va = numericValue(d1, env, ctx.budget);
    const vb = numericValue(d2, env, ctx.budget);
    if (!finite(va) || !finite(vb) || Math.hypot(vb.re, vb.im) < 1e-12) continue;
    const d = vb.re * vb.re + vb.im * vb.im;
    const r = { re: (va.re * vb.re + va.im * vb.im) / d, im: (va.im * vb.re - va.re * vb.im) / d };
    if (!finite(r) || Math.hypot(r.re, r.im) < 1e-12) return false;
    if (positive && (r.re <= 0 || Math.abs(r.im) > 1e-9 * Math.abs(r.re))) return false;
    if (ratio === null) ratio = r;
    else if (!closeC(ratio, r, NUMERIC_TOL)) return false;
    points.push(i);
  }
  return points.length >= 2 && preciselyProportional(d1, d2, vars, points, ctx);
}

/**
 * The ratio check above in doubles, decided at arbitrary precision (precise.ts): d1(p)·d2(q) = d1(q)·d2(p) for the
 * first point q and every other point p. In doubles at 1e-8, `x = \pi` matched `x = \frac{103993}{33102}` and
 * `y = x` matched `y = x + 10^{-9}`. A pair precise.ts cannot evaluate (complex values) keeps the doubles' verdict;
 * one past every precision here is "cannot tell", so never proportional.
 */
function preciselyProportional(d1: MathNode, d2: MathNode, vars: Set<string>, points: number[], ctx: CompareContext): boolean {
  // each point's variables under their own names (x#3), so two points meet in one expression
  const at = (n: MathNode, i: number): MathNode => mapSymbols(n, (s) => (vars.has(s.name) ? { k: "sym", name: `${s.name}#${i}` } : s));
  const env: PreciseEnv = new Map();
  for (const i of points) for (const [k, v] of samplePoint(vars, i)) env.set(`${k}#${i}`, fromFloat(v.re)!);
  const [q, ...rest] = points;
  for (const p of rest) {
    const r = preciselyEqual({ k: "mul", a: at(d1, p), b: at(d2, q) }, { k: "mul", a: at(d1, q), b: at(d2, p) }, env, ctx.budget);
    if (r === false || r === BEYOND_PRECISION) return false;
  }
  return true;
}

function relEqual(a: Rel, b: Rel, ctx: CompareContext): boolean {
  const x = orientRel(simplifyRel(a));
  const y = orientRel(simplifyRel(b));
  if (x.ops.length !== y.ops.length || x.ops.some((o, i) => o !== y.ops[i])) return false;
  if (x.ops.length === 1) {
    const [l1, r1] = x.args;
    const [l2, r2] = y.args;
    if (equal(l1, l2, ctx) && equal(r1, r2, ctx)) return true;
    const symmetric = x.ops[0] === "=" || x.ops[0] === "!=";
    if (symmetric && equal(l1, r2, ctx) && equal(r1, l2, ctx)) return true;
    if ([l1, r1, l2, r2].every(isScalar)) {
      if (proportional({ k: "sub", a: l1, b: r1 }, { k: "sub", a: l2, b: r2 }, ctx, !symmetric)) return true;
      // `2^x = 8` and `x = 3`: the same only solution (grader's sympy_solve_and_compare; solve.ts)
      return x.ops[0] === "=" && (solvedFormEqual({ k: "rel", ...x }, { k: "rel", ...y }, ctx.budget) ?? false);
    }
    return false;
  }
  return x.args.every((arg, i) => equal(arg, y.args[i], ctx));
}

/** Items of a set or list with `±` items read as two items each. */
function flattenPm(items: MathNode[]): MathNode[] {
  if (!items.some((i) => isScalar(i) && containsPm(i))) return items;
  return items.flatMap((i) => (isScalar(i) && containsPm(i) ? pmVariants(i) : [i]));
}

function unordered(as: MathNode[], bs: MathNode[], ctx: CompareContext): boolean {
  as = flattenPm(as);
  bs = flattenPm(bs);
  if (as.length !== bs.length || as.length > MAX_ITEMS) return false;
  const used = new Array<boolean>(bs.length).fill(false);
  outer: for (const a of as) {
    for (let j = 0; j < bs.length; j++) {
      if (!used[j] && equal(a, bs[j], ctx)) {
        used[j] = true;
        continue outer;
      }
    }
    return false;
  }
  return true;
}

/** The items (± written out) with repeats dropped, the first of equal items kept; past MAX_ITEMS as they are. */
function distinct(items: MathNode[], ctx: CompareContext): MathNode[] {
  items = flattenPm(items);
  if (items.length > MAX_ITEMS) return items;
  const out: MathNode[] = [];
  for (const x of items) if (!out.some((y) => equal(x, y, ctx))) out.push(x);
  return out;
}

function ordered(as: MathNode[], bs: MathNode[], ctx: CompareContext): boolean {
  return as.length === bs.length && as.length <= MAX_ITEMS && as.every((a, i) => equal(a, bs[i], ctx));
}

function normText(s: string): string {
  return s
    .toLowerCase()
    .replace(/\\text\{([^{}]*)\}/g, "$1")
    .replace(/[\s.]+/g, "")
    .replace(/^\((.*)\)$/, "$1");
}

/**
 * The word a product of one-letter variables spells, lower-cased and in written order (`a \\cdot b \\cdot c` is
 * "abc"), or null: Math-Verify compares `\\text{abc}` with `a*b*c` by concatenating the factors' names
 * (`sympy_compare_symbols`, "because parsing return $abc$ -> abc").
 */
export function letterProduct(n: MathNode): string | null {
  if (n.k !== "mul") return null;
  const part = (m: MathNode): string | null =>
    m.k === "sym" && /^[a-zA-Z]$/.test(m.name) ? m.name : m.k === "mul" ? ((l, r) => (l !== null && r !== null ? l + r : null))(part(m.a), part(m.b)) : null;
  return part(n)?.toLowerCase() ?? null;
}

function textEqual(a: MathNode, b: MathNode): boolean {
  const t = (n: MathNode): string | null => (n.k === "text" ? normText(n.text) : n.k === "sym" ? normText(n.name) : n.k === "mul" ? letterProduct(n) : null);
  const ta = t(a);
  return ta !== null && ta === t(b);
}

/** Constants that are no variable: their names never compare without case (`\\Pi` is not π). */
const CONSTANT_NAMES = new Set(["pi", "inf", "i"]);

/**
 * Two lone symbols that name the same thing, as Math-Verify's `sympy_compare_symbols` decides: a symbol `E`
 * and Euler's number `e` ("Handle E vs symbol case"), and names longer than one character without letter
 * case (`\\Theta` is `\\theta`, `x_1` is `X_1`); one-letter names keep their case (`A` is not `a`).
 */
function symbolNamesMatch(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la === "e" && lb === "e") return true;
  return a.length > 1 && b.length > 1 && la === lb && !CONSTANT_NAMES.has(a) && !CONSTANT_NAMES.has(b);
}

function vectorItems(n: MathNode): MathNode[] | null {
  if (n.k === "matrix") {
    if (n.rows.length === 1) return n.rows[0];
    if (n.rows.every((r) => r.length === 1)) return n.rows.map((r) => r[0]);
    return null;
  }
  if (n.k === "tuple" || n.k === "list") return n.items;
  return null;
}

function collectionEqual(a: MathNode, b: MathNode, ctx: CompareContext): boolean {
  // `a,b; c,d` compares as tuples per group, and as the flat list it was written as
  if ((a.k === "list" && a.flat) || (b.k === "list" && b.flat)) {
    const grouped = (n: MathNode): MathNode => (n.k === "list" && n.flat ? { k: "list", items: n.items, or: n.or } : n);
    const flat = (n: MathNode): MathNode => (n.k === "list" && n.flat ? { k: "list", items: n.flat, or: n.or } : n);
    return collectionEqual(grouped(a), grouped(b), ctx) || collectionEqual(flat(a), flat(b), ctx);
  }
  const unorderedKinds = (n: MathNode): boolean => n.k === "set" || (n.k === "list" && true);
  if (unorderedKinds(a) && unorderedKinds(b)) {
    // sympy's FiniteSet holds each element once, for a comma list as for braces: \{1,1,2\} and 1, 1, 2 are \{1,2\}
    const [ai, bi] = [distinct((a as { items: MathNode[] }).items, ctx), distinct((b as { items: MathNode[] }).items, ctx)];
    return unordered(ai, bi, ctx);
  }
  if (a.k === "tuple" && b.k === "tuple") {
    if (a.items.length === 2 && (a.open !== b.open || a.close !== b.close)) return false;
    return ordered(a.items, b.items, ctx);
  }
  if ((a.k === "tuple" && b.k === "list") || (a.k === "list" && b.k === "tuple")) {
    const t = a.k === "tuple" ? a : (b as Extract<MathNode, { k: "tuple" }>);
    const l = a.k === "list" ? a : (b as Extract<MathNode, { k: "list" }>);
    // only an open interval (a, b) is the pair a, b (grader.sympy_compare_sets: a_set.is_open); (a, b] is not
    if (l.or || (t.items.length === 2 && (t.open !== "(" || t.close !== ")"))) return false;
    return ordered(t.items, l.items, ctx);
  }
  if (a.k === "matrix" && b.k === "matrix") {
    if (a.rows.length !== b.rows.length || a.rows[0].length !== b.rows[0].length) return false;
    return a.rows.every((r, i) => ordered(r, b.rows[i], ctx));
  }
  if (a.k === "matrix" || b.k === "matrix") {
    const va = vectorItems(a);
    const vb = vectorItems(b);
    return va !== null && vb !== null && ordered(va, vb, ctx);
  }
  if (a.k === "union" && b.k === "union" && unordered(a.items, b.items, ctx)) return true;
  // unions are the same set when they cover the same part of the line: [1,2] ∪ [2,3] is [1,3]
  // (grader.sympy_compare_sets: symmetric_difference(...).is_empty; sets.ts)
  if (a.k === "union" || b.k === "union") return sameRealSet(a, b, ctx.budget) ?? false;
  // not strict: a set matches a tuple with the same items. A gold set (`a`, the gold side) takes them in any
  // order; an answer set against a gold tuple only in the order it is written (grader.sympy_deep_compare_set_and_tuple
  // reads the answer set's _unsorted_args): in any order, \{1,2\} was paid for both (1,2) and (2,1). A bracket
  // [1,2] is a closed interval, which no finite set is
  if (ctx.strict === false && (a.k === "set" || b.k === "set") && (a.k === "tuple" || b.k === "tuple")) {
    const t = (a.k === "tuple" ? a : b) as Extract<MathNode, { k: "tuple" }>;
    if (t.items.length === 2 && (t.open !== "(" || t.close !== ")")) return false;
    const [ai, bi] = [(a as { items: MathNode[] }).items, (b as { items: MathNode[] }).items];
    return a.k === "set" ? unordered(ai, bi, ctx) : ordered(ai, bi, ctx);
  }
  return false;
}

/** Structural and mathematical equality of two parsed answers (symmetric). */
export function equal(a: MathNode, b: MathNode, ctx: CompareContext): boolean {
  ctx.budget.tick();
  if (a.k === "list" && a.items.length === 1) a = a.items[0];
  if (b.k === "list" && b.items.length === 1) b = b.items[0];
  if (a.k === "list" && a.or) a = collapseOr(a, ctx);
  if (b.k === "list" && b.or) b = collapseOr(b, ctx);
  if (a.k === "sym" && b.k === "sym" && symbolNamesMatch(a.name, b.name)) return true;
  if (a.k === "text" || b.k === "text") return textEqual(a, b);
  if (a.k === "rel" && b.k === "rel") {
    if (relEqual(a, b, ctx)) return true;
    // two labelled values (`P(x) = 1` and `p(x) = 1`, `x = 3` and `y = 3`): the values decide
    const la = labelledValue(a);
    const lb = labelledValue(b);
    if (la && lb) {
      // the labels must be the same (letter case aside): x = 3 is not y = 3, as in Math-Verify, where
      // two assignments compare as equations and solving them gives different variables
      const sameLabel = printNode(simplifyRel(a).args[0]).toLowerCase() === printNode(simplifyRel(b).args[0]).toLowerCase();
      return sameLabel && equal(la, lb, ctx);
    }
    // allow_set_relation_comp: gold `x \\in [-2, 7]` against the answer `-2 \\le x \\le 7`
    if (ctx.allowSetRelationComp && la && !isScalar(la)) {
      const iv = relInterval(b);
      if (iv) return equal(la, iv, ctx);
    }
    // gold `-2 \le x \le 7` against `x \in [-2, 7]`
    if (a.ops.every((o) => o === "=" || o === "~")) return false;
    const v = relValue(b);
    return v !== null && !isScalar(v) && equal(a, v, ctx);
  }
  if (b.k === "rel") {
    // an equation answered to a plain gold value is judged by its last side (Math-Verify: "we follow
    // what the gold format is"): `a + b = 6` answers 6, `x = 2 + 3 = 5` answers 5
    const v = relValue(b) ?? (b.ops.every((o) => o === "=") ? b.args[b.args.length - 1] : null);
    if (v !== null) return equal(a, v, ctx);
    // allow_set_relation_comp: a gold interval also matches an inequality answer
    if (ctx.allowSetRelationComp && !isScalar(a)) {
      const iv = relInterval(b);
      return iv !== null && equal(a, iv, ctx);
    }
    return false;
  }
  if (a.k === "rel") {
    // gold is a relation, the answer a value: `x = 3` vs `3`; `-2 \le x \le 7` vs `[-2, 7]`
    const v = relValue(a);
    if (v !== null) return equal(v, b, ctx);
    const iv = relInterval(a);
    return iv !== null && !isScalar(b) && equal(iv, b, ctx);
  }
  a = unionOfFiniteSets(a);
  b = unionOfFiniteSets(b);
  if (hasMatrixArithmetic(a)) a = reduceMatrix(a) ?? a;
  if (hasMatrixArithmetic(b)) b = reduceMatrix(b) ?? b;
  if (isScalar(a) && containsPm(a)) a = { k: "set", items: pmVariants(a) };
  if (isScalar(b) && containsPm(b)) b = { k: "set", items: pmVariants(b) };
  if (isScalar(a) && isScalar(b)) return scalarEqual(a, b, ctx);
  if (isScalar(a) || isScalar(b)) {
    // a one-element set {5} against 5
    const one = isScalar(a) ? b : a;
    const s = isScalar(a) ? a : b;
    return one.k === "set" && one.items.length === 1 && equal(one.items[0], s, ctx);
  }
  return collectionEqual(a, b, ctx);
}

/** "a or b" where every item is the same value (`15\\frac{39}{40} or \\frac{639}{40}`) is that value; else unchanged. */
function collapseOr(l: Extract<MathNode, { k: "list" }>, ctx: CompareContext): MathNode {
  const [first, ...rest] = l.items;
  return rest.every((x) => equal(first, x, ctx)) ? first : l;
}

/**
 * The readings of a top-level gold: itself, and for `x%` also `x` (a percent matches 28 and 0.28), unless the
 * answer is a percent too: then percent is compared with percent (`5000\%` is not `50\%`, though it is 50).
 */
function readings(n: MathNode, pred: MathNode): MathNode[] {
  if (n.k === "fn" && n.name === "percent" && !(pred.k === "fn" && pred.name === "percent")) return [n, n.args[0]];
  return [n];
}

/**
 * Whether the gold and the predicted trees are equivalent. A gold `28\\%` also matches 28; an answer
 * `28\\%` is read as 0.28 only (so it does not match a gold 28).
 */
export function treesEquivalent(gold: MathNode, pred: MathNode, ctx: CompareContext): boolean {
  for (const g of readings(gold, pred)) if (equal(g, pred, ctx)) return true;
  if (ctx.strict === false && !onlySymbols(gold) && !onlySymbols(pred)) {
    // not strict: variables are matched by position: f(y) is f(x), t^2+1 is x^2+1. The position is the rank of
    // the name (sorted), not the order of appearance, which the writer chooses: by appearance `y - x` matched
    // both `a - b` and `b - a`, and `y = 2x` both `y = 2x` and `x = 2y`. The same names are never renamed.
    // An answer that is nothing but variables (`C`, `(A, C)`) is never renamed either: any letter would match any
    // choice letter (exploits.test.ts)
    const gv = [...freeVariables(gold)].sort();
    const pv = [...freeVariables(pred)].sort();
    if (gv.length === pv.length && gv.length > 0 && gv.some((v, i) => v !== pv[i])) {
      const map = new Map(pv.map((v, i) => [v, gv[i]]));
      const renamed = renameVariables(pred, map);
      for (const g of readings(gold, renamed)) if (equal(g, renamed, ctx)) return true;
    }
  }
  return false;
}

/** True when the tree is a variable, or a tuple, set or list of nothing but variables. */
function onlySymbols(n: MathNode): boolean {
  if (n.k === "sym") return true;
  if (n.k === "tuple" || n.k === "set" || n.k === "list") return n.items.every(onlySymbols);
  return false;
}

/** The tree with its variables renamed by `map`. */
function renameVariables(n: MathNode, map: Map<string, string>): MathNode {
  return mapSymbols(n, (sym) => (map.has(sym.name) ? { k: "sym", name: map.get(sym.name)! } : sym));
}
