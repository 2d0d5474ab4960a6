/**
 * Set operations on subsets of the real line: `\cap`, `\setminus` and `\cup` of intervals and finite
 * sets with constant ends (`[1,3] \cap [2,4]`, `\mathbb{R} \setminus \{1\}`, `\{1,2,3\} \setminus \{2\}`).
 * latex2sympy2_extended parses these (PS.g4's minus_expr / union_expr / intersection_expr, built as
 * sympy `Complement`, `Union`, `Intersection`), and Math-Verify's grader compares two sets by
 * `symmetric_difference(...).is_empty` (`sympy_compare_sets`), so what counts is the set itself.
 * Here a set is computed as sorted, disjoint pieces (intervals, and points as closed one-point
 * pieces) and written back as an interval, a finite set or a union of them, which the comparison
 * of intervals, sets and unions then judges. Ends that are not constants (`[a, b] \cap [c, d]`)
 * cannot be ordered, and the answer is compared as text.
 */
import { printNode, type MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { MathParseError } from "./errors.js";
import { exactValue } from "./exact.js";
import { freeVariables, numericValue } from "./numeric.js";
import { preciselyEqual } from "./precise.js";

/** One end of a piece: its tree and its value (±Infinity for ∞). */
interface End {
  node: MathNode;
  v: number;
}

/** A piece of a real set: an interval, or a point (`lo` = `hi`, both closed). */
interface Piece {
  lo: End;
  hi: End;
  loClosed: boolean;
  hiClosed: boolean;
}

/** Most pieces a set may have here. */
const MAX_PIECES = 200;

const INF: MathNode = { k: "sym", name: "inf" };
const NEG_INF: End = { node: { k: "neg", a: INF }, v: -Infinity };
const POS_INF: End = { node: INF, v: Infinity };

class Sets {
  constructor(private readonly budget: Deadline) {}

  private fail(msg: string): never {
    throw new MathParseError(msg, "");
  }

  /** An end's value: ±∞, or a real constant. */
  end(n: MathNode): End {
    if (n.k === "sym" && n.name === "inf") return POS_INF;
    if (n.k === "neg" && n.a.k === "sym" && n.a.name === "inf") return NEG_INF;
    if (freeVariables(n).size > 0) this.fail("a set with symbolic ends is not computed (compared as text)");
    const v = numericValue(n, new Map(), this.budget);
    if (v.im !== 0 || !Number.isFinite(v.re)) this.fail("a set end that is not a real number");
    return { node: n, v: v.re };
  }

  /** -1, 0, 1: exact for rationals, to arbitrary precision for other constants. */
  cmp(a: End, b: End): number {
    if (a.v === b.v && !Number.isFinite(a.v)) return 0;
    if (!Number.isFinite(a.v) || !Number.isFinite(b.v)) return a.v < b.v ? -1 : 1;
    const ea = exactValue(a.node, this.budget);
    const eb = ea && exactValue(b.node, this.budget);
    if (ea && eb) return ea.compare(eb);
    if (Math.abs(a.v - b.v) > 1e-9 * Math.max(1, Math.abs(a.v), Math.abs(b.v))) return a.v < b.v ? -1 : 1;
    const same = preciselyEqual(a.node, b.node, new Map(), this.budget);
    if (same === null) this.fail("set ends too close to order");
    if (same) return 0;
    return a.v < b.v ? -1 : 1;
  }

  /** The pieces of a set written as an interval, a finite set, a tuple or a union. */
  pieces(n: MathNode): Piece[] {
    this.budget.tick();
    switch (n.k) {
      case "tuple": {
        if (n.items.length === 2) {
          const lo = this.end(n.items[0]);
          const hi = this.end(n.items[1]);
          const c = this.cmp(lo, hi);
          // (a, b) with b <= a is no interval: latex2sympy2's convert_interval makes it a Tuple, which set operations take as the finite set {a, b}
          if (c < 0) return [{ lo, hi, loClosed: n.open === "[", hiClosed: n.close === "]" }];
        }
        return this.points(n.items);
      }
      case "set":
        return this.points(n.items);
      case "union":
        return this.normalize(n.items.flatMap((x) => this.pieces(x)));
      default:
        return this.fail("not a set");
    }
  }

  private points(items: MathNode[]): Piece[] {
    if (items.length > MAX_PIECES) this.fail("set too large");
    return this.normalize(
      items.map((x) => {
        const e = this.end(x);
        if (!Number.isFinite(e.v)) this.fail("∞ is not a member of a set");
        return { lo: e, hi: e, loClosed: true, hiClosed: true };
      }),
    );
  }

  /** Sorted, disjoint, merged pieces. */
  normalize(ps: Piece[]): Piece[] {
    if (ps.length > MAX_PIECES) this.fail("set too large");
    const sorted = [...ps].sort((a, b) => this.cmp(a.lo, b.lo) || (a.loClosed === b.loClosed ? 0 : a.loClosed ? -1 : 1));
    const out: Piece[] = [];
    for (const p of sorted) {
      const last = out[out.length - 1];
      if (last) {
        const c = this.cmp(last.hi, p.lo);
        // overlapping, or touching with the shared end in the set
        if (c > 0 || (c === 0 && (last.hiClosed || p.loClosed))) {
          const h = this.cmp(p.hi, last.hi);
          if (h > 0 || (h === 0 && p.hiClosed)) out[out.length - 1] = { ...last, hi: p.hi, hiClosed: h === 0 ? last.hiClosed || p.hiClosed : p.hiClosed };
          continue;
        }
      }
      out.push(p);
    }
    return out;
  }

  intersect(as: Piece[], bs: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (const a of as)
      for (const b of bs) {
        this.budget.tick();
        const l = this.cmp(a.lo, b.lo);
        const h = this.cmp(a.hi, b.hi);
        const lo = l >= 0 ? a.lo : b.lo;
        const loClosed = l > 0 ? a.loClosed : l < 0 ? b.loClosed : a.loClosed && b.loClosed;
        const hi = h <= 0 ? a.hi : b.hi;
        const hiClosed = h < 0 ? a.hiClosed : h > 0 ? b.hiClosed : a.hiClosed && b.hiClosed;
        const c = this.cmp(lo, hi);
        if (c < 0 || (c === 0 && loClosed && hiClosed)) out.push({ lo, hi, loClosed, hiClosed });
      }
    return this.normalize(out);
  }

  complement(ps: Piece[]): Piece[] {
    const out: Piece[] = [];
    let lo = NEG_INF;
    let loClosed = false;
    for (const p of ps) {
      const c = this.cmp(lo, p.lo);
      if (c < 0 || (c === 0 && loClosed && !p.loClosed)) out.push({ lo, hi: p.lo, loClosed, hiClosed: !p.loClosed });
      lo = p.hi;
      loClosed = !p.hiClosed;
    }
    if (lo.v !== Infinity) out.push({ lo, hi: POS_INF, loClosed, hiClosed: false });
    return out;
  }

  /** The pieces written back: an interval, a finite set, or a union of intervals and one finite set. */
  node(ps: Piece[]): MathNode {
    const points: MathNode[] = [];
    const items: MathNode[] = [];
    for (const p of ps) {
      if (p.lo === p.hi || (p.loClosed && p.hiClosed && this.cmp(p.lo, p.hi) === 0)) points.push(p.lo.node);
      else items.push({ k: "tuple", items: [p.lo.node, p.hi.node], open: p.loClosed ? "[" : "(", close: p.hiClosed ? "]" : ")" });
    }
    if (points.length) items.push({ k: "set", items: points });
    if (items.length === 0) return { k: "set", items: [] };
    return items.length === 1 ? items[0] : { k: "union", items };
  }
}

/**
 * `a \cap b` or `a \setminus b` of two sets with constant ends, as an interval, a finite set or a
 * union. Throws `MathParseError` when either side is not such a set (the answer is then text).
 */
export function setOperation(op: "cap" | "setminus", a: MathNode, b: MathNode, budget: Deadline): MathNode {
  const s = new Sets(budget);
  const pa = s.pieces(a);
  const pb = s.pieces(b);
  return s.node(op === "cap" ? s.intersect(pa, pb) : s.intersect(pa, s.complement(pb)));
}

/**
 * Whether two sets with constant ends (intervals, finite sets, unions) are the same subset of the
 * real line (Math-Verify: `symmetric_difference(...).is_empty`); null when either is not such a set.
 */
export function sameRealSet(a: MathNode, b: MathNode, budget: Deadline): boolean | null {
  const s = new Sets(budget);
  let pa: Piece[];
  let pb: Piece[];
  try {
    pa = s.pieces(a);
    pb = s.pieces(b);
  } catch (e) {
    if (e instanceof MathParseError) return null;
    throw e;
  }
  if (pa.length !== pb.length) return false;
  return pa.every((p, i) => {
    const q = pb[i];
    return p.loClosed === q.loClosed && p.hiClosed === q.hiClosed && s.cmp(p.lo, q.lo) === 0 && s.cmp(p.hi, q.hi) === 0;
  });
}

/** `\\{1,3\\} \\cup \\{2,4\\}` is the set {1,2,3,4} (items written the same way counted once); other unions unchanged. */
export function unionOfFiniteSets(n: MathNode): MathNode {
  if (n.k !== "union" || !n.items.every((x) => x.k === "set" || (x.k === "list" && !x.or))) return n;
  const seen = new Set<string>();
  const items: MathNode[] = [];
  for (const x of n.items) {
    for (const item of (x as { items: MathNode[] }).items) {
      const key = printNode(item);
      if (!seen.has(key)) {
        seen.add(key);
        items.push(item);
      }
    }
  }
  return { k: "set", items };
}
