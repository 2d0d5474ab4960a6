/**
 * Sample-based accuracy estimators: pass@k (the unbiased estimator of the Codex paper, in its
 * numerically stable product form), maj@k and avg@k, each per problem. The vote itself lives in
 * `core/vote.ts` (scale votes too).
 */
import { majorityVote, type VotedSample } from "../core/vote.js";

/**
 * Unbiased pass@k for one problem: the probability that at least one of k samples, drawn
 * without replacement from n samples of which c are correct, is correct.
 *
 *   pass@k = 1 − C(n−c, k) / C(n, k) = 1 − ∏_{i=n−c+1}^{n} (1 − k / i)
 *
 * The product form (Chen et al. 2021, Fig. 3) never forms a binomial coefficient, so it stays
 * exact for large n. Throws a `RangeError` when the counts are impossible.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k)) {
    throw new RangeError(`passAtK: n, c, k must be integers (got n=${n}, c=${c}, k=${k})`);
  }
  if (n < 1 || k < 1 || c < 0 || c > n || k > n) {
    throw new RangeError(`passAtK: need 1 ≤ k ≤ n and 0 ≤ c ≤ n (got n=${n}, c=${c}, k=${k}); draw at least k samples`);
  }
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** avg@k for one problem: the fraction of its samples that are correct (pass@1 averaged over the samples). */
export function avgAtK(correct: boolean[]): number {
  if (correct.length === 0) throw new RangeError("avgAtK: no samples");
  return correct.filter(Boolean).length / correct.length;
}

/** maj@k for one problem: 1 when the majority answer over the first k samples is right, else 0. */
export function majAtK(samples: VotedSample[], k = samples.length): number {
  if (k < 1 || k > samples.length) throw new RangeError(`majAtK: need 1 ≤ k ≤ ${samples.length} samples (got k=${k})`);
  return majorityVote(samples.slice(0, k)).correct ? 1 : 0;
}
