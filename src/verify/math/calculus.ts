/**
 * Calculus in answers, as latex2sympy2_extended parses it and Math-Verify compares it:
 *
 * - integrals `\int_a^b f\,dx`, `\int f\,dx` (PS.g4 `func: FUNC_INT (subexpr supexpr)? (additive?
 *   DIFFERENTIAL | frac | additive)`, latex2sympy2 `handle_integral` → sympy `Integral`). The grader's
 *   `sympy_numeric_eq` / `sympy_symbolic_eq` evaluate them with `doit()`: a polynomial integrand is
 *   integrated exactly here (the antiderivative without a constant term, as sympy's polynomial
 *   integration gives it), other definite integrals numerically (quadrature.ts), and an indefinite
 *   one matches an expression whose derivative is the integrand and which has no added constant;
 * - limits `\lim_{x \to a} f` with `a^+`, `a^-` (PS.g4 `FUNC_LIM limit_sub mp`, `handle_limit` →
 *   sympy `Limit`, evaluated by `doit()`): the value where `f` is defined at `a`, else the value `f`
 *   approaches, computed at arbitrary precision from both sides (or the side given);
 * - derivatives `\frac{d}{dx} f`, `\frac{d f}{dx}` (latex2sympy2 `convert_frac` → sympy `Derivative`,
 *   evaluated by `doit()`): differentiated symbolically here.
 *
 * (derivative.ts differentiates, limits.ts evaluates limits, quadrature.ts integrates numerically.)
 * What cannot be evaluated stays a node (`int`, `antideriv`, `lim`, `deriv`) compared by structure.
 */
import { mapSymbols, type MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { constant, diff, has, num, ONE, tooLarge, ZERO } from "./derivative.js";
import { MathTooLargeError } from "./errors.js";
import { exactValue } from "./exact.js";
import { limitValue } from "./limits.js";
import { Rational } from "./rational.js";
import type { Token } from "./tokenize.js";

/** What this module needs of the parser (parse.ts's `Parser`). */
export interface ParserAccess {
  readonly toks: Token[];
  pos: number;
  readonly budget: Deadline;
  is(t: Token["t"], v?: string): boolean;
  isOp(v: string): boolean;
  fail(msg: string): never;
  /** A sub- or superscript: a braced group or one item. */
  parseExponent(): MathNode;
  /** A product of factors without explicit operators (the body of `\\sum`, `\\lim`, `\\frac{d}{dx}`). */
  parseFactors(): MathNode;
  /** How many sums and products enclose the current position. */
  bigDepth: number;
  /** A group from `open` to its matching `close`. */
  parseGroup(open: string, close: string): MathNode;
  /** The whole token range [from, to) parsed as one expression. */
  parseRange(from: number, to: number, toks?: Token[]): MathNode;
}

function variableAt(p: ParserAccess, i: number): string | null {
  const t = p.toks[i];
  if (!t) return null;
  if (t.t === "id") return t.v;
  if (
    t.t === "cmd" &&
    /^(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|rho|sigma|tau|phi|varphi|chi|psi|omega)$/.test(t.v)
  ) {
    return t.v;
  }
  return null;
}

/**
 * After `\\frac`: `{d}{dx} f` or `{d f}{dx}` (also with ∂) as the derivative of f, or null (the parser
 * goes on with an ordinary fraction). latex2sympy2's `convert_frac`: a denominator that is one
 * differential and a numerator `d` (the operator, applied to what follows) or `d` + an expression.
 */
export function parseDerivative(p: ParserAccess): MathNode | null {
  const t = p.toks;
  const i = p.pos;
  const isD = (k: number): boolean => (t[k]?.t === "id" && t[k].v === "d") || (t[k]?.t === "cmd" && t[k].v === "partial");
  const op = (k: number, v: string): boolean => t[k]?.t === "op" && t[k].v === v;
  if (!op(i, "{") || !isD(i + 1)) return null;
  // the numerator's closing brace
  let close = -1;
  for (let k = i + 1, depth = 1; k < t.length && k < i + 400; k++) {
    if (op(k, "{")) depth++;
    else if (op(k, "}") && --depth === 0) {
      close = k;
      break;
    }
  }
  if (close < 0 || !op(close + 1, "{") || !isD(close + 2) || !op(close + 4, "}")) return null;
  const x = variableAt(p, close + 3);
  if (!x) return null;
  let body: MathNode;
  if (close === i + 2) {
    p.pos = close + 5;
    body = p.parseFactors();
  } else {
    body = p.parseRange(i + 2, close);
    p.pos = close + 5;
  }
  const d = tooLarge(body) ? null : diff(body, x, p.budget);
  return d && !tooLarge(d) ? d : { k: "fn", name: "deriv", args: [body, { k: "sym", name: x }] };
}

// ---------------------------------------------------------------------------------------------
// Integrals

/** Highest degree integrated exactly. */
const MAX_DEGREE = 24;

/** The coefficients (trees free of x) of a polynomial in x, lowest power first, or null. */
function polynomial(n: MathNode, x: string, budget: Deadline, depth = 0): MathNode[] | null {
  budget.tick();
  if (depth > 60) return null;
  if (!has(n, x)) return [n];
  const p = (m: MathNode): MathNode[] | null => polynomial(m, x, budget, depth + 1);
  // coefficient arithmetic, exact constants folded (so (x+1)^{20} stays small)
  const op = (k: "add" | "sub" | "mul", u: MathNode, v: MathNode): MathNode => {
    const cu = constant(u);
    const cv = cu && constant(v);
    if (cu && cv) return num(k === "add" ? cu.add(cv) : k === "sub" ? cu.sub(cv) : cu.mul(cv));
    return { k, a: u, b: v };
  };
  const add = (a: MathNode[], b: MathNode[], k: "add" | "sub"): MathNode[] =>
    Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (i >= b.length ? a[i] : op(k, i >= a.length ? ZERO : a[i], b[i])));
  const mul = (a: MathNode[], b: MathNode[]): MathNode[] | null => {
    if (a.length + b.length - 2 > MAX_DEGREE) return null;
    const out: MathNode[] = new Array<MathNode>(a.length + b.length - 1).fill(ZERO);
    for (let i = 0; i < a.length; i++)
      for (let j = 0; j < b.length; j++) {
        budget.tick();
        out[i + j] = op("add", out[i + j], op("mul", a[i], b[j]));
      }
    return out.some(tooLarge) ? null : out;
  };
  switch (n.k) {
    case "sym":
      return [ZERO, ONE];
    case "neg": {
      const a = p(n.a);
      return a && a.map((c) => ({ k: "neg", a: c }));
    }
    case "add":
    case "sub": {
      const a = p(n.a);
      const b = a && p(n.b);
      return a && b && add(a, b, n.k);
    }
    case "mul": {
      const a = p(n.a);
      const b = a && p(n.b);
      return a && b && mul(a, b);
    }
    case "div": {
      if (has(n.b, x)) return null;
      const a = p(n.a);
      return a && a.map((c) => ({ k: "div", a: c, b: n.b }));
    }
    case "pow": {
      const e = has(n.b, x) ? null : exactValue(n.b, budget);
      if (!e || !e.isInteger() || e.sign() < 0 || e.num > BigInt(MAX_DEGREE)) return null;
      const a = p(n.a);
      if (!a) return null;
      let out: MathNode[] | null = [ONE];
      for (let k = 0n; k < e.num && out; k++) out = mul(out, a);
      return out;
    }
    default:
      return null;
  }
}

