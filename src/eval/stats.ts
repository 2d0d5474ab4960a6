/**
 * Summary statistics with confidence intervals for evaluation metrics: a mean over problems with
 * a normal-approximation interval, and the Wilson score interval for a proportion.
 */

/** A point estimate with a 95% confidence interval. */
export interface Estimate {
  mean: number;
  /** Lower end of the 95% interval. */
  lo: number;
  /** Upper end of the 95% interval. */
  hi: number;
  /** Number of independent units (problems) behind the estimate. */
  n: number;
}

const Z95 = 1.959963984540054;

/**
 * Mean of per-problem values in [0, 1] (pass@k, maj@k, avg@k) with a 95% interval from the
 * standard error over problems, clipped to [0, 1]. Problems are the independent units, so samples
 * of one problem do not narrow the interval as if they were independent.
 */
export function meanWithCI(values: number[]): Estimate {
  const n = values.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: 0, hi: 1, n };
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  const half = Z95 * Math.sqrt(variance / n);
  // An all-equal sample has zero variance; fall back to Wilson so the interval is honest.
  if (half === 0 && (mean === 0 || mean === 1)) return wilson(Math.round(mean * n), n);
  return { mean, lo: Math.max(0, mean - half), hi: Math.min(1, mean + half), n };
}

/** Wilson score 95% interval for `successes` out of `n` independent trials. */
export function wilson(successes: number, n: number): Estimate {
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  const p = successes / n;
  const z2 = Z95 * Z95;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (Z95 * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { mean: p, lo: Math.max(0, centre - half), hi: Math.min(1, centre + half), n };
}

/** Arithmetic mean (NaN for an empty list). */
export function mean(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
