// Temperature-correct log-probabilities: RL scores a completion sampled at temperature T under
// softmax(logits / T), the distribution the sampler drew it from, exactly as TRL's GRPOTrainer
// (`_get_per_token_logps`: `logits = logits / self.temperature`, then `selective_log_softmax`) and
// veRL's dp_actor (`logits_rmpad.div_(temperature)`, then `logprobs_from_logits`) do. The reference
// here is TRL's formula computed in float64 from the engine's raw logits; the gradient is checked
// against central finite differences of the scored log-probabilities.
import { describe, expect, it, vi } from "vitest";
import { loadCheckpoint } from "../src/engine/checkpoint.js";
import { Trainer } from "../src/engine/train.js";
import { EmbeddedPolicy } from "../src/backends/embedded.js";
import type { TokenSequence } from "../src/types.js";
import { resolveTrainConfig } from "../src/rl/config.js";
import { train } from "../src/rl/trainer.js";
import { tempDir } from "./rl-fixtures.js";

/** TRL's per-token log-probabilities: log_softmax(logits / T) gathered at the completion tokens. */
function trlLogprobs(trainer: Trainer, seq: TokenSequence, T: number): number[] {
  const full = [...seq.prompt, ...seq.completion];
  const logits = trainer.logits(full.slice(0, -1));
  const out: number[] = [];
  for (let j = 0; j < seq.completion.length; j++) {
    const row = logits[seq.prompt.length - 1 + j];
    let max = -Infinity;
    for (const z of row) max = Math.max(max, z / T);
    let sum = 0;
    for (const z of row) sum += Math.exp(z / T - max);
    out.push(row[seq.completion[j]] / T - max - Math.log(sum));
  }
  return out;
}

const base = await loadCheckpoint("models/base");
const tok = base.tokenizer;
const seqs: TokenSequence[] = [
  { prompt: [tok.bosId, ...tok.encode("47+85=")], completion: tok.encode("<think>7+5=12,4+8+1=13</think>132") },
  { prompt: [tok.bosId, ...tok.encode("3+4=")], completion: [...tok.encode("7"), tok.eosId] },
];

describe("log-probabilities at the sampling temperature", () => {
  for (const T of [0.7, 1, 1.3]) {
    it(`score() equals TRL's log_softmax(logits / T) at T = ${T}`, async () => {
      const policy = new EmbeddedPolicy(base.model, tok);
      const trainer = new Trainer(base.model);
      const scores = await policy.score(seqs, { temperature: T });
      seqs.forEach((s, i) => {
        const want = trlLogprobs(trainer, s, T);
        expect(scores[i].logprobs.length).toBe(want.length);
        want.forEach((w, j) => expect(scores[i].logprobs[j]).toBeCloseTo(w, 4));
      });
      // the gradient pass scores the same numbers (what the loss sees)
      let seen: Float32Array[] = [];
      await policy.accumulateGradients(
        seqs,
        (sc) => {
          seen = sc.map((x) => x.logprobs);
          return { loss: 0, dLogprobs: sc.map((x) => new Float32Array(x.logprobs.length)) };
        },
        { temperature: T },
      );
      base.model.zeroGrads();
      seen.forEach((lp, i) => expect(Array.from(lp)).toEqual(Array.from(scores[i].logprobs)));
    });
  }

  it("T = 1 is bit-identical to scoring without a temperature", async () => {
    const trainer = new Trainer(base.model);
    const a = trainer.score(seqs),
      b = trainer.score(seqs, { temperature: 1 });
    a.forEach((s, i) => {
      expect(Array.from(b[i].logprobs)).toEqual(Array.from(s.logprobs));
      expect(Array.from(b[i].entropy)).toEqual(Array.from(s.entropy));
    });
  });

  it("the gradient is that of log_softmax(logits / T) (finite differences)", () => {
    const T = 0.7;
    const model = base.model.clone();
    const trainer = new Trainer(model);
    // objective: Σ_t w_t · logp_t with fixed weights w
    const weights = seqs.map((s) => Float32Array.from(s.completion, (_, j) => ((j % 3) - 1) * 0.5 + 0.25));
    const objective = () => trainer.score(seqs, { temperature: T }).reduce((acc, s, i) => acc + s.logprobs.reduce((a, l, j) => a + weights[i][j] * l, 0), 0);
    model.zeroGrads();
    trainer.accumulateGradients(seqs, () => ({ loss: 0, dLogprobs: weights }), { temperature: T });
    const g = model.g.finalNorm;
    const w = model.w.finalNorm;
    const h = 1e-2;
    for (const k of [0, 5, 17, 63]) {
      const keep = w[k];
      w[k] = keep + h;
      const up = objective();
      w[k] = keep - h;
      const down = objective();
      w[k] = keep;
      const numeric = (up - down) / (2 * h);
      expect(Math.abs(numeric)).toBeGreaterThan(1e-3); // a parameter that matters
      expect(Math.abs(g[k] - numeric)).toBeLessThan(0.03 * Math.abs(numeric));
    }
  });

  it("refuses a temperature that is not a finite number > 0", () => {
    const trainer = new Trainer(base.model);
    expect(() => trainer.score(seqs, { temperature: 0 })).toThrow(/temperature must be a finite number > 0/);
    expect(() => trainer.score(seqs, { temperature: Number.NaN })).toThrow(/temperature/);
  });
});

describe("the trainer scores at its sampling temperature", () => {
  it("passes cfg.temperature to the policy, old and reference log-probabilities", async () => {
    const seen: Array<[string, number | undefined]> = [];
    const score = vi.spyOn(EmbeddedPolicy.prototype, "score");
    const acc = vi.spyOn(EmbeddedPolicy.prototype, "accumulateGradients");
    score.mockImplementation(function (this: EmbeddedPolicy, seqs, opts) {
      seen.push([this.name.endsWith("(frozen)") ? "reference" : "old", opts?.temperature]);
      return Promise.resolve(new Trainer(this.model).score(seqs, opts));
    });
    acc.mockImplementation(function (this: EmbeddedPolicy, seqs, fn, opts) {
      seen.push(["policy", opts?.temperature]);
      const inner = (this as unknown as { getTrainer(): Trainer }).getTrainer();
      return Promise.resolve(inner.accumulateGradients(seqs, fn, opts));
    });
    try {
      const cfg = resolveTrainConfig({
        model: "models/base",
        output_dir: await tempDir("rl-temp"),
        steps: 1,
        batch_size: 8,
        num_generations: 4,
        max_difficulty: 2,
        max_completion_length: 12,
        temperature: 0.7,
        beta: 0.1,
        num_iterations: 2,
        dynamic_sampling: false,
      });
      await train(cfg);
    } finally {
      score.mockRestore();
      acc.mockRestore();
    }
    expect(new Set(seen.map(([who]) => who))).toEqual(new Set(["old", "reference", "policy"]));
    for (const [who, t] of seen) expect(t, who).toBe(0.7);
  });
});