/** `polynomial`, or null when an exact coefficient grows past the size limit. */
function exactPolynomial(n: MathNode, x: string, budget: Deadline): MathNode[] | null {
  try {
    return polynomial(n, x, budget);
  } catch (e) {
    if (e instanceof MathTooLargeError) return null;
    throw e;
  }
}

/** Σ c_k t^(k+1)/(k+1): the antiderivative without a constant term, at `t`. */
function antiderivative(coeffs: MathNode[], t: MathNode): MathNode {
  let out: MathNode | null = null;
  coeffs.forEach((c, k) => {
    if (constant(c)?.isZero()) return;
    const term: MathNode = { k: "div", a: { k: "mul", a: c, b: { k: "pow", a: t, b: num(Rational.int(k + 1)) } }, b: num(Rational.int(k + 1)) };
    out = out === null ? term : { k: "add", a: out, b: term };
  });
  return out ?? ZERO;
}

/** How deeply integrals are nested in a tree (the bound index of a new one is `@int` + depth). */
function intDepth(n: MathNode): number {
  let depth = 0;
  mapSymbols(n, (s) => {
    const m = /^@int(\d+)$/.exec(s.name);
    if (m) depth = Math.max(depth, Number(m[1]));
    return s;
  });
  return depth;
}

/** A bound after `_` or `^`: a braced group, or one token (`0`, `\\pi`, `\\infty`, `a`). */
function parseBound(p: ParserAccess): MathNode {
  const t = p.toks;
  if (p.isOp("{")) {
    for (let k = p.pos + 1, depth = 1; k < t.length; k++) {
      if (t[k].t === "op" && t[k].v === "{") depth++;
      else if (t[k].t === "op" && t[k].v === "}" && --depth === 0) {
        const n = p.parseRange(p.pos + 1, k);
        p.pos = k + 1;
        return n;
      }
    }
    p.fail("unclosed bound");
  }
  const n = p.parseRange(p.pos, p.pos + 1);
  p.pos++;
  return n;
}

