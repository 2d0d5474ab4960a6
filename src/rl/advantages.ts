/**
 * Group-relative advantages (GRPO and its fixes).
 *
 * Rewards arrive as a flat array of `groups × G` values, G completions per prompt, in group order.
 * The advantage of completion j of group g is (r_gj − mean_g), optionally divided by a standard
 * deviation:
 *   - "group": the group's own std (GRPO, DeepSeekMath);
 *   - "batch": the std of all rewards in the batch (the "batch" scaling of TRL, recommended by
 *     "Tricks or Traps? A Deep Dive into RL for LLM Reasoning");
 *   - "none":  no scaling (Dr. GRPO, "Understanding R1-Zero-Like Training").
 * Standard deviations are the unbiased (Bessel-corrected) estimate, as `torch.std` computes it in
 * TRL, and 1e-4 is added to the divisor. A null reward (a verifier error) takes no part in the
 * statistics and gets advantage 0.
 */

/** How advantages are scaled: see the file header. */
export type RewardScaling = "group" | "batch" | "none";

/** Added to every std divisor, as in TRL. */
export const STD_EPS = 1e-4;

/** The result of `computeAdvantages`. */
export interface Advantages {
  /** One advantage per completion (0 for null rewards). */
  advantages: Float64Array;
  /** Each group's reward mean (over its non-null rewards; NaN when all are null). */
  groupMean: Float64Array;
  /** Each group's unbiased reward std (0 when fewer than two non-null rewards). */
  groupStd: Float64Array;
}

/** Mean and unbiased std of the non-null values (std 0 with fewer than two values). */
export function meanStd(values: ReadonlyArray<number | null>): { mean: number; std: number; n: number } {
  let n = 0,
    s = 0;
  for (const v of values)
    if (v !== null) {
      n++;
      s += v;
    }
  if (n === 0) return { mean: NaN, std: 0, n };
  const mean = s / n;
  let ss = 0;
  for (const v of values) if (v !== null) ss += (v - mean) * (v - mean);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n };
}

/**
 * Advantages of a batch of `rewards.length / groupSize` groups.
 * @throws RangeError when the batch is not a whole number of groups or the group size is < 1.
 */
export function computeAdvantages(rewards: ReadonlyArray<number | null>, groupSize: number, scale: RewardScaling): Advantages {
  if (!Number.isInteger(groupSize) || groupSize < 1) throw new RangeError(`group size must be a whole number ≥ 1, got ${groupSize}`);
  if (rewards.length % groupSize !== 0) {
    throw new RangeError(`${rewards.length} rewards are not a whole number of groups of ${groupSize}`);
  }
  const nGroups = rewards.length / groupSize;
  const advantages = new Float64Array(rewards.length);
  const groupMean = new Float64Array(nGroups);
  const groupStd = new Float64Array(nGroups);
  const batchStd = meanStd(rewards).std;
  for (let g = 0; g < nGroups; g++) {
    const slice = rewards.slice(g * groupSize, (g + 1) * groupSize);
    const { mean, std } = meanStd(slice);
    groupMean[g] = mean;
    groupStd[g] = std;
    const divisor = scale === "group" ? std + STD_EPS : scale === "batch" ? batchStd + STD_EPS : 1;
    for (let j = 0; j < groupSize; j++) {
      const r = slice[j];
      advantages[g * groupSize + j] = r === null ? 0 : (r - mean) / divisor;
    }
  }
  return { advantages, groupMean, groupStd };
}
