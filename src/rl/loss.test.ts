// Unit tests of the GRPO-family loss: each aggregation, clipping and KL against hand-computed values,
// and the gradient against finite differences.
import { describe, expect, it } from "vitest";
import { lossNormalizer, policyLoss, type LossSequence, type PolicyLossOptions } from "./loss.js";
import type { TokenScores } from "../types.js";

const f32 = (xs: number[]) => Float32Array.from(xs);
const scoresOf = (lps: number[][]): TokenScores[] => lps.map((l) => ({ logprobs: f32(l), entropy: new Float32Array(l.length).fill(0.5) }));
const close = (xs: number[], digits = 5) => xs.map((x) => expect.closeTo(x, digits));

describe("policyLoss aggregations (single pass: ratio 1, gradient −A per token)", () => {
  // seq0: 3 tokens, A = 1; seq1: 3 tokens of which the last is masked, A = −0.5
  const scores = scoresOf([
    [-1, -2, -3],
    [-0.5, -1, -1.5],
  ]);
  const seqs: LossSequence[] = [
    { advantage: 1, mask: f32([1, 1, 1]) },
    { advantage: -0.5, mask: f32([1, 1, 0]) },
  ];
  const norm = lossNormalizer(
    seqs.map((s) => s.mask),
    4,
  );
  const base: PolicyLossOptions = { lossType: "grpo", epsilon: 0.2, beta: 0 };

  it("grpo: mean over sequences of per-sequence token means", () => {
    const r = policyLoss(scores, seqs, norm, base);
    // (3·(−1)/3 + 2·0.5/2) / 2 = −0.25
    expect(r.loss).toBeCloseTo(-0.25, 6);
    expect(Array.from(r.dLogprobs[0])).toEqual(close([-1 / 6, -1 / 6, -1 / 6]));
    expect(Array.from(r.dLogprobs[1])).toEqual(close([0.125, 0.125, 0]));
    expect(r.stats.tokens).toBe(5);
    expect(r.stats.entropySum).toBeCloseTo(2.5, 6);
  });

  it("dapo: token mean over the whole batch", () => {
    const r = policyLoss(scores, seqs, norm, { ...base, lossType: "dapo" });
    // (−3 + 2·0.5) / 5 = −0.4
    expect(r.loss).toBeCloseTo(-0.4, 6);
    expect(Array.from(r.dLogprobs[0])).toEqual(close([-0.2, -0.2, -0.2]));
    expect(Array.from(r.dLogprobs[1])).toEqual(close([0.1, 0.1, 0]));
  });

  it("dr_grpo: sum over a constant length (sequences × max length)", () => {
    const r = policyLoss(scores, seqs, norm, { ...base, lossType: "dr_grpo" });
    // (−3 + 1) / (2·4) = −0.25
    expect(r.loss).toBeCloseTo(-0.25, 6);
    expect(Array.from(r.dLogprobs[0])).toEqual(close([-0.125, -0.125, -0.125]));
    expect(Array.from(r.dLogprobs[1])).toEqual(close([0.0625, 0.0625, 0]));
  });

  it("micro-batches with the batch normaliser add up to the whole batch", () => {
    const whole = policyLoss(scores, seqs, norm, { ...base, lossType: "dapo" });
    const a = policyLoss(scores.slice(0, 1), seqs.slice(0, 1), norm, { ...base, lossType: "dapo" });
    const b = policyLoss(scores.slice(1), seqs.slice(1), norm, { ...base, lossType: "dapo" });
    expect(a.loss + b.loss).toBeCloseTo(whole.loss, 6);
  });
});

