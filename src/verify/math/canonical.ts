/**
 * Canonical keys for grouping answers (majority vote): answers that are obviously equal map to one
 * string (`0.5`, `\frac12`, `1/2` → `q:1/2`; `x^2+2x+1` and `(x+1)^2` share a numeric fingerprint).
 * Equal keys imply equivalence in practice; different keys do not prove inequivalence (use
 * `answersEquivalent` to merge groups whose keys differ).
 */
import { isScalar, type MathNode } from "./ast.js";
import { parseAnswer } from "./answer.js";
import { Deadline } from "./deadline.js";
import { pmVariants, samplePoint } from "./compare.js";
import { exactValue } from "./exact.js";
import { freeVariables, numericValue, type Complex } from "./numeric.js";
import type { MathVerifyOptions } from "./types.js";

function fmt(x: number): string {
  return Object.is(x, -0) ? "0" : String(Number(x.toPrecision(10)));
}
function fmtC(v: Complex): string {
  return Math.abs(v.im) < 1e-12 * Math.max(1, Math.abs(v.re)) ? fmt(v.re) : `${fmt(v.re)}${v.im < 0 ? "" : "+"}${fmt(v.im)}i`;
}

function scalarKey(n: MathNode, budget: Deadline): string {
  if (n.k === "sym" && n.name === "inf") return "inf";
  if (n.k === "neg" && n.a.k === "sym" && n.a.name === "inf") return "-inf";
  if (n.k === "based") return `b:${n.digits.replace(/^0+(?=\d)/, "")}`;
  const q = exactValue(n, budget);
  if (q) return q.isInteger() || q.den < 1000000n ? `q:${q}` : `n:${fmt(q.toNumber())}`;
  const vars = [...freeVariables(n)].sort();
  if (vars.length === 0) return `n:${fmtC(numericValue(n, new Map(), budget))}`;
  const vals = [0, 1, 2].map((i) => fmtC(numericValue(n, samplePoint(vars, i), budget)));
  // one point with negative values tells |x| from x (complex values there are left out: branch cuts)
  const signed = numericValue(n, samplePoint(vars, 0, true), budget);
  vals.push(Math.abs(signed.im) <= 1e-9 * Math.max(1, Math.abs(signed.re)) ? fmt(signed.re) : "c");
  return `f:${vars.join(",")}:${vals.join(";")}`;
}

function nodeKey(n: MathNode, budget: Deadline): string {
  budget.tick();
  if (isScalar(n)) {
    const vs = pmVariants(n);
    if (vs.length > 1)
      return `{${vs
        .map((v) => scalarKey(v, budget))
        .sort()
        .join(",")}}`;
    if (n.k === "fn" && n.name === "percent") return scalarKey(n.args[0], budget);
    return scalarKey(n, budget);
  }
  switch (n.k) {
    case "text":
      return `t:${n.text
        .toLowerCase()
        .replace(/[\s.]+/g, "")
        .replace(/^\((.*)\)$/, "$1")}`;
    case "rel": {
      const first = n.args[0];
      if (n.ops.length === 1 && n.ops[0] === "=" && first.k === "sym") return nodeKey(n.args[1], budget);
      return `r:${n.args.map((a, i) => (i ? n.ops[i - 1] : "") + nodeKey(a, budget)).join("")}`;
    }
    case "list":
    case "set":
      if (n.items.length === 1) return nodeKey(n.items[0], budget);
      return `${n.k === "list" && n.or ? "or" : ""}{${n.items
        .map((a) => nodeKey(a, budget))
        .sort()
        .join(",")}}`;
    case "union":
      return `u{${n.items
        .map((a) => nodeKey(a, budget))
        .sort()
        .join(",")}}`;
    case "tuple":
      return `${n.open}${n.items.map((a) => nodeKey(a, budget)).join(",")}${n.close}`;
    case "matrix":
      return `m[${n.rows.map((r) => r.map((a) => nodeKey(a, budget)).join(",")).join(";")}]`;
    default:
      return "?";
  }
}

/**
 * A canonical string for an extracted answer (not a whole response): equal strings for
 * obviously-equal answers. Falls back to a whitespace- and case-free text key (`s:...`) when the
 * answer does not parse. Never throws.
 */
export function canonicalAnswerKey(answer: string, options: MathVerifyOptions = {}): string {
  // Plain integers (most votes on arithmetic tasks) skip the parser: the same key, ~100× faster.
  if (typeof answer === "string" && answer.length <= 300 && /^-?\d+$/.test(answer)) return `q:${BigInt(answer).toString()}`;
  return parsedAnswerKey(answer, options);
}

/** `canonicalAnswerKey` through the LaTeX parser always (no fast path); exported for tests. */
export function parsedAnswerKey(answer: string, options: MathVerifyOptions = {}): string {
  try {
    const p = parseAnswer(String(answer), options);
    if (!p.tree) return `s:${p.loose}`;
    return nodeKey(p.tree, new Deadline(options.timeoutMs ?? 1000));
  } catch {
    return `s:${String(answer).replace(/\s+/g, "")}`;
  }
}
