// Engine-level parity of the fast path: with the native kernels, a whole model's logits, scores,
// parameter gradients, AdamW update and KV-cache samples equal those computed with the TypeScript
// reference kernels. Skipped, with the reason in the test name, when the native addon is not loaded.
import { describe, expect, it } from "vitest";
import { validateConfig } from "./config.js";
import { nativeKernelsOrNull, tsKernels } from "./kernels/index.js";
import { Model } from "./model.js";
import { Sampler } from "./sampler.js";
import { Trainer } from "./train.js";

const native = nativeKernelsOrNull();
const why = native ? "" : " (SKIPPED: native kernels not loaded; build them with `npm rebuild`)";

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6,
    d = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(a[i]));
    d = Math.max(d, Math.abs(a[i] - b[i]));
  }
  return d / scale;
}

describe(`native kernels match the TypeScript kernels on a whole model${why}`, () => {
  for (const [kv, tie] of [
    [4, false],
    [2, true],
  ] as const) {
    it.skipIf(!native)(`logits, scores, gradients, AdamW and samples agree (kv=${kv}, tied=${tie})`, () => {
      const cfg = validateConfig({
        vocab_size: 37,
        hidden_size: 64,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: kv,
        intermediate_size: 96,
        max_position_embeddings: 80,
        rms_norm_eps: 1e-5,
        tie_word_embeddings: tie,
      });
      const a = Model.init(cfg, 9, 0.1),
        b = Model.init(cfg, 9, 0.1);
      const ta = new Trainer(a, { kernels: tsKernels }),
        tb = new Trainer(b, { kernels: native! });
      const seqs = Array.from({ length: 5 }, (_, i) => ({
        prompt: Array.from({ length: 3 + i }, (_, j) => (i * 5 + j) % 37),
        completion: Array.from({ length: 20 + 7 * i }, (_, j) => (i * 11 + j * 3) % 37),
      }));
      const la = ta.logits(seqs[4].prompt.concat(seqs[4].completion)),
        lb = tb.logits(seqs[4].prompt.concat(seqs[4].completion));
      la.forEach((row, t) => expect(maxRelDiff(row, lb[t])).toBeLessThan(1e-4));
      const sa = ta.score(seqs),
        sb = tb.score(seqs);
      sa.forEach((s, i) => expect(maxRelDiff(s.logprobs, sb[i].logprobs)).toBeLessThan(1e-4));
      expect(tb.crossEntropy(seqs)).toBeCloseTo(ta.crossEntropy(seqs), 4);
      for (const spec of a.layout) {
        const ga = a.grads.subarray(spec.offset, spec.offset + spec.size),
          gb = b.grads.subarray(spec.offset, spec.offset + spec.size);
        expect(maxRelDiff(ga, gb), spec.name).toBeLessThan(1e-3);
      }
      ta.step({ lr: 1e-2, maxGradNorm: 1 });
      tb.step({ lr: 1e-2, maxGradNorm: 1 });
      expect(maxRelDiff(a.params, b.params)).toBeLessThan(1e-4);
      const prompts = seqs.map((s) => s.prompt);
      const ra = new Sampler(a, tsKernels).generate(prompts, { maxNewTokens: 30, temperature: 0 });
      const rb = new Sampler(b, native!).generate(prompts, { maxNewTokens: 30, temperature: 0 });
      expect(rb.map((r) => r.tokens)).toEqual(ra.map((r) => r.tokens));
    });
  }
});