describe("policyLoss clipping (clip-higher: ε = 0.2, ε_high = 0.28)", () => {
  const lp = [-1, -1, -1];
  const ratios = [1.1, 1.5, 0.5];
  const old = f32(lp.map((l, i) => l - Math.log(ratios[i])));
  const opts: PolicyLossOptions = { lossType: "dapo", epsilon: 0.2, epsilonHigh: 0.28, beta: 0 };
  const run = (A: number) => policyLoss(scoresOf([lp]), [{ advantage: A, mask: f32([1, 1, 1]), oldLogprobs: old }], lossNormalizer([f32([1, 1, 1])], 3), opts);

  it("A > 0: a ratio above 1 + ε_high is clipped (no gradient); a low ratio is not", () => {
    const r = run(1);
    // losses −1.1, −1.28 (clipped), −0.5
    expect(r.loss).toBeCloseTo(-(1.1 + 1.28 + 0.5) / 3, 5);
    expect(Array.from(r.dLogprobs[0])).toEqual(close([-1.1 / 3, 0, -0.5 / 3]));
    expect(r.stats.highClipped).toBe(1);
    expect(r.stats.lowClipped).toBe(0);
  });

  it("A < 0: a ratio below 1 − ε is clipped (no gradient); a high ratio is not", () => {
    const r = run(-1);
    // losses 1.1, 1.5 (unclipped), 0.8 (clipped)
    expect(r.loss).toBeCloseTo((1.1 + 1.5 + 0.8) / 3, 5);
    expect(Array.from(r.dLogprobs[0])).toEqual(close([1.1 / 3, 1.5 / 3, 0]));
    expect(r.stats.lowClipped).toBe(1);
    expect(r.stats.highClipped).toBe(0);
  });
});

describe("policyLoss KL (k3 estimator)", () => {
  it("adds β·(e^(ref−lp) − (ref−lp) − 1) with gradient β·(1 − e^(ref−lp))", () => {
    const r = policyLoss(scoresOf([[-1]]), [{ advantage: 0, mask: f32([1]), refLogprobs: f32([-1.5]) }], lossNormalizer([f32([1])], 1), {
      lossType: "grpo",
      epsilon: 0.2,
      beta: 0.1,
    });
    // x = −0.5: kl = 0.6065307 + 0.5 − 1 = 0.1065307
    expect(r.loss).toBeCloseTo(0.01065307, 7);
    expect(r.dLogprobs[0][0]).toBeCloseTo(0.1 * (1 - Math.exp(-0.5)), 6);
    expect(r.stats.klSum).toBeCloseTo(0.1065307, 6);
  });

  it("needs reference log-probabilities when β > 0", () => {
    expect(() =>
      policyLoss(scoresOf([[-1]]), [{ advantage: 1, mask: f32([1]) }], lossNormalizer([f32([1])], 1), { lossType: "grpo", epsilon: 0.2, beta: 0.1 }),
    ).toThrow(/reference log-probabilities/);
  });
});

describe("policyLoss gradient", () => {
  it("matches central finite differences for every loss type", () => {
    const lps = [
      [-0.7, -1.3, -2.1, -0.2],
      [-1.1, -0.4],
    ];
    const seqs: LossSequence[] = [
      { advantage: 0.8, mask: f32([1, 1, 1, 0]), oldLogprobs: f32([-0.75, -1.1, -2.0, -0.3]), refLogprobs: f32([-0.9, -1.0, -2.5, -0.2]) },
      { advantage: -1.2, mask: f32([1, 1]), oldLogprobs: f32([-1.15, -0.3]), refLogprobs: f32([-1.0, -0.6]) },
    ];
    const norm = lossNormalizer(
      seqs.map((s) => s.mask),
      5,
    );
    for (const lossType of ["grpo", "dapo", "dr_grpo"] as const) {
      const opts: PolicyLossOptions = { lossType, epsilon: 0.2, epsilonHigh: 0.28, beta: 0.05 };
      const analytic = policyLoss(scoresOf(lps), seqs, norm, opts).dLogprobs;
      const h = 1e-4;
      for (let i = 0; i < lps.length; i++) {
        for (let t = 0; t < lps[i].length; t++) {
          const plus = lps.map((l) => [...l]);
          const minus = lps.map((l) => [...l]);
          plus[i][t] += h;
          minus[i][t] -= h;
          const num = (policyLoss(scoresOf(plus), seqs, norm, opts).loss - policyLoss(scoresOf(minus), seqs, norm, opts).loss) / (2 * h);
          expect(analytic[i][t]).toBeCloseTo(num, 3);
        }
      }
    }
  });
});
