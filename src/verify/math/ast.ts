/**
 * The syntax tree of a parsed math answer, and a printer that writes it back in one canonical
 * plain form (used for structural comparison when numbers are too large to evaluate).
 */
import type { Rational } from "./rational.js";

/** Relation operators after normalisation (`>` and `\ge` are kept; comparison flips them; `~` is `\approx`). */
export type RelOp = "=" | "<" | "<=" | ">" | ">=" | "!=" | "~";

/** One node of a parsed answer. */
export type MathNode =
  /** A number literal; `approx` when written with a decimal point or exponent; `value` null when too long to hold. */
  | { k: "num"; value: Rational | null; approx: boolean; text: string }
  /** A digit string with a base subscript, `204_5`. */
  | { k: "based"; digits: string; base: string }
  /** A variable or constant (`x`, `x_1`, `pi`, `e`, `i`, `inf`, `theta`). */
  | { k: "sym"; name: string }
  | { k: "neg"; a: MathNode }
  | { k: "add"; a: MathNode; b: MathNode }
  | { k: "sub"; a: MathNode; b: MathNode }
  | { k: "mul"; a: MathNode; b: MathNode }
  | { k: "div"; a: MathNode; b: MathNode }
  | { k: "pow"; a: MathNode; b: MathNode }
  /** `a ± b` (a may be absent: `\pm 5`); compares as the set {a+b, a-b}. */
  | { k: "pm"; a: MathNode | null; b: MathNode }
  /** A function application: sqrt, root (args: [x, n]), sin, ..., log (args [x, base?]), abs, fact, binom, percent. */
  | { k: "fn"; name: string; args: MathNode[] }
  /** A chain of relations `a < b <= c`. */
  | { k: "rel"; ops: RelOp[]; args: MathNode[] }
  /** A bracketed comma list: a tuple, a point, a vector or an interval (open/close say which brackets). */
  | { k: "tuple"; items: MathNode[]; open: "(" | "["; close: ")" | "]" }
  | { k: "set"; items: MathNode[] }
  /**
   * A bare comma list (several answers); `or` when joined by "or" (a hedge when one value is asked);
   * `flat`: the items before `;`-groups were made tuples (`a,b; c,d`), also compared.
   */
  | { k: "list"; items: MathNode[]; or: boolean; flat?: MathNode[] }
  | { k: "union"; items: MathNode[] }
  | { k: "matrix"; rows: MathNode[][] }
  /** Words (`\text{Evelyn}`, `(C)`). */
  | { k: "text"; text: string };

/** Write a node in one canonical plain form. */
export function printNode(n: MathNode): string {
  switch (n.k) {
    case "num":
      return n.value ? n.value.toString() : n.text;
    case "based":
      return `${n.digits}_${n.base}`;
    case "sym":
      return n.name;
    case "neg":
      return `(-${printNode(n.a)})`;
    case "add":
      return `(${printNode(n.a)}+${printNode(n.b)})`;
    case "sub":
      return `(${printNode(n.a)}-${printNode(n.b)})`;
    case "mul":
      return `(${printNode(n.a)}*${printNode(n.b)})`;
    case "div":
      return `(${printNode(n.a)}/${printNode(n.b)})`;
    case "pow":
      return `(${printNode(n.a)}^${printNode(n.b)})`;
    case "pm":
      return `(${n.a ? printNode(n.a) : ""}±${printNode(n.b)})`;
    case "fn":
      return `${n.name}(${n.args.map(printNode).join(",")})`;
    case "rel":
      return n.args.map((a, i) => (i === 0 ? printNode(a) : n.ops[i - 1] + printNode(a))).join("");
    case "tuple":
      return n.open + n.items.map(printNode).join(",") + n.close;
    case "set":
      return `{${n.items.map(printNode).join(",")}}`;
    case "list":
      return n.items.map(printNode).join(n.or ? " or " : ",");
    case "union":
      return n.items.map(printNode).join("∪");
    case "matrix":
      return `[${n.rows.map((r) => r.map(printNode).join("&")).join(";")}]`;
    case "text":
      return `"${n.text}"`;
  }
}

/** True when the node is a plain scalar expression (no relation, collection or text). */
export function isScalar(n: MathNode): boolean {
  return !(n.k === "rel" || n.k === "tuple" || n.k === "set" || n.k === "list" || n.k === "union" || n.k === "matrix" || n.k === "text");
}

/** The tree with every symbol node replaced by `f(symbol)` (renaming, substitution); other nodes are rebuilt around it. */
export function mapSymbols(n: MathNode, f: (sym: Extract<MathNode, { k: "sym" }>) => MathNode): MathNode {
  const r = (x: MathNode): MathNode => mapSymbols(x, f);
  switch (n.k) {
    case "sym":
      return f(n);
    case "neg":
      return { k: "neg", a: r(n.a) };
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow":
      return { k: n.k, a: r(n.a), b: r(n.b) };
    case "pm":
      return { k: "pm", a: n.a && r(n.a), b: r(n.b) };
    case "fn":
      return { k: "fn", name: n.name, args: n.args.map(r) };
    case "rel":
      return { k: "rel", ops: n.ops, args: n.args.map(r) };
    case "tuple":
      return { ...n, items: n.items.map(r) };
    case "set":
    case "union":
      return { k: n.k, items: n.items.map(r) };
    case "list":
      return { k: "list", items: n.items.map(r), or: n.or };
    case "matrix":
      return { k: "matrix", rows: n.rows.map((row) => row.map(r)) };
    default:
      return n;
  }
}
