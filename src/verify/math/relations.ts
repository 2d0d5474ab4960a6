/**
 * Reading relations: a chain simplified (`\\approx` parts and equal chains), `>` chains turned to
 * `<`, labels that name an answer (`x`, `f(2)`, `|PQ|`, `(x, y)`), the value an equation stands
 * for (`x = 3` → 3), and an inequality in one variable as an interval (`-2 \\le x < 7` → [-2, 7)).
 * Pure tree functions; compare.ts decides equality with them.
 */
import { isScalar, type MathNode, type RelOp } from "./ast.js";
import { freeVariables } from "./numeric.js";

/** A relation chain node. */
export type Rel = Extract<MathNode, { k: "rel" }>;
const FLIP: Partial<Record<RelOp, RelOp>> = { ">": "<", ">=": "<=" };

/**
 * Simplify a relation chain: `x = 1/3 \approx 0.33` keeps the part before `\approx` (`x \approx 11`
 * reads as `x = 11`), and a chain of equalities `x = 5+5+1 = 11` keeps its first and last sides.
 */
export function simplifyRel(r: Rel): Rel {
  let { ops, args } = r;
  const approx = ops.indexOf("~");
  if (approx === 0) ops = ["=", ...ops.slice(1)];
  if (approx > 0) {
    ops = ops.slice(0, approx);
    args = args.slice(0, approx + 1);
  }
  const cut = ops.indexOf("~");
  if (cut > 0) {
    ops = ops.slice(0, cut);
    args = args.slice(0, cut + 1);
  }
  if (ops.length > 1 && ops.every((o) => o === "=")) return { k: "rel", ops: ["="], args: [args[0], args[args.length - 1]] };
  return { k: "rel", ops, args };
}

export function orientRel(n: Rel): { ops: RelOp[]; args: MathNode[] } {
  if (n.ops.every((o) => o === ">" || o === ">=")) {
    return { ops: [...n.ops].reverse().map((o) => FLIP[o] ?? o), args: [...n.args].reverse() };
  }
  return { ops: n.ops, args: n.args };
}

/** A symbol or a function value written as one: `x`, `x_1`, `f(x)`, `f(2)`, `g(x, y)`, `f^{-1}(x)`, `\\sin x`. */
function isSymbolLike(n: MathNode): boolean {
  const atom = (x: MathNode): boolean => x.k === "sym" || x.k === "num";
  if (n.k === "sym") return true;
  if (n.k === "fn") return n.args.every(atom);
  if (n.k !== "mul" || !(atom(n.b) || (n.b.k === "tuple" && n.b.items.every(atom)))) return false;
  // f(x) parses as the product f·x; f^{-1}(x) as f^{-1}·x (is_expr_of_only_symbols allows a power -1 of symbols)
  const f = n.a.k === "pow" && n.a.b.k === "neg" && n.a.b.a.k === "num" && n.a.b.a.text === "1" ? n.a.a : n.a;
  return f.k === "sym" && f.name.length === 1;
}

/**
 * A label naming the answer rather than computing it: a symbol or function value, a product or
 * quotient of letters (`|PQ|`, `\\frac{a}{b}`, `S_{MBCN}:S`), or a tuple of symbols (`(x, y)`).
 * No numbers and no sums, so `a + 3z = 0` and `7 = 11a + c` are equations, not labels.
 */
export function isLabel(n: MathNode, depth = 0): boolean {
  if (depth > 8) return false;
  if (isSymbolLike(n)) return true;
  switch (n.k) {
    case "mul":
    case "div":
      return isLabel(n.a, depth + 1) && isLabel(n.b, depth + 1);
    case "fn":
      return n.name === "abs" && isLabel(n.args[0], depth + 1);
    case "tuple":
      return n.open === "(" && n.items.every((x) => x.k === "sym");
    default:
      return false;
  }
}

/**
 * The value an equation stands for when compared with a plain value: `x = 3` → 3, `2+3 = 5` → 5,
 * `x = 5+5+1 = 11` → 11, `3 = x` → 3; null for equations such as `a + 3z = 0` or `7 = 11a + c`.
 */
