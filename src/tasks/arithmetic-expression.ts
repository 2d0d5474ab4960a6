/**
 * A safe evaluator for the arithmetic expressions of Countdown answers: integer literals,
 * + - * / (also × ÷), parentheses, whitespace. Nothing else is accepted (no unary minus, no
 * decimals, no names), nothing is ever passed to `eval`, values are exact rationals (BigInt), and
 * length, nesting depth and the number of literals are capped, so evaluation is bounded.
 */
import { ScratchpadError } from "../core/errors.js";

/** A reduced fraction with a positive denominator. */
export interface Rational {
  n: bigint;
  d: bigint;
}

/** Why an expression was rejected (bad character, syntax, division by zero, limits). */
export class ExpressionError extends ScratchpadError {
  constructor(message: string) {
    super("expression", message);
  }
  override name = "ExpressionError";
}

/** Limits of `evaluateExpression`. */
export interface ExpressionLimits {
  /** Longest expression in characters (default 1000). */
  maxLength?: number;
  /** Most integer literals (default 32). */
  maxNumbers?: number;
  /** Deepest parenthesis nesting (default 32). */
  maxDepth?: number;
}

/** The exact value of an expression and the integer literals it uses, in order. */
export interface EvaluatedExpression {
  value: Rational;
  numbers: number[];
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}

function make(n: bigint, d: bigint): Rational {
  if (d === 0n) throw new ExpressionError("division by zero");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

type Token = { kind: "num"; value: number } | { kind: "op"; op: "+" | "-" | "*" | "/" } | { kind: "(" } | { kind: ")" };

function tokenize(expr: string, limits: Required<ExpressionLimits>): Token[] {
  if (expr.length > limits.maxLength) {
    throw new ExpressionError(`expression is longer than ${limits.maxLength} characters`);
  }
  const out: Token[] = [];
  let count = 0;
  for (let i = 0; i < expr.length;) {
    const c = expr[i];
    if (c >= "0" && c <= "9") {
      let j = i;
      while (j < expr.length && expr[j] >= "0" && expr[j] <= "9") j++;
      if (j - i > 15) throw new ExpressionError(`number ${expr.slice(i, i + 20)}... is too long`);
      if (++count > limits.maxNumbers) throw new ExpressionError(`more than ${limits.maxNumbers} numbers`);
      out.push({ kind: "num", value: Number(expr.slice(i, j)) });
      i = j;
      continue;
    }
    if (c === "+" || c === "-" || c === "*" || c === "/") out.push({ kind: "op", op: c });
    else if (c === "×" || c === "x") out.push({ kind: "op", op: "*" });
    else if (c === "÷") out.push({ kind: "op", op: "/" });
    else if (c === "(" || c === ")") out.push({ kind: c });
    else if (!/\s/.test(c)) throw new ExpressionError(`unexpected character "${c}": use digits, + - * / and parentheses`);
    i++;
  }
  return out;
}

/** Parse and evaluate exactly; throws ExpressionError on anything outside the grammar or limits. */
export function evaluateExpression(expr: string, limits: ExpressionLimits = {}): EvaluatedExpression {
  const lim = { maxLength: 1000, maxNumbers: 32, maxDepth: 32, ...limits };
  const tokens = tokenize(expr, lim);
  const numbers: number[] = [];
  let pos = 0;
  let depth = 0;

  const parseFactor = (): Rational => {
    const t = tokens[pos];
    if (t === undefined) throw new ExpressionError("expression ends too early");
    if (t.kind === "num") {
      pos++;
      numbers.push(t.value);
      return { n: BigInt(t.value), d: 1n };
    }
    if (t.kind === "(") {
      if (++depth > lim.maxDepth) throw new ExpressionError(`parentheses nested deeper than ${lim.maxDepth}`);
      pos++;
      const v = parseSum();
      if (tokens[pos]?.kind !== ")") throw new ExpressionError("missing )");
      pos++;
      depth--;
      return v;
    }
    throw new ExpressionError(t.kind === "op" ? `unexpected operator ${t.op} (no unary signs)` : "unexpected )");
  };
  const parseProduct = (): Rational => {
    let v = parseFactor();
    for (let t = tokens[pos]; t?.kind === "op" && (t.op === "*" || t.op === "/"); t = tokens[pos]) {
      pos++;
      const r = parseFactor();
      v = t.op === "*" ? make(v.n * r.n, v.d * r.d) : make(v.n * r.d, v.d * r.n);
    }
    return v;
  };
  const parseSum = (): Rational => {
    let v = parseProduct();
    for (let t = tokens[pos]; t?.kind === "op" && (t.op === "+" || t.op === "-"); t = tokens[pos]) {
      pos++;
      const r = parseProduct();
      v = make(t.op === "+" ? v.n * r.d + r.n * v.d : v.n * r.d - r.n * v.d, v.d * r.d);
    }
    return v;
  };

  if (tokens.length === 0) throw new ExpressionError("empty expression");
  const value = parseSum();
  if (pos < tokens.length) throw new ExpressionError("unexpected text after the expression");
  return { value, numbers };
}
