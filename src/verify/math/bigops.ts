/**
 * Sums and products: parsing `\sum_{k=a}^{b}` / `\prod_{k=a}^{b}` (written out when the bounds are
 * small integers), and sums with symbolic bounds (`\sum_{k=1}^{n} k`) against closed forms
 * (`\frac{n(n+1)}{2}`), as Math-Verify judges them: its grader's `sympy_symbolic_eq` simplifies
 * `gold - pred`, and sympy's `simplify` ends with `doit()`, which evaluates the sum to its closed
 * form. Here the bound variables are set to integers (where a sum with such bounds has a meaning),
 * the sums are written out term by term, and both sides are compared exactly at each of those
 * points, so a closed form that is wrong anywhere on the points (a different bound, a different
 * body, an off-by-one) differs.
 */
import { mapSymbols, type MathNode } from "./ast.js";
import type { ParserAccess } from "./calculus.js";
import type { Deadline } from "./deadline.js";
import { exactValue } from "./exact.js";
import { freeVariables, treeSize as size } from "./numeric.js";
import { Rational } from "./rational.js";

/** Most nodes the written-out sums of one comparison may have (all nested sums together). */
const MAX_NODES = 30000;
/** Integer values of the bound variables, one row per point (a polynomial of degree < 6 is fixed by 6 points). */
const POINTS = [4, 7, 11, 16, 22, 29];
/** Larger values, checked when the sums there stay small enough to write out (so `+ \\lfloor n/100 \\rfloor` differs). */
const FAR_POINTS = [137, 1009];

type Fn = Extract<MathNode, { k: "fn" }>;

function isBigOp(n: MathNode): boolean {
  return n.k === "fn" && (n.name === "sum" || n.name === "prod") && n.args.length === 4;
}

/** The sums and products with bounds that are not integers written out, outermost first (at most 20). */
function bigOps(n: MathNode, out: Fn[] = []): Fn[] {
  if (out.length > 20) return out;
  if (isBigOp(n)) {
    out.push(n as Fn);
    return out;
  }
  switch (n.k) {
    case "neg":
      return bigOps(n.a, out);
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow":
      bigOps(n.a, out);
      return bigOps(n.b, out);
    case "fn":
      for (const a of n.args) bigOps(a, out);
      return out;
    default:
      return out;
  }
}

/** True when the tree holds a sum or product with symbolic bounds. */
export function hasSymbolicBigOp(n: MathNode): boolean {
  return bigOps(n).length > 0;
}

function integer(j: number): MathNode {
  const lit: MathNode = { k: "num", value: Rational.int(Math.abs(j)), approx: false, text: String(Math.abs(j)) };
  return j < 0 ? { k: "neg", a: lit } : lit;
}

/**
 * The tree with every sum and product whose bounds are now integers written out (nested ones too),
 * or null when a bound is not an integer or the result would have more than `MAX_NODES` nodes.
 */
function expand(n: MathNode, budget: Deadline, terms: { n: number }): MathNode | null {
  budget.tick();
  if (n.k === "fn" && isBigOp(n)) {
    const [body, index, lo, hi] = n.args;
    const a = exactValue(lo, budget);
    const b = exactValue(hi, budget);
    if (!a || !b || !a.isInteger() || !b.isInteger() || index.k !== "sym") return null;
    const from = Number(a.num);
    const to = Number(b.num);
    if (to < from - 1 || (to - from + 1) * (size(body, MAX_NODES) + 1) > MAX_NODES - terms.n) return null;
    let out: MathNode | null = null;
    for (let j = from; j <= to; j++) {
      terms.n += size(body, MAX_NODES) + 1;
      if (terms.n > MAX_NODES) return null;
      const term = expand(replaceIndex(body, index.name, integer(j)), budget, terms);
      if (!term) return null;
      out = out === null ? term : { k: n.name === "sum" ? "add" : "mul", a: out, b: term };
    }
    return out ?? integer(n.name === "sum" ? 0 : 1);
  }
  const r = (x: MathNode): MathNode | null => expand(x, budget, terms);
  switch (n.k) {
    case "neg": {
      const a = r(n.a);
      return a && { k: "neg", a };
    }
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "pow": {
      const a = r(n.a);
      const b = a && r(n.b);
      return a && b && { k: n.k, a, b };
    }
    case "fn": {
      const args: MathNode[] = [];
      for (const x of n.args) {
        const v = r(x);
        if (!v) return null;
        args.push(v);
      }
      return { k: "fn", name: n.name, args };
    }
    default:
      return n;
  }
}

/**
 * Whether two scalar trees, at least one holding a sum or product with symbolic bounds, are equal
 * at six integer values of the variables in those bounds (and at two far ones where the sums are small enough) (the sums written out, the comparison
 * `equalAt` exact). Null when a sum cannot be written out (bounds that are not integers there, or
 * too many terms): the caller decides another way.
 */
