// Tests of batched sampling: the KV-cache path gives the same tokens and log-probabilities as
// recomputing the full forward pass each step; a seed fixes the samples; stop tokens, stop strings,
// max tokens and the context limit end sequences independently; returned log-probabilities equal
// the trainer's scores; top-k 1 is greedy. GQA and tied-embedding variants included.
import { describe, expect, it } from "vitest";
import { validateConfig } from "./config.js";
import { tsKernels } from "./kernels/ts.js";
import { Model } from "./model.js";
import { XoshiroRng } from "../core/rng.js";
import { Sampler, sampleToken } from "./sampler.js";
import { Trainer } from "./train.js";

function model(kv: number, tie: boolean, ctx = 32): Model {
  const cfg = validateConfig({
    vocab_size: 20,
    hidden_size: 16,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: kv,
    intermediate_size: 32,
    max_position_embeddings: ctx,
    rms_norm_eps: 1e-5,
    tie_word_embeddings: tie,
  });
  return Model.init(cfg, 3, 0.5); // a larger init gives peaked, varied distributions
}

const prompts = [[1, 2, 3], [4], [5, 6, 7, 8, 9, 10], [1, 2, 3]];

for (const [kv, tie] of [
  [4, false],
  [2, true],
  [1, false],
] as const) {
  describe(`sampling (num_key_value_heads=${kv}, tie_word_embeddings=${tie})`, () => {
    const m = model(kv, tie);
    const sampler = new Sampler(m, tsKernels);

    it("the KV cache gives the same tokens and logprobs as recomputing the full forward pass", () => {
      for (const opts of [{ temperature: 0 }, { temperature: 1, seed: 11 }, { temperature: 0.8, topK: 5, topP: 0.9, seed: 4 }]) {
        const a = sampler.generate(prompts, { maxNewTokens: 12, stopTokens: [0], ...opts });
        const b = sampler.generate(prompts, { maxNewTokens: 12, stopTokens: [0], kvCache: false, ...opts });
        expect(a.map((r) => r.tokens)).toEqual(b.map((r) => r.tokens));
        expect(a.map((r) => r.finishReason)).toEqual(b.map((r) => r.finishReason));
        a.forEach((r, i) => r.logprobs.forEach((x, j) => expect(x).toBeCloseTo(b[i].logprobs[j], 4)));
      }
    });

    it("returned logprobs equal Trainer.score of the same completions", () => {
      const res = sampler.generate(prompts, { maxNewTokens: 10, temperature: 1, seed: 2 });
      const scores = new Trainer(m, { kernels: tsKernels }).score(prompts.map((p, i) => ({ prompt: p, completion: res[i].tokens })));
      res.forEach((r, i) => r.logprobs.forEach((x, j) => expect(scores[i].logprobs[j]).toBeCloseTo(x, 4)));
    });
  });
}

