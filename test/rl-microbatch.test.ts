// Micro-batches of similar length: sequences sorted by length are split into micro-batches, each
// padded only to its own longest sequence. The loss's normalisers are batch-wide, so the gradient
// equals the one-pass gradient up to float summation order.
import { describe, expect, it } from "vitest";
import { loadCheckpoint } from "../src/engine/checkpoint.js";
import { Trainer } from "../src/engine/train.js";
import { lossNormalizer, policyLoss, type LossSequence } from "../src/rl/loss.js";
import { microBatches } from "../src/rl/trainer.js";
import type { TokenSequence } from "../src/types.js";

const ck = await loadCheckpoint("models/base");
const tok = ck.tokenizer;
const texts = [
  "7",
  "<think>7+5=12,4+8+1=13</think>132",
  "132",
  "<think>7+5=13 wait 12</think>132",
  "13",
  "<think>1+1=2</think>2",
  "99",
  "<think>9+9=18,1</think>198",
];
const seqs: TokenSequence[] = texts.map((t, i) => ({ prompt: [tok.bosId, ...tok.encode(`${40 + i}+85=`)], completion: [...tok.encode(t), tok.eosId] }));

describe("length-sorted micro-batches", () => {
  it("split sorted by length, every sequence once; one micro-batch keeps the batch order", () => {
    const chunks = microBatches(seqs, 3);
    expect(chunks.flat().sort((a, b) => a - b)).toEqual(seqs.map((_, i) => i));
    expect(chunks.every((c) => c.length <= 3)).toBe(true);
    const lens = chunks.flat().map((i) => seqs[i].prompt.length + seqs[i].completion.length);
    expect(lens).toEqual([...lens].sort((a, b) => a - b));
    expect(microBatches(seqs, 8)).toEqual([seqs.map((_, i) => i)]);
  });

  it("give the one-pass gradient", () => {
    const grads = (size: number): Float32Array => {
      const model = ck.model.clone();
      const trainer = new Trainer(model);
      const lossSeqs: LossSequence[] = seqs.map((s, i) => ({ advantage: i % 2 ? 1 : -0.5, mask: new Float32Array(s.completion.length).fill(1) }));
      const norm = lossNormalizer(
        lossSeqs.map((l) => l.mask),
        64,
      );
      for (const chunk of microBatches(seqs, size)) {
        trainer.accumulateGradients(
          chunk.map((i) => seqs[i]),
          (scores) =>
            policyLoss(
              scores,
              chunk.map((i) => lossSeqs[i]),
              norm,
              { lossType: "grpo", epsilon: 0.2, beta: 0 },
            ),
        );
      }
      return Float32Array.from(model.grads);
    };
    const one = grads(8),
      split = grads(3);
    let maxAbs = 0,
      maxDiff = 0;
    for (let i = 0; i < one.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs(one[i]));
      maxDiff = Math.max(maxDiff, Math.abs(one[i] - split[i]));
    }
    expect(maxAbs).toBeGreaterThan(0);
    expect(maxDiff).toBeLessThan(1e-5 * maxAbs);
  });
});