/**
 * After `\\int`: optional bounds `_a^b` (either order), the integrand, and its differential
 * (`dx`, `d\\theta`), which must be written. A polynomial integrand is integrated exactly;
 * otherwise a definite integral is an `int` node [body, index, lo, hi] (numeric.ts evaluates it)
 * and an indefinite one an `antideriv` node [body, x].
 */
export function parseIntegral(p: ParserAccess): MathNode {
  let lo: MathNode | null = null;
  let hi: MathNode | null = null;
  for (let k = 0; k < 2; k++) {
    if (p.isOp("_") && !lo) {
      p.pos++;
      lo = parseBound(p);
    } else if (p.isOp("^") && !hi) {
      p.pos++;
      hi = parseBound(p);
    }
  }
  if ((lo === null) !== (hi === null)) p.fail("an integral with one bound (compared as text)");
  // the differential: `d` and a variable at this nesting level, closing the integrand
  const t = p.toks;
  let at = -1;
  // (an integral inside the integrand takes the first differential: \\int\\int f\\,dx\\,dy is dy outside)
  for (let k = p.pos, depth = 0, inner = 0; k < t.length && at < 0; k++) {
    p.budget.tick();
    const tk = t[k];
    if ((tk.t === "op" && "({[".includes(tk.v)) || tk.t === "lset") depth++;
    else if ((tk.t === "op" && ")}]".includes(tk.v)) || tk.t === "rset") depth--;
    if (depth < 0) break;
    if (depth === 0 && tk.t === "cmd" && tk.v === "int") inner++;
    else if (depth === 0 && tk.t === "id" && tk.v === "d" && variableAt(p, k + 1)) {
      if (inner === 0) at = k;
      else inner--;
    }
  }
  let x: string;
  let body: MathNode;
  if (at >= 0) {
    x = variableAt(p, at + 1)!;
    body = at === p.pos ? ONE : p.parseRange(p.pos, at);
    p.pos = at + 2;
  } else {
    // the differential in a fraction's numerator: \\int \\frac{dx}{x} (PS.g4's `frac` integrand;
    // handle_integral takes the symbol `dx` out of it)
    const f = fractionWithDifferential(p);
    if (!f) return p.fail("an integral without its differential (compared as text)");
    ({ x, body } = f);
  }
  const coeffs = tooLarge(body) ? null : exactPolynomial(body, x, p.budget);
  if (coeffs) {
    if (!lo || !hi) return antiderivative(coeffs, { k: "sym", name: x });
    return { k: "sub", a: antiderivative(coeffs, hi), b: antiderivative(coeffs, lo) };
  }
  if (!lo || !hi) return { k: "fn", name: "antideriv", args: [body, { k: "sym", name: x }] };
  const index = `@int${intDepth(body) + 1}`;
  return { k: "fn", name: "int", args: [mapSymbols(body, (s) => (s.name === x ? { k: "sym", name: index } : s)), { k: "sym", name: index }, lo, hi] };
}

/** The terms of a sum: `a + b - c` → a, b, c. */
function terms(n: MathNode, out: MathNode[] = []): MathNode[] {
  if (n.k === "add" || n.k === "sub") {
    terms(n.a, out);
    terms(n.b, out);
  } else if (n.k === "neg") terms(n.a, out);
  else out.push(n);
  return out;
}

/** After `\\int`: `\\frac{… dx …}{…}` read as the fraction with the differential taken out (1 when nothing is left), or null. */
function fractionWithDifferential(p: ParserAccess): { x: string; body: MathNode } | null {
  const t = p.toks;
  const op = (k: number, v: string): boolean => t[k]?.t === "op" && t[k].v === v;
  if (!(t[p.pos]?.t === "cmd" && t[p.pos].v === "frac") || !op(p.pos + 1, "{")) return null;
  const groupEnd = (open: number): number => {
    for (let k = open, depth = 0; k < t.length; k++) {
      if (op(k, "{")) depth++;
      else if (op(k, "}") && --depth === 0) return k;
    }
    return -1;
  };
  const numEnd = groupEnd(p.pos + 1);
  const denEnd = numEnd > 0 && op(numEnd + 1, "{") ? groupEnd(numEnd + 1) : -1;
  if (denEnd < 0) return null;
  let d = -1;
  for (let k = p.pos + 2, depth = 0; k < numEnd; k++) {
    if (op(k, "{") || op(k, "(")) depth++;
    else if (op(k, "}") || op(k, ")")) depth--;
    else if (depth === 0 && t[k].t === "id" && t[k].v === "d" && variableAt(p, k + 1)) d = k;
  }
  if (d < 0) return null;
  const x = variableAt(p, d + 1)!;
  const numerator = [...t.slice(p.pos + 2, d), ...t.slice(d + 2, numEnd)];
  const toks: Token[] = [t[p.pos], t[p.pos + 1], ...(numerator.length ? numerator : [{ t: "num", v: "1" } as Token]), ...t.slice(numEnd, denEnd + 1)];
  const body = p.parseRange(0, toks.length, toks);
  p.pos = denEnd + 1;
  return { x, body };
}

