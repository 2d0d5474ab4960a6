/**
 * The GRPO-family policy loss as a function from per-token log-probabilities to the loss and its
 * gradient dLoss/dLogprob (what `TrainablePolicy.accumulateGradients` takes).
 *
 * Per completion token t of sequence i, with ratio ρ = exp(logp − logp_old) and advantage A_i:
 *   ℓ_it = −min(ρ·A_i, clip(ρ, 1 − ε, 1 + ε_high)·A_i) + β·KL_it
 * where KL_it = exp(ref − logp) − (ref − logp) − 1 is the k3 estimator of KL(π‖π_ref) (only when
 * β > 0). Without old log-probabilities (a single pass over the batch), logp_old is logp itself
 * detached, so ρ = 1 and the gradient is −A_i per token, as in TRL.
 *
 * Aggregation over the tokens of the whole batch (all micro-batches together, so the normalisers
 * are computed once for the batch by `lossNormalizer`):
 *   - "grpo":    mean over sequences of the per-sequence token mean (DeepSeekMath);
 *   - "dapo":    sum over all tokens / number of tokens in the batch (DAPO's token-level loss);
 *   - "dr_grpo": sum over all tokens / (sequences × max completion length) (Dr. GRPO).
 * Masked tokens (padding; every token of a truncated completion when that masking is on) add
 * nothing to the loss and get zero gradient.
 */
import type { LossGrad, TokenScores } from "../types.js";

/** How token losses are aggregated: see the file header. */
export type LossType = "grpo" | "dapo" | "dr_grpo";

/** Hyperparameters of the loss. */
export interface PolicyLossOptions {
  lossType: LossType;
  /** Lower clip range ε (ratios below 1 − ε stop pulling down). */
  epsilon: number;
  /** Upper clip range ε_high (clip-higher, DAPO); defaults to `epsilon`. */
  epsilonHigh?: number;
  /** KL coefficient β (0: no reference model needed). */
  beta: number;
}

/** One sequence's training data (aligned with the scores of its completion tokens). */
export interface LossSequence {
  /** The sequence's advantage. */
  advantage: number;
  /** 1 for tokens that count, 0 for masked ones; length = completion tokens. */
  mask: Float32Array;
  /** Log-probabilities under the policy that sampled the batch (for `num_iterations` > 1). */
  oldLogprobs?: Float32Array;
  /** Log-probabilities under the frozen reference model (needed when β > 0). */
  refLogprobs?: Float32Array;
}

/** Batch-wide normalisers of the aggregation. */
export interface LossNormalizer {
  /** Sequences in the whole batch. */
  sequences: number;
  /** Unmasked tokens in the whole batch. */
  tokens: number;
  /** Maximum completion length (Dr. GRPO's constant). */
  maxCompletionLength: number;
}

/** Token counts for the clip and KL metrics (sums, so micro-batches add up). */
export interface LossStats {
  /** Unmasked tokens seen. */
  tokens: number;
  /** Tokens with ρ < 1 − ε and A < 0 (TRL's clip_ratio/low). */
  lowClipped: number;
  /** Tokens with ρ > 1 + ε_high and A > 0 (TRL's clip_ratio/high). */
  highClipped: number;
  /** Sum of the k3 KL over unmasked tokens (0 when β = 0). */
  klSum: number;
  /** Sum of the entropy over unmasked tokens. */
  entropySum: number;
}

/** The result of `policyLoss`: the loss, its gradient and the token statistics. */
export interface PolicyLossResult extends LossGrad {
  stats: LossStats;
}

/** Empty statistics. */
export function emptyLossStats(): LossStats {
  return { tokens: 0, lowClipped: 0, highClipped: 0, klSum: 0, entropySum: 0 };
}

/** Add `b` into `a`. */
export function addLossStats(a: LossStats, b: LossStats): void {
  a.tokens += b.tokens;
  a.lowClipped += b.lowClipped;
  a.highClipped += b.highClipped;
  a.klSum += b.klSum;
  a.entropySum += b.entropySum;
}