describe("sampling options", () => {
  const m = model(2, false);
  const sampler = new Sampler(m, tsKernels);

  it("is deterministic for a seed, differs across seeds, and a sequence ignores its batch", () => {
    const opts = { maxNewTokens: 16, temperature: 1.5 };
    const a = sampler.generate(prompts, { ...opts, seed: 7 });
    const b = sampler.generate(prompts, { ...opts, seed: 7 });
    const c = sampler.generate(prompts, { ...opts, seed: 8 });
    expect(a).toEqual(b);
    expect(a.map((r) => r.tokens)).not.toEqual(c.map((r) => r.tokens));
    // identical prompts in one batch get different samples (one PRNG stream per sequence)
    expect(a[0].tokens).not.toEqual(a[3].tokens);
    // sequence 2 alone (at index 2 of a batch with other prompts) samples the same tokens
    const alone = sampler.generate([[9], [9], prompts[2]], { ...opts, seed: 7 });
    expect(alone[2].tokens).toEqual(a[2].tokens);
  });

  it("greedy equals top-k 1 and equals the argmax of the full logits", () => {
    const g = sampler.generate(prompts, { maxNewTokens: 8, temperature: 0 });
    const k1 = sampler.generate(prompts, { maxNewTokens: 8, temperature: 1, topK: 1, seed: 5 });
    expect(k1.map((r) => r.tokens)).toEqual(g.map((r) => r.tokens));
    const t = new Trainer(m, { kernels: tsKernels });
    const rows = t.logits([...prompts[2], ...g[2].tokens]);
    g[2].tokens.forEach((tok, j) => {
      const row = rows[prompts[2].length - 1 + j];
      expect(tok).toBe(row.indexOf(Math.max(...row)));
    });
  });

  it("stops sequences independently at stop tokens, stop strings and max tokens", () => {
    const free = sampler.generate(prompts, { maxNewTokens: 12, temperature: 0 });
    // stop at the 3rd generated token of sequence 2
    const stopTok = free[2].tokens[2];
    const res = sampler.generate(prompts, { maxNewTokens: 12, temperature: 0, stopTokens: [stopTok] });
    res.forEach((r, i) => {
      const first = free[i].tokens.indexOf(stopTok);
      if (first >= 0) {
        expect(r.finishReason).toBe("stop");
        expect(r.tokens).toEqual(free[i].tokens.slice(0, first + 1));
      } else {
        expect(r.finishReason).toBe("length");
        expect(r.tokens).toHaveLength(12);
      }
    });
    // stop strings: decode ids as letters
    const decode = (ids: number[]): string => ids.map((i) => String.fromCharCode(97 + i)).join("");
    const target = decode(free[0].tokens.slice(3, 5));
    const rs = sampler.generate(prompts, { maxNewTokens: 12, temperature: 0, stopStrings: [target], decode });
    expect(rs[0].finishReason).toBe("stop");
    expect(rs[0].stopString).toBe(target);
    expect(decode(rs[0].tokens).endsWith(target)).toBe(true);
    expect(decode(rs[0].tokens).indexOf(target)).toBe(decode(rs[0].tokens).length - target.length);
    // a stop string first completed late in a long completion (beyond the decoded tail window)
    const long = sampler.generate([[1]], { maxNewTokens: 30, temperature: 0 })[0];
    const late = decode(long.tokens.slice(20, 22));
    const cut = decode(long.tokens).indexOf(late) + late.length;
    const rl = sampler.generate([[1]], { maxNewTokens: 30, temperature: 0, stopStrings: ["zzzz", late], decode })[0];
    expect(rl.stopString).toBe(late);
    expect(decode(rl.tokens)).toBe(decode(long.tokens).slice(0, cut));
  });

  it("ends at the model's context with finishReason length, and rejects bad prompts", () => {
    const small = new Sampler(model(2, false, 8), tsKernels);
    const res = small.generate(
      [
        [1, 2, 3],
        [1, 2, 3, 4, 5, 6, 7],
      ],
      { maxNewTokens: 100, temperature: 0 },
    );
    expect(res[0].tokens).toHaveLength(5);
    expect(res[1].tokens).toHaveLength(1);
    expect(res.map((r) => r.finishReason)).toEqual(["length", "length"]);
    expect(() => small.generate([[]], { maxNewTokens: 2 })).toThrow(/empty/);
    expect(() => small.generate([[1, 2, 3, 4, 5, 6, 7, 8]], { maxNewTokens: 2 })).toThrow(/context/);
    expect(() => small.generate([[25]], { maxNewTokens: 2 })).toThrow(/outside the vocabulary/);
    expect(() => small.generate([[1]], { maxNewTokens: 2.5 })).toThrow(/maxNewTokens must be a whole number/);
    expect(() => small.generate([[1]], { maxNewTokens: 2, topP: 0 })).toThrow(/topP must be in \(0, 1\]/);
    expect(() => small.generate([[1]], { maxNewTokens: 2, temperature: -1 })).toThrow(/temperature/);
    expect(() => small.generate([[1]], { maxNewTokens: 2, stopStrings: ["x"] })).toThrow(/decode function/);
  });
});

describe("sampleToken", () => {
  const p = [0.5, 0.25, 0.15, 0.1];
  const logits = Float32Array.from([7, ...p.map(Math.log)]); // the row starts at offset 1
  const freqs = (temp: number, topK: number, topP: number): number[] => {
    const rng = new XoshiroRng(123),
      counts = [0, 0, 0, 0],
      n = 40000;
    const probs = new Float32Array(4),
      order = new Int32Array(4);
    for (let i = 0; i < n; i++) counts[sampleToken(logits, 1, 4, rng, temp, topK, topP, probs, order)]++;
    return counts.map((c) => c / n);
  };
  const close = (got: number[], want: number[]): void => got.forEach((g, i) => expect(Math.abs(g - want[i]), `token ${i}: ${got}`).toBeLessThan(0.01));

  it("samples softmax(logits / temperature)", () => {
    close(freqs(1, 0, 1), p);
    const sq = p.map((x) => x * x),
      z = sq.reduce((a, b) => a + b);
    close(
      freqs(0.5, 0, 1),
      sq.map((x) => x / z),
    );
  });

  it("restricts to the top-k, then to the top-p nucleus of the renormalised top-k", () => {
    close(freqs(1, 2, 1), [2 / 3, 1 / 3, 0, 0]);
    close(freqs(1, 0, 0.7), [2 / 3, 1 / 3, 0, 0]); // 0.5 + 0.25 ≥ 0.7
    close(freqs(1, 0, 0.5), [1, 0, 0, 0]);
    close(freqs(1, 0, 0.8), [0.5 / 0.9, 0.25 / 0.9, 0.15 / 0.9, 0]);
    // top-3 mass 0.9; top-p 0.8 of it is 0.72, reached by the first two tokens
    close(freqs(1, 3, 0.8), [2 / 3, 1 / 3, 0, 0]);
  });
});
