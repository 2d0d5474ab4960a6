/**
 * Numeric definite integrals for `\int_a^b f(x)\,dx` whose integrand has no polynomial
 * antiderivative here (calculus.ts integrates polynomials exactly): adaptive Gauss–Kronrod (7/15
 * points) in double precision, infinite ends mapped to a finite range. Like every other float
 * value in numeric.ts, the result is compared at a relative 1e-8, and a result that did not
 * converge is NaN ("cannot tell"), never a number.
 */
import type { Deadline } from "./deadline.js";

/** Gauss–Kronrod 15-point nodes (non-negative half) and weights; the Gauss 7-point weights on the odd nodes. */
const XGK = [0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911, 0.4058451513773972, 0.20778495500789848, 0];
const WGK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679, 0.19035057806478542, 0.20443294007529889,
  0.20948214108472782,
];
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

/** Most subintervals one integral may be split into. */
const MAX_INTERVALS = 200;

/** One Gauss–Kronrod step on [a, b]: the 15-point estimate and its difference from the 7-point one. */
function gk15(f: (x: number) => number, a: number, b: number): { value: number; error: number } {
  const c = (a + b) / 2;
  const h = (b - a) / 2;
  const fc = f(c);
  let k = fc * WGK[7];
  let g = fc * WG[3];
  for (let j = 0; j < 7; j++) {
    const dx = h * XGK[j];
    const s = f(c - dx) + f(c + dx);
    k += WGK[j] * s;
    if (j % 2 === 1) g += WG[(j - 1) / 2] * s;
  }
  return { value: k * h, error: Math.abs((k - g) * h) };
}

/**
 * ∫ f over [a, b] (either end may be ±Infinity), or NaN when the integrand is not finite on the
 * nodes or the estimate does not reach a relative 1e-11 within `MAX_INTERVALS` subintervals.
 */
export function integrate(f: (x: number) => number, a: number, b: number, budget: Deadline): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (a === b) return 0;
  if (a > b) return -integrate(f, b, a, budget);
  if (a === -Infinity && b === Infinity) return integrate(f, -Infinity, 0, budget) + integrate(f, 0, Infinity, budget);
  // x = a + t/(1-t) on [0, 1) for [a, ∞); x = b - t/(1-t) for (-∞, b]
  if (b === Infinity) return integrate((t) => f(a + t / (1 - t)) / ((1 - t) * (1 - t)), 0, 1, budget);
  if (a === -Infinity) return integrate((t) => f(b - t / (1 - t)) / ((1 - t) * (1 - t)), 0, 1, budget);
  const g = (x: number): number => {
    budget.tick();
    return f(x);
  };
  const parts = [{ a, b, ...gk15(g, a, b) }];
  for (;;) {
    let total = 0;
    let error = 0;
    let worst = 0;
    for (let i = 0; i < parts.length; i++) {
      total += parts[i].value;
      error += parts[i].error;
      if (parts[i].error > parts[worst].error) worst = i;
    }
    if (!Number.isFinite(total) || !Number.isFinite(error)) return NaN;
    if (error <= 1e-11 * Math.max(Math.abs(total), 1e-3)) return total;
    if (parts.length >= MAX_INTERVALS) return NaN;
    const p = parts[worst];
    const m = (p.a + p.b) / 2;
    parts.splice(worst, 1, { a: p.a, b: m, ...gk15(g, p.a, m) }, { a: m, b: p.b, ...gk15(g, m, p.b) });
  }
}

/**
 * Σ_{n=a}^{∞} f(n) (`\sum_{n=1}^{\infty} \frac{1}{2^n}`, which sympy's `doit()` sums): partial sums
 * of pairs (S(m) + S(m+1))/2 (so alternating series settle too) at m = 500, 1000, 2000, 4000; a tail
 * that still moves is taken to fall like m^-q for a whole q read off the partial sums, and removed
 * by Richardson extrapolation (orders q, q+1, q+2). Two extrapolations must agree to 1e-9, else NaN
 * ("cannot tell": a divergent series never has a value).
 */
export function infiniteSum(f: (n: number) => number, from: number, budget: Deadline): number {
  if (!Number.isInteger(from) || Math.abs(from) > 1e6) return NaN;
  const M = [500, 1000, 2000, 4000];
  const at = new Map<number, number>();
  let s = 0;
  for (let k = 0; k <= 4001; k++) {
    budget.tick();
    const t = f(from + k);
    if (!Number.isFinite(t)) return NaN;
    s += t;
    at.set(k + 1, s);
  }
  const A = M.map((m) => (at.get(m)! + at.get(m + 1)!) / 2);
  const scale = Math.max(1, Math.abs(A[3]));
  const d = [A[1] - A[0], A[2] - A[1], A[3] - A[2]];
  // settled (geometric or faster): the last partial sum
  if (Math.abs(d[2]) <= 1e-14 * scale) return Math.abs(d[1]) <= 1e-12 * scale ? A[3] : NaN;
  const r = d[1] / d[2];
  if (!(r > 1.2) || Math.abs(d[0] / d[1] - r) > 0.05 * r) return NaN;
  const q = Math.round(Math.log2(r));
  if (q < 1 || Math.abs(Math.log2(r) - q) > 0.08) return NaN;
  // Richardson: remove m^-q, m^-(q+1), m^-(q+2) (doubling m each step)
  let row = A;
  for (let j = 0; j < 3; j++) {
    const f2 = 2 ** (q + j);
    row = row.slice(1).map((v, i) => (f2 * v - row[i]) / (f2 - 1));
  }
  const best = row[0];
  // the estimate one order lower must agree
  let row2 = A.slice(1);
  for (let j = 0; j < 2; j++) {
    const f2 = 2 ** (q + j);
    row2 = row2.slice(1).map((v, i) => (f2 * v - row2[i]) / (f2 - 1));
  }
  return Math.abs(best - row2[0]) <= 1e-9 * Math.max(1, Math.abs(best)) ? best : NaN;
}
