// End-to-end learning test: a tiny Llama trained with cross-entropy (prompt masked), AdamW, gradient
// clipping and a warmup + cosine schedule memorises a small character corpus (final loss below a
// stated bound), then greedy sampling with the KV cache reproduces every line from its first
// characters and stops at the end-of-line token.
import { describe, expect, it } from "vitest";
import { validateConfig } from "./config.js";
import { getKernels } from "./kernels/index.js";
import { Model } from "./model.js";
import { Sampler } from "./sampler.js";
import { learningRate } from "./schedule.js";
import { Trainer } from "./train.js";

const corpus = ["the cat sat on the mat.", "a dog ran in the park!", "my fish swims all day?", "one two three four five"];
const EOS = 0;
const chars = [...new Set(corpus.join(""))].sort();
const encode = (s: string): number[] => [...s].map((c) => chars.indexOf(c) + 1);
const decode = (ids: number[]): string => ids.map((i) => (i === EOS ? "" : chars[i - 1])).join("");

describe("overfitting a tiny corpus", () => {
  it("drives the loss below 0.05 nats/token and then greedy sampling reproduces the corpus", () => {
    const cfg = validateConfig({
      vocab_size: chars.length + 1,
      hidden_size: 32,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      intermediate_size: 64,
      max_position_embeddings: 32,
      rms_norm_eps: 1e-5,
      tie_word_embeddings: true,
    });
    const model = Model.init(cfg, 1);
    const trainer = new Trainer(model, { kernels: getKernels(), optimizer: { beta2: 0.99, weightDecay: 0 } });
    // prompt = the first two characters (masked), completion = the rest + EOS
    const seqs = corpus.map((line) => {
      const ids = encode(line);
      return { prompt: ids.slice(0, 2), completion: [...ids.slice(2), EOS] };
    });
    const initial = trainer.evalLoss(seqs);
    expect(initial).toBeGreaterThan(2.5); // ~ln(vocab) at init
    const steps = 300;
    let loss = initial;
    for (let step = 0; step < steps; step++) {
      loss = trainer.crossEntropy(seqs);
      trainer.step({ lr: learningRate(step, { lr: 1e-2, warmupSteps: 20, totalSteps: steps, minLr: 1e-3 }), maxGradNorm: 1 });
    }
    const final = trainer.evalLoss(seqs);
    expect(loss).toBeLessThan(0.1);
    expect(final).toBeLessThan(0.05);
    const sampler = new Sampler(model, trainer.K);
    const out = sampler.generate(
      seqs.map((s) => s.prompt),
      { maxNewTokens: 40, temperature: 0, stopTokens: [EOS] },
    );
    out.forEach((r, i) => {
      expect(r.finishReason).toBe("stop");
      expect(decode([...seqs[i].prompt, ...r.tokens])).toBe(corpus[i]);
    });
  });
});