export function bigOpsEqual(a: MathNode, b: MathNode, budget: Deadline, equalAt: (x: MathNode, y: MathNode) => boolean): boolean | null {
  const vars = new Set<string>();
  for (const op of [...bigOps(a), ...bigOps(b)]) {
    freeVariables(op.args[2], vars);
    freeVariables(op.args[3], vars);
  }
  // a sum of a sequence whose subscripts are not the index alone (`F_{n-k-1}`) is compared by structure
  if ([...bigOps(a), ...bigOps(b)].some((op) => subscriptsDependOnIndex(op.args[0]))) return null;
  const names = [...vars];
  for (const base of POINTS) {
    const values = new Map(names.map((v, i) => [v, integer(base + 5 * i)]));
    const at = (n: MathNode): MathNode => mapSymbols(n, (s) => values.get(s.name) ?? s);
    const terms = { n: 0 };
    const x = expand(at(a), budget, terms);
    const y = x && expand(at(b), budget, terms);
    if (!x || !y) return null;
    if (!equalAt(x, y)) return false;
  }
  // (only when the bound variables are the only ones: other variables at far points overflow)
  const others = freeVariables(a);
  freeVariables(b, others);
  for (const base of others.size > names.length ? [] : FAR_POINTS) {
    const values = new Map(names.map((v, i) => [v, integer(base + 5 * i)]));
    const at = (n: MathNode): MathNode => mapSymbols(n, (s) => values.get(s.name) ?? s);
    const terms = { n: 0 };
    const x = expand(at(a), budget, terms);
    const y = x && expand(at(b), budget, terms);
    if (x && y && !equalAt(x, y)) return false;
  }
  return true;
}

/**
 * The body with the index `index` replaced by `by`, also as a whole subscript (`a_k` → `a_3` or
 * `a_@sum1`); a subscript that only contains the index (`F_{n-k-1}`) is left as it is.
 */
function replaceIndex(body: MathNode, index: string, by: MathNode): MathNode {
  const subscript = by.k === "sym" ? by.name : by.k === "num" && by.value ? by.value.toString() : by.k === "neg" && by.a.k === "num" ? `-${by.a.text}` : null;
  return mapSymbols(body, (sym) => {
    if (sym.name === index) return by;
    const cut = sym.name.indexOf("_");
    if (subscript !== null && cut > 0 && sym.name.slice(cut + 1) === index) return { k: "sym", name: `${sym.name.slice(0, cut)}_${subscript}` };
    return sym;
  });
}

/** True when a subscript still depends on an index the sum ranges over (`F_{n-k-1}`): such a sum is not written out. */
function subscriptsDependOnIndex(n: MathNode): boolean {
  let found = false;
  mapSymbols(n, (sym) => {
    const cut = sym.name.indexOf("_");
    if (cut > 0 && !/^(?:@(?:sum|prod)\d+|-?\d+)$/.test(sym.name.slice(cut + 1))) found = true;
    return sym;
  });
  return found;
}

/** The integer a bound is written as (`3`, `-2`), or null. */
function integerOf(n: MathNode): number | null {
  if (n.k === "neg") {
    const v = integerOf(n.a);
    return v === null ? null : -v;
  }
  if (n.k !== "num" || n.approx || !n.value || !n.value.isInteger() || n.value.num > 1_000_000_000n) return null;
  return Number(n.value.num);
}

/**
 * After `\\sum` / `\\prod`: `_{k=a}^{b} body`. With integer bounds (at most 2000 terms, 20000 nodes)
 * the terms written out; otherwise a `sum`/`prod` node [body, index, lo, hi] whose index is renamed to
 * a bound name (`@sum` + nesting depth), so `\\sum_{i=1}^{n} i^2` and `\\sum_{j=1}^{n} j^2` are the same tree.
 */
export function parseBigOperator(p: ParserAccess, name: "sum" | "prod"): MathNode {
  if (!p.isOp("_")) p.fail(`\\${name} without bounds is not supported (compared as text)`);
  p.pos++;
  if (!p.isOp("{")) p.fail(`\\${name} without an index (compared as text)`);
  const lower = p.parseGroup("{", "}");
  if (lower.k !== "rel" || lower.ops.length !== 1 || lower.ops[0] !== "=" || lower.args[0].k !== "sym") {
    p.fail(`\\${name} without an index = start (compared as text)`);
  }
  const index = (lower.args[0] as { name: string }).name;
  const lo = lower.args[1];
  if (!p.isOp("^")) p.fail(`\\${name} without an upper bound (compared as text)`);
  p.pos++;
  const hi = p.parseExponent();
  p.bigDepth++;
  const body = p.parseFactors();
  p.bigDepth--;
  const a = integerOf(lo);
  const b = integerOf(hi);
  const substitute = (by: MathNode): MathNode => replaceIndex(body, index, by);
  // written out only while small: at most 2000 terms and 20000 nodes (nested sums stay bounded)
  if (a !== null && b !== null && b - a < 2000 && (b - a + 1) * size(body, 20001) <= 20000) {
    let out: MathNode | null = null;
    for (let j = a; j <= b; j++) {
      p.budget.tick();
      const term = substitute(integer(j));
      out = out === null ? term : { k: name === "sum" ? "add" : "mul", a: out, b: term };
    }
    return out ?? integer(name === "sum" ? 0 : 1);
  }
  const bound = `@${name}${p.bigDepth}`;
  return { k: "fn", name, args: [substitute({ k: "sym", name: bound }), { k: "sym", name: bound }, lo, hi] };
}
