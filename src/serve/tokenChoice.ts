/**
 * Choosing the next token from one row of logits for the server's scheduler: greedy, or the
 * engine's temperature / top-k / top-p sampling (`sampleToken`) with a per-request seeded PRNG, plus the token's raw
 * log-probability (temperature 1, no truncation, as the engine's sampler reports it) and, when
 * asked, the top alternatives.
 */
import type { XoshiroRng } from "../core/rng.js";
import { argmax, sampleToken } from "../engine/sampler.js";

/** How to pick a token. */
export interface ChoiceParams {
  temperature: number;
  topK?: number;
  topP?: number;
}

/** Reusable scratch buffers for one vocabulary size. */
export class TokenChooser {
  private readonly probs: Float32Array;
  private readonly order: Int32Array;

  constructor(readonly vocabSize: number) {
    this.probs = new Float32Array(vocabSize);
    this.order = new Int32Array(vocabSize);
  }

  /** log-sum-exp of logits[off..off+V). */
  logSumExp(logits: Float32Array, off: number): number {
    const V = this.vocabSize;
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (logits[off + i] > max) max = logits[off + i];
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(logits[off + i] - max);
    return max + Math.log(sum);
  }

  /** Pick a token id from logits[off..off+V): greedy, or the engine's own `sampleToken`. */
  choose(logits: Float32Array, off: number, p: ChoiceParams, rng: XoshiroRng): number {
    const V = this.vocabSize;
    if (p.temperature <= 0) return argmax(logits, off, V);
    return sampleToken(logits, off, V, rng, p.temperature, p.topK ?? 0, p.topP ?? 1, this.probs, this.order);
  }

  /** The `n` most likely token ids with their raw log-probabilities. */
  top(logits: Float32Array, off: number, n: number, lse: number): { id: number; logprob: number }[] {
    const V = this.vocabSize;
    const best: { id: number; logprob: number }[] = [];
    for (let i = 0; i < V; i++) {
      const lp = logits[off + i] - lse;
      if (best.length < n || lp > best[best.length - 1].logprob) {
        best.push({ id: i, logprob: lp });
        best.sort((a, b) => b.logprob - a.logprob);
        if (best.length > n) best.pop();
      }
    }
    return best;
  }
}
