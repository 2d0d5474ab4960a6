// Full-model gradient check: the gradient of EVERY parameter tensor (embedding, each block's norms
// and projections, final norm, LM head) against central finite differences of the forward pass, on
// tiny models with multi-head and grouped-query attention, tied and untied embeddings, and a
// variable-length batch with masked prompts and right padding.
import { describe, expect, it } from "vitest";
import { validateConfig } from "./config.js";
import { tsKernels } from "./kernels/ts.js";
import { Model } from "./model.js";
import { XoshiroRng } from "../core/rng.js";
import { Trainer } from "./train.js";
import type { TokenSequence } from "../types.js";

const seqs: TokenSequence[] = [
  { prompt: [1, 2, 3], completion: [4, 5, 6, 7] },
  { prompt: [8], completion: [9, 10] },
  { prompt: [3, 11, 0, 2, 5], completion: [1] },
];

function tinyModel(kv: number, tie: boolean): Model {
  const cfg = validateConfig({
    vocab_size: 12,
    hidden_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: kv,
    intermediate_size: 24,
    max_position_embeddings: 16,
    rms_norm_eps: 1e-5,
    tie_word_embeddings: tie,
  });
  // A larger init than 0.02 so that every nonlinearity is exercised; norm weights perturbed off 1.
  const m = Model.init(cfg, 7, 0.3);
  const r = new XoshiroRng(99);
  for (const t of m.tensors()) if (t.shape.length === 1) for (let i = 0; i < t.data.length; i++) t.data[i] = 1 + 0.3 * r.normal();
  return m;
}

for (const [kv, tie] of [
  [4, false],
  [2, true],
  [1, false],
] as const) {
  describe(`gradient check (num_key_value_heads=${kv}, tie_word_embeddings=${tie})`, () => {
    it("every parameter tensor's gradient matches central finite differences", () => {
      const model = tinyModel(kv, tie);
      const trainer = new Trainer(model, { kernels: tsKernels });
      // Loss = Σ w·logp with fixed random weights per completion token.
      const r = new XoshiroRng(5);
      const weights = seqs.map((s) => Float32Array.from(s.completion, () => r.normal()));
      const lossOf = (lp: Float32Array[]): number => lp.reduce((s, l, i) => s + l.reduce((a, x, j) => a + x * weights[i][j], 0), 0);
      model.zeroGrads();
      trainer.accumulateGradients(seqs, (scores) => ({ loss: lossOf(scores.map((s) => s.logprobs)), dLogprobs: weights }));
      const grads = model.grads.slice();
      const f = (): number => lossOf(trainer.score(seqs).map((s) => s.logprobs));
      const eps = 1e-2;
      const names: string[] = [];
      for (const spec of model.layout) {
        names.push(spec.name);
        const g = grads.subarray(spec.offset, spec.offset + spec.size);
        let maxAbs = 0,
          argmax = 0;
        g.forEach((x, i) => {
          if (Math.abs(x) > maxAbs) {
            maxAbs = Math.abs(x);
            argmax = i;
          }
        });
        expect(maxAbs, `${spec.name} has an all-zero gradient`).toBeGreaterThan(1e-4);
        const idx = [argmax, ...Array.from({ length: 5 }, () => Math.floor(r.next() * spec.size))];
        for (const i of idx) {
          const p = spec.offset + i;
          const orig = model.params[p];
          const central = (h: number): number => {
            model.params[p] = orig + h;
            const lp = f();
            model.params[p] = orig - h;
            const lm = f();
            model.params[p] = orig;
            return (lp - lm) / (2 * h);
          };
          // Richardson extrapolation cancels the O(eps²) truncation error of central differences.
          const fd = (4 * central(eps / 2) - central(eps)) / 3;
          // float32 forward: allow 2% of the tensor's largest gradient plus a small absolute slack
          expect(Math.abs(fd - g[i]), `${spec.name}[${i}]: finite difference ${fd} vs backward ${g[i]}`).toBeLessThan(0.02 * maxAbs + 2e-3);
        }
      }
      expect(names).toContain("model.embed_tokens.weight");
      expect(names.includes("lm_head.weight")).toBe(!tie);
    });
  });
}

describe("micro-batching", () => {
  it("splitting a batch into micro-batches gives the same gradients and scores", () => {
    const a = tinyModel(2, false),
      b = tinyModel(2, false);
    const ta = new Trainer(a, { kernels: tsKernels });
    const tb = new Trainer(b, { kernels: tsKernels, maxAttentionFloats: 1 }); // one sequence per micro-batch
    const la = ta.crossEntropy(seqs),
      lb = tb.crossEntropy(seqs);
    expect(lb).toBeCloseTo(la, 5);
    for (let i = 0; i < a.grads.length; i++) expect(b.grads[i]).toBeCloseTo(a.grads[i], 5);
    // a loss callback that needs every score at once (the RL case) gives the same gradients too
    a.zeroGrads();
    b.zeroGrads();
    const lossFn = (scores: { logprobs: Float32Array }[]) => ({
      loss: scores.reduce((s, x) => s + x.logprobs.reduce((u, v) => u + v, 0), 0),
      dLogprobs: scores.map((x, i) => new Float32Array(x.logprobs.length).fill(i - 1)),
    });
    expect(tb.accumulateGradients(seqs, lossFn)).toBeCloseTo(ta.accumulateGradients(seqs, lossFn), 4);
    for (let i = 0; i < a.grads.length; i++) expect(b.grads[i]).toBeCloseTo(a.grads[i], 5);
    expect(() => ta.accumulateGradients(seqs, (sc) => ({ loss: 0, dLogprobs: sc.map(() => new Float32Array(1)) }))).toThrow(
      /dLogprobs\[0\] has 1 entries but the completion has 4 tokens/,
    );
    const sa = ta.score(seqs),
      sb = tb.score(seqs);
    sa.forEach((s, i) => s.logprobs.forEach((x, j) => expect(sb[i].logprobs[j]).toBeCloseTo(x, 5)));
  });

  it("a sequence scores the same alone as in a right-padded batch", () => {
    const m = tinyModel(4, true);
    const t = new Trainer(m, { kernels: tsKernels });
    const batch = t.score(seqs);
    seqs.forEach((s, i) => {
      const alone = t.score([s])[0];
      alone.logprobs.forEach((x, j) => expect(batch[i].logprobs[j]).toBeCloseTo(x, 5));
      alone.entropy.forEach((x, j) => expect(batch[i].entropy[j]).toBeCloseTo(x, 5));
    });
  });
});