/**
 * An indefinite integral (`antideriv` node) against another answer: two integrals match when they
 * integrate over the same variable and their integrands are equal; an expression F matches ∫ f dx
 * when F' = f and no term of F is a constant (sympy's `Integral.doit()` adds none, so `-\\cos x + C`
 * is not `\\int \\sin x\\,dx`). Null when neither side is an indefinite integral or F cannot be
 * differentiated here.
 */
export function antiderivativeEqual(a: MathNode, b: MathNode, budget: Deadline, equal: (x: MathNode, y: MathNode) => boolean): boolean | null {
  const isAnti = (n: MathNode): n is Extract<MathNode, { k: "fn" }> => n.k === "fn" && n.name === "antideriv";
  if (!isAnti(a) && !isAnti(b)) return null;
  if (isAnti(a) && isAnti(b)) return printVar(a) === printVar(b) && equal(a.args[0], b.args[0]);
  const I = (isAnti(a) ? a : b) as Extract<MathNode, { k: "fn" }>;
  const F = isAnti(a) ? b : a;
  const x = printVar(I);
  if (terms(F).some((term) => !has(term, x))) return false;
  const dF = diff(F, x, budget);
  return dF === null ? null : equal(I.args[0], dF);
}

function printVar(n: Extract<MathNode, { k: "fn" }>): string {
  const v = n.args[1];
  return v.k === "sym" ? v.name : "";
}

// ---------------------------------------------------------------------------------------------
// Limits

/**
 * After `\\lim`: `_{x \\to a}` (`\\rightarrow` too; `a^+`, `a^-` or `^{+}` for one side) and the
 * body (a product of factors, PS.g4's `mp`). The value where the body is defined and continuous at
 * `a`; else the value approached at 2^-40, 2^-80 and 2^-120 from the side(s), at 480 bits, when
 * the last two agree to 2^-40 (read as a decimal to the digits it settled on), or ±∞ when it grows without bound;
 * else a `lim` node compared by structure.
 */
export function parseLimit(p: ParserAccess): MathNode {
  const t = p.toks;
  if (!p.isOp("_") || !(t[p.pos + 1]?.t === "op" && t[p.pos + 1].v === "{")) p.fail("\\lim without _{x \\to a} (compared as text)");
  const x = variableAt(p, p.pos + 2);
  const arrow = t[p.pos + 3];
  if (!x || !arrow || arrow.t !== "cmd" || !/^(?:to|rightarrow|Rightarrow|longrightarrow|Longrightarrow)$/.test(arrow.v))
    p.fail("\\lim without x \\to a (compared as text)");
  let close = -1;
  for (let k = p.pos + 4, depth = 1; k < t.length; k++) {
    if (t[k].t === "op" && t[k].v === "{") depth++;
    else if (t[k].t === "op" && t[k].v === "}" && --depth === 0) {
      close = k;
      break;
    }
  }
  if (close < 0) p.fail("\\lim_{ without its closing brace");
  // a one-sided approach: a^+, a^-, a^{+}, a^{-}
  let end = close;
  let side = 0;
  const op = (k: number, v: string): boolean => t[k]?.t === "op" && t[k].v === v;
  if (op(end - 1, "+") || op(end - 1, "-")) {
    if (op(end - 2, "^")) {
      side = op(end - 1, "+") ? 1 : -1;
      end -= 2;
    } else if (op(end - 2, "{") && op(end - 3, "^")) p.fail("malformed one-sided limit");
  } else if (op(end - 1, "}") && (op(end - 2, "+") || op(end - 2, "-")) && op(end - 3, "{") && op(end - 4, "^")) {
    side = op(end - 2, "+") ? 1 : -1;
    end -= 4;
  }
  const target = p.parseRange(p.pos + 4, end);
  p.pos = close + 1;
  const body = p.parseFactors();
  return limitValue(body, x, target, side, p.budget) ?? { k: "fn", name: "lim", args: [body, { k: "sym", name: x }, target, num(Rational.int(side))] };
}