export function relValue(r: Rel): MathNode | null {
  const s = simplifyRel(r);
  if (s.ops.length !== 1 || s.ops[0] !== "=") return null;
  const [l, v] = s.args;
  if (isLabel(l)) return v;
  // a computation and its result: 2 + 3 = 5 (but not 7 = 11a + c). The last side is the answer, as
  // in Math-Verify ("last = is considered"): only one value is ever judged, so "3 = 4 = 5" hedges nothing.
  if (isScalar(l) && isScalar(v) && freeVariables(l).size === 0 && freeVariables(v).size === 0) return v;
  if (v.k === "sym") return l;
  return null;
}

/** The value of `label = value` (`x = 3`, `(x, y) = (1, 2)`, `\\frac{a}{b} = \\frac12`), or null. */
export function labelledValue(r: Rel): MathNode | null {
  const s = simplifyRel(r);
  if (s.ops.length !== 1 || s.ops[0] !== "=") return null;
  return isLabel(s.args[0]) ? s.args[1] : null;
}

/** An inequality in one variable as an interval: `-2 \le x < 7` → [-2, 7), `x > 2` → (2, ∞). */
export function relInterval(r: Rel): MathNode | null {
  // x ≠ a in one variable is (-∞, a) ∪ (a, ∞) (sympy's as_set, which Math-Verify applies to a gold relation)
  if (r.ops.length === 1 && r.ops[0] === "!=") {
    const [l, v] = r.args[0].k === "sym" ? r.args : [r.args[1], r.args[0]];
    if (l.k !== "sym" || freeVariables(v).size > 0) return null;
    const infinity: MathNode = { k: "sym", name: "inf" };
    return {
      k: "union",
      items: [
        { k: "tuple", items: [{ k: "neg", a: infinity }, v], open: "(", close: ")" },
        { k: "tuple", items: [v, infinity], open: "(", close: ")" },
      ],
    };
  }
  const { ops, args } = orientRel(r);
  if (!ops.every((o) => o === "<" || o === "<=")) return null;
  const inf: MathNode = { k: "sym", name: "inf" };
  const open = (o: RelOp): "(" | "[" => (o === "<" ? "(" : "[");
  const close = (o: RelOp): ")" | "]" => (o === "<" ? ")" : "]");
  if (args.length === 3 && args[1].k === "sym") return { k: "tuple", items: [args[0], args[2]], open: open(ops[0]), close: close(ops[1]) };
  if (args.length === 2 && args[0].k === "sym") return { k: "tuple", items: [{ k: "neg", a: inf }, args[1]], open: "(", close: close(ops[0]) };
  if (args.length === 2 && args[1].k === "sym") return { k: "tuple", items: [args[0], inf], open: open(ops[0]), close: ")" };
  // |z| between two bounds: a ≤ |z| ≤ b is [-b, -a] ∪ [a, b]; |z| < b is (-b, b); |z| > a is (-∞, -a) ∪ (a, ∞)
  const isAbsSym = (n: MathNode): boolean => n.k === "fn" && n.name === "abs" && n.args[0].k === "sym";
  const neg = (n: MathNode): MathNode => ({ k: "neg", a: n });
  if (args.length === 3 && isAbsSym(args[1])) {
    const [lo, , hi] = args;
    return {
      k: "union",
      items: [
        { k: "tuple", items: [neg(hi), neg(lo)], open: open(ops[1]), close: close(ops[0]) },
        { k: "tuple", items: [lo, hi], open: open(ops[0]), close: close(ops[1]) },
      ],
    };
  }
  if (args.length === 2 && isAbsSym(args[0])) return { k: "tuple", items: [neg(args[1]), args[1]], open: open(ops[0]), close: close(ops[0]) };
  if (args.length === 2 && isAbsSym(args[1])) {
    return {
      k: "union",
      items: [
        { k: "tuple", items: [neg(inf), neg(args[0])], open: "(", close: close(ops[0]) },
        { k: "tuple", items: [args[0], inf], open: open(ops[0]), close: ")" },
      ],
    };
  }
  return null;
}