/** The batch normalisers for a list of masks. */
export function lossNormalizer(masks: ReadonlyArray<Float32Array>, maxCompletionLength: number): LossNormalizer {
  let tokens = 0;
  for (const m of masks) for (let t = 0; t < m.length; t++) tokens += m[t];
  return { sequences: masks.length, tokens, maxCompletionLength };
}

/** The weight of each unmasked token of a sequence with `seqTokens` unmasked tokens. */
function tokenWeight(type: LossType, norm: LossNormalizer, seqTokens: number): number {
  switch (type) {
    case "grpo":
      return 1 / (Math.max(norm.sequences, 1) * Math.max(seqTokens, 1));
    case "dapo":
      return 1 / Math.max(norm.tokens, 1);
    case "dr_grpo":
      return 1 / (Math.max(norm.sequences, 1) * Math.max(norm.maxCompletionLength, 1));
  }
}

/**
 * The loss of some sequences of a batch and dLoss/dLogprob for each of their tokens.
 * `scores[i]` are the current log-probabilities of `seqs[i]`'s completion tokens.
 * @throws RangeError when shapes disagree or β > 0 without reference log-probabilities.
 */
export function policyLoss(
  scores: ReadonlyArray<TokenScores>,
  seqs: ReadonlyArray<LossSequence>,
  norm: LossNormalizer,
  opts: PolicyLossOptions,
): PolicyLossResult {
  if (scores.length !== seqs.length) throw new RangeError(`policyLoss: ${scores.length} scores for ${seqs.length} sequences`);
  const epsLow = opts.epsilon;
  const epsHigh = opts.epsilonHigh ?? opts.epsilon;
  const stats = emptyLossStats();
  const dLogprobs: Float32Array[] = [];
  let loss = 0;
  for (let i = 0; i < seqs.length; i++) {
    const { advantage: A, mask, oldLogprobs, refLogprobs } = seqs[i];
    const lp = scores[i].logprobs;
    const ent = scores[i].entropy;
    if (lp.length !== mask.length) throw new RangeError(`policyLoss: sequence ${i} has ${lp.length} log-probabilities but a mask of ${mask.length}`);
    if (oldLogprobs && oldLogprobs.length !== lp.length)
      throw new RangeError(`policyLoss: sequence ${i} has ${oldLogprobs.length} old log-probabilities for ${lp.length} tokens`);
    if (opts.beta > 0 && (!refLogprobs || refLogprobs.length !== lp.length)) {
      throw new RangeError(`policyLoss: β = ${opts.beta} needs reference log-probabilities for every token (sequence ${i})`);
    }
    let seqTokens = 0;
    for (let t = 0; t < mask.length; t++) seqTokens += mask[t];
    const w = tokenWeight(opts.lossType, norm, seqTokens);
    const d = new Float32Array(lp.length);
    for (let t = 0; t < lp.length; t++) {
      if (mask[t] === 0) continue;
      const m = mask[t];
      const ratio = oldLogprobs ? Math.exp(lp[t] - oldLogprobs[t]) : 1;
      const clipped = Math.min(Math.max(ratio, 1 - epsLow), 1 + epsHigh);
      const unclippedObj = ratio * A;
      const clippedObj = clipped * A;
      // min picks the unclipped branch (gradient −ρA) unless the clipped one is strictly smaller.
      const useUnclipped = unclippedObj <= clippedObj;
      let tokLoss = -Math.min(unclippedObj, clippedObj);
      let grad = useUnclipped ? -ratio * A : 0;
      if (ratio < 1 - epsLow && A < 0) stats.lowClipped += m;
      if (ratio > 1 + epsHigh && A > 0) stats.highClipped += m;
      if (opts.beta > 0 && refLogprobs) {
        const x = refLogprobs[t] - lp[t];
        const ex = Math.exp(x);
        const kl = ex - x - 1;
        tokLoss += opts.beta * kl;
        grad += opts.beta * (1 - ex);
        stats.klSum += m * kl;
      }
      stats.tokens += m;
      stats.entropySum += m * (ent ? ent[t] : 0);
      loss += w * m * tokLoss;
      d[t] = w * m * grad;
    }
    dLogprobs.push(d);
  }
  return { loss, dLogprobs, stats };
}
