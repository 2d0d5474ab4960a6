/**
 * Matrix arithmetic on trees: sums, differences, scalar multiples and products of matrix literals
 * are reduced to one matrix of entry trees (`[[1,2],[3,4]] + [[5,6],[7,8]]` → `[[1+5, ...]]`), so
 * that an answer written as an operation compares entry by entry.
 */
import type { MathNode } from "./ast.js";
import type { Deadline } from "./deadline.js";
import { exactValue } from "./exact.js";
import { Rational } from "./rational.js";

type Matrix = MathNode[][];
const MAX_ENTRIES = 400;

/** True when the tree is arithmetic (not a bare matrix) with a matrix inside. */
export function hasMatrixArithmetic(n: MathNode): boolean {
  if (n.k === "matrix") return false;
  const inside = (x: MathNode): boolean => {
    switch (x.k) {
      case "matrix":
        return true;
      case "neg":
        return inside(x.a);
      case "add":
      case "sub":
      case "mul":
      case "div":
        return inside(x.a) || inside(x.b);
      default:
        return false;
    }
  };
  return inside(n);
}

function scalarTimes(s: MathNode, m: Matrix, left: boolean): Matrix {
  return m.map((r) => r.map((e) => (left ? { k: "mul", a: s, b: e } : { k: "mul", a: e, b: s }) as MathNode));
}

/** A binary node. */
function node(k: "add" | "sub" | "mul" | "div", a: MathNode, b: MathNode): MathNode {
  return { k, a, b };
}

function reduce(n: MathNode): Matrix | MathNode | null {
  switch (n.k) {
    case "matrix":
      return n.rows;
    case "neg": {
      const a = reduce(n.a);
      if (a === null) return null;
      return Array.isArray(a) ? a.map((r) => r.map((e): MathNode => ({ k: "neg", a: e }))) : { k: "neg", a };
    }
    case "add":
    case "sub":
    case "mul":
    case "div": {
      const a = reduce(n.a);
      const b = reduce(n.b);
      if (a === null || b === null) return null;
      const am = Array.isArray(a);
      const bm = Array.isArray(b);
      if (!am && !bm) return node(n.k, a, b);
      if (n.k === "add" || n.k === "sub") {
        if (!am || !bm || a.length !== b.length || a[0].length !== b[0].length) return null;
        return a.map((r, i) => r.map((e, j) => node(n.k, e, b[i][j])));
      }
      if (n.k === "div") return am && !bm ? a.map((r) => r.map((e) => node("div", e, b))) : null;
      if (!am) return scalarTimes(a, b as Matrix, true);
      if (!bm) return scalarTimes(b, a, false);
      const bb = b;
      if (a[0].length !== bb.length || a.length * bb[0].length > MAX_ENTRIES) return null;
      return a.map((row) => bb[0].map((_, j) => row.map((e, k) => node("mul", e, bb[k][j])).reduce((x, y) => node("add", x, y))));
    }
    default:
      return n;
  }
}

/** The matrix a tree of matrix arithmetic equals, or null when the shapes do not fit. */
export function reduceMatrix(n: MathNode): MathNode | null {
  const r = reduce(n);
  return Array.isArray(r) ? { k: "matrix", rows: r } : null;
}

/** Largest matrix whose determinant is written out (Laplace expansion: n! products). */
const MAX_DET = 5;

/**
 * The determinant of a square matrix of entry trees, written out by Laplace expansion along the
 * first row (PS.g4's `det` rule, `\\begin{vmatrix}…\\end{vmatrix}`, and `\\det`, which latex2sympy2
 * evaluates with `.det()`), or null when the matrix is not square or larger than 5×5.
 */
export function determinant(rows: MathNode[][]): MathNode | null {
  const n = rows.length;
  if (n === 0 || n > MAX_DET || rows.some((r) => r.length !== n)) return null;
  if (n === 1) return rows[0][0];
  let out: MathNode | null = null;
  for (let j = 0; j < n; j++) {
    const minor = rows.slice(1).map((r) => r.filter((_, k) => k !== j));
    const term: MathNode = { k: "mul", a: rows[0][j], b: determinant(minor)! };
    out = out === null ? term : { k: j % 2 === 0 ? "add" : "sub", a: out, b: term };
  }
  return out;
}

/** The trace of a square matrix of entry trees (the sum of its diagonal), or null when it is not square. */
export function trace(rows: MathNode[][]): MathNode | null {
  const n = rows.length;
  if (n === 0 || rows.some((r) => r.length !== n)) return null;
  let out = rows[0][0];
  for (let i = 1; i < n; i++) out = { k: "add", a: out, b: rows[i][i] };
  return out;
}

/**
 * The rank of a matrix whose entries are exact rationals (Gaussian elimination over the rationals, as
 * sympy's `rank()` on such a matrix), as an integer node; null when an entry is not an exact rational.
 */
export function matrixRank(rows: MathNode[][], budget: Deadline): MathNode | null {
  if (rows.length === 0 || rows.length > 20 || rows.some((r) => r.length !== rows[0].length || r.length > 20)) return null;
  const m: Rational[][] = [];
  for (const r of rows) {
    const row: Rational[] = [];
    for (const x of r) {
      const v = exactValue(x, budget);
      if (!v) return null;
      row.push(v);
    }
    m.push(row);
  }
  let rank = 0;
  for (let col = 0; col < m[0].length && rank < m.length; col++) {
    const pivot = m.findIndex((r, i) => i >= rank && !r[col].isZero());
    if (pivot < 0) continue;
    [m[rank], m[pivot]] = [m[pivot], m[rank]];
    for (let i = 0; i < m.length; i++) {
      if (i === rank || m[i][col].isZero()) continue;
      const f = m[i][col].div(m[rank][col]);
      m[i] = m[i].map((x, j) => x.sub(f.mul(m[rank][j])));
      budget.tick();
    }
    rank++;
  }
  return { k: "num", value: Rational.of(BigInt(rank)), approx: false, text: String(rank) };
}

/** The transpose of a matrix node (`A^T`, `A^{\\top}`: PS.g4's `transpose`; a quote is removed before parsing). */
export function transpose(m: Extract<MathNode, { k: "matrix" }>): MathNode {
  return { k: "matrix", rows: m.rows[0].map((_, j) => m.rows.map((r) => r[j])) };
}
