/**
 * Batched sampling with a KV cache: prefill every prompt in one right-padded forward pass, then
 * decode one token per unfinished sequence per step (`decodeStep`). Sequences finish independently
 * (a stop token, a stop string, max new tokens, or the model's context); a finished sequence's slot
 * is refilled by the last active one, so later steps only compute unfinished sequences.
 *
 * Token choice: greedy (temperature 0) or temperature / top-k / top-p sampling with one seeded PRNG
 * per sequence (`XoshiroRng(seed, index)`), so a sequence's sample depends only on the seed, its index and
 * its prompt, not on the rest of the batch. Each token's log-probability is that of the model's raw
 * distribution (temperature 1, no truncation): the same number `Trainer.score` gives.
 */
import type { FinishReason } from "../types.js";
import { Activations } from "./activations.js";
import { BatchError, forward } from "./forward.js";
import { getKernels } from "./kernels/index.js";
import type { Kernels } from "./kernels/types.js";
import { decodeStep, KVCache } from "./kvcache.js";
import type { Model } from "./model.js";
import { XoshiroRng } from "../core/rng.js";
import { ScratchpadError } from "../core/errors.js";

/** Options of one `generate` call. */
export interface SampleOptions {
  /** Maximum tokens to generate per sequence. */
  maxNewTokens: number;
  /** Softmax temperature; 0 means greedy (argmax). Default 1. */
  temperature?: number;
  /** Keep only the k most likely tokens (0 or absent: all). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 or absent: all). */
  topP?: number;
  /** Token ids that end a sequence (the stop token is included in the result). */
  stopTokens?: number[];
  /** Strings that end a sequence once the decoded completion contains one (needs `decode`). */
  stopStrings?: string[];
  /** Turns generated token ids into text, for `stopStrings`. */
  decode?: (ids: number[]) => string;
  /** PRNG seed (default 0). */
  seed?: number;
  /** Use the KV cache (default true); false recomputes the full forward pass every step (a reference for tests). */
  kvCache?: boolean;
  /** Cancels generation between steps (throws `SampleAbortedError`). */
  signal?: AbortSignal;
}

/** One generated continuation. */
export interface SampleResult {
  /** Generated token ids (a stop token or the token completing a stop string is included). */
  tokens: number[];
  /** log p(token) under the model (temperature 1) for each generated token. */
  logprobs: number[];
  finishReason: FinishReason;
  /** The stop string found in the decoded completion, when one ended it. */
  stopString?: string;
}

/** Raised when generation is cancelled through `SampleOptions.signal`. */
export class SampleAbortedError extends ScratchpadError {
  constructor(message: string) {
    super("sample_aborted", message);
  }
  override readonly name = "SampleAbortedError";
}

/** Per-sequence state of a generate call. */
interface SeqState {
  prompt: number[];
  tokens: number[];
  logprobs: number[];
  limit: number;
  rng: XoshiroRng;
  done: SampleResult | null;
}

/** A sampler bound to one model; holds its KV cache and prefill buffers across calls. */
export class Sampler {
  readonly K: Kernels;
  private readonly cache: KVCache;
  private readonly acts: Activations;
  private probs: Float32Array;
  private order: Int32Array;

  constructor(
    readonly model: Model,
    kernels?: Kernels,
  ) {
    this.K = kernels ?? getKernels();
    this.cache = new KVCache(model);
    this.acts = new Activations(model.config, false);
    this.probs = new Float32Array(model.config.vocab_size);
    this.order = new Int32Array(model.config.vocab_size);
  }

  /**
   * Generates a continuation of every prompt (token ids). result[i] belongs to prompts[i].
   * @throws BatchError for an empty prompt, an id outside the vocabulary, or a prompt that fills the context.
   */
  generate(prompts: number[][], opts: SampleOptions): SampleResult[] {
    const cfg = this.model.config;
    const ctx = cfg.max_position_embeddings;
    validateOptions(opts);
    const seqs: SeqState[] = prompts.map((p, i) => {
      if (p.length === 0) throw new BatchError(`prompt ${i} is empty; start it with a BOS (or any) token.`);
      if (p.length >= ctx) throw new BatchError(`prompt ${i} has ${p.length} tokens but the context is ${ctx}; shorten it.`);
      return {
        prompt: p,
        tokens: [],
        logprobs: [],
        limit: Math.max(0, Math.min(opts.maxNewTokens, ctx - p.length)),
        rng: new XoshiroRng(opts.seed ?? 0, i),
        done: null,
      };
    });
    for (const s of seqs) if (s.limit === 0) s.done = { tokens: [], logprobs: [], finishReason: "length" };
    const live = seqs.filter((s) => !s.done);
    if (live.length > 0) {
      if (opts.kvCache === false) this.runWithoutCache(live, opts);
      else this.runWithCache(live, opts);
    }
    return seqs.map((s) => s.done!);
  }

  /** Prefill + KV-cache decode loop. */
  private runWithCache(seqs: SeqState[], opts: SampleOptions): void {
    const cfg = this.model.config,
      V = cfg.vocab_size,
      C = cfg.hidden_size;
    const cache = this.cache;
    const B = seqs.length;
    const Tp = Math.max(...seqs.map((s) => s.prompt.length));
    const maxLen = Math.max(...seqs.map((s) => s.prompt.length + s.limit - 1), Tp);
    cache.ensure(B, maxLen);
    // prefill: one right-padded forward pass, copying each block's keys/values into the cache
    const acts = this.acts;
    acts.ensure(B, Tp);
    seqs.forEach((s, b) => {
      acts.tokens.fill(0, b * Tp, (b + 1) * Tp);
      acts.tokens.set(s.prompt, b * Tp);
    });
    forward(this.model, this.K, acts, B, Tp, false, (l, a) => {
      for (let b = 0; b < B; b++) cache.writePrefill(l, b, a.k, a.v, b * Tp, seqs[b].prompt.length);
    });
    // logits at each prompt's last position: gather final-norm rows, then one LM-head matmul
    for (let b = 0; b < B; b++) {
      const r = (b * Tp + seqs[b].prompt.length - 1) * C;
      cache.ln.set(acts.lnf.subarray(r, r + C), b * C);
    }
    this.K.matmul(cache.logits, cache.ln, this.model.w.lmHead, B, C, V, false);
    const slot: SeqState[] = seqs.slice();
    let S = B;
    for (let b = 0; b < B; b++) cache.positions[b] = seqs[b].prompt.length;
    while (S > 0) {
      if (opts.signal?.aborted) throw new SampleAbortedError("generation was cancelled");
      // choose a token for every active slot; finished slots are replaced by the last active one
      for (let i = 0; i < S;) {
        const s = slot[i];
        const tok = this.choose(cache.logits, i * V, s, opts);
        cache.tokens[i] = tok;
        if (s.done) {
          S--;
          if (i < S) {
            cache.moveSlot(S, i);
            cache.logits.copyWithin(i * V, S * V, S * V + V);
            slot[i] = slot[S];
          }
          continue; // slot i now holds another sequence whose token is not chosen yet
        }
        i++;
      }
      if (S === 0) break;
      decodeStep(cache, this.K, S);
      for (let i = 0; i < S; i++) cache.positions[i]++;
    }
  }

  /** Reference loop: recomputes the full forward pass over each sequence every step. */
  private runWithoutCache(seqs: SeqState[], opts: SampleOptions): void {
    const V = this.model.config.vocab_size;
    let active = seqs.slice();
    while (active.length > 0) {
      if (opts.signal?.aborted) throw new SampleAbortedError("generation was cancelled");
      const B = active.length;
      const T = Math.max(...active.map((s) => s.prompt.length + s.tokens.length));
      const acts = this.acts;
      acts.ensure(B, T);
      active.forEach((s, b) => {
        acts.tokens.fill(0, b * T, (b + 1) * T);
        acts.tokens.set(s.prompt, b * T);
        acts.tokens.set(s.tokens, b * T + s.prompt.length);
      });
      forward(this.model, this.K, acts, B, T, true);
      active.forEach((s, b) => this.choose(acts.logits, (b * T + s.prompt.length + s.tokens.length - 1) * V, s, opts));
      active = active.filter((s) => !s.done);
    }
  }

  /** Picks the next token of one sequence from logits[off..off+V), records it and checks stops. */
  private choose(logits: Float32Array, off: number, s: SeqState, opts: SampleOptions): number {
    const V = this.model.config.vocab_size;
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (logits[off + i] > max) max = logits[off + i];
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(logits[off + i] - max);
    const lse = max + Math.log(sum);
    const temp = opts.temperature ?? 1;
    const tok = temp <= 0 ? argmax(logits, off, V) : this.sampleFrom(logits, off, s.rng, temp, opts.topK ?? 0, opts.topP ?? 1);
    s.tokens.push(tok);
    s.logprobs.push(logits[off + tok] - lse);
    let reason: FinishReason | null = null;
    let stopString: string | undefined;
    if (opts.stopTokens?.includes(tok)) reason = "stop";
    else if (opts.stopStrings?.length) {
      // Any new occurrence ends in the newest token, so only a tail of the completion needs decoding:
      // 4 tokens per character of the longest stop string (byte-level pieces) plus slack.
      const window = 4 * Math.max(...opts.stopStrings.map((x) => x.length)) + 8;
      const text = opts.decode!(s.tokens.length <= window ? s.tokens : s.tokens.slice(s.tokens.length - window));
      stopString = opts.stopStrings.find((st) => st.length > 0 && text.includes(st));
      if (stopString !== undefined) reason = "stop";
    }
    if (!reason && s.tokens.length >= s.limit) reason = "length";
    if (reason) s.done = { tokens: s.tokens, logprobs: s.logprobs, finishReason: reason, ...(stopString !== undefined ? { stopString } : {}) };
    return tok;
  }

  /** Temperature / top-k / top-p sampling from one row of logits. */
  private sampleFrom(logits: Float32Array, off: number, rng: XoshiroRng, temp: number, topK: number, topP: number): number {
    return sampleToken(logits, off, this.model.config.vocab_size, rng, temp, topK, topP, this.probs, this.order);
  }
}

/**
 * Draws a token from softmax(logits[off..off+V) / temp), restricted to the top-k tokens (topK > 0)
 * and then to the nucleus of probability topP of that renormalised set (Hugging Face's order).
 * `probs` and `order` are scratch buffers of at least V entries (nothing is allocated).
 */
export function sampleToken(
  logits: Float32Array,
  off: number,
  V: number,
  rng: XoshiroRng,
  temp: number,
  topK: number,
  topP: number,
  probs: Float32Array,
  order: Int32Array,
): number {
  let max = -Infinity;
  for (let i = 0; i < V; i++) if (logits[off + i] > max) max = logits[off + i];
  let sum = 0;
  for (let i = 0; i < V; i++) {
    const e = Math.exp((logits[off + i] - max) / temp);
    probs[i] = e;
    sum += e;
  }
  const truncate = (topK > 0 && topK < V) || topP < 1;
  if (!truncate) {
    let u = rng.next() * sum;
    for (let i = 0; i < V; i++) {
      u -= probs[i];
      if (u < 0) return i;
    }
    return argmax(logits, off, V);
  }
  // sort token ids by probability (descending, ties by id), keep the top-k / nucleus, renormalise
  for (let i = 0; i < V; i++) order[i] = i;
  order.subarray(0, V).sort((a, b) => probs[b] - probs[a] || a - b);
  const k = topK > 0 ? Math.min(topK, V) : V;
  let massK = sum;
  if (k < V) {
    massK = 0;
    for (let j = 0; j < k; j++) massK += probs[order[j]];
  }
  let kept = 0,
    mass = 0;
  while (kept < k) {
    mass += probs[order[kept]];
    kept++;
    if (mass >= topP * massK) break;
  }
  let u = rng.next() * mass;
  for (let j = 0; j < kept; j++) {
    u -= probs[order[j]];
    if (u < 0) return order[j];
  }
  return order[kept - 1];
}

/**
 * Checks sampling options, naming the bad option and its valid range.
 * @throws BatchError for an invalid option.
 */
export function validateOptions(opts: SampleOptions): void {
  const bad = (name: string, v: unknown, want: string): never => {
    throw new BatchError(`${name} must be ${want}, got ${JSON.stringify(v)}.`);
  };
  if (!Number.isInteger(opts.maxNewTokens) || opts.maxNewTokens < 0) bad("maxNewTokens", opts.maxNewTokens, "a whole number ≥ 0");
  const t = opts.temperature;
  if (t !== undefined && !(Number.isFinite(t) && t >= 0)) bad("temperature", t, "a finite number ≥ 0 (0 = greedy)");
  if (opts.topK !== undefined && !(Number.isInteger(opts.topK) && opts.topK >= 0)) bad("topK", opts.topK, "a whole number ≥ 0 (0 = no limit)");
  if (opts.topP !== undefined && !(opts.topP > 0 && opts.topP <= 1)) bad("topP", opts.topP, "in (0, 1]");
  if (opts.stopStrings?.length && !opts.decode) throw new BatchError("stopStrings need a decode function (SampleOptions.decode).");
}

/** Index of the largest logit in logits[off..off+V) (the lowest index on ties). */
export function argmax(logits: Float32Array, off: number, V: number): number {
  let best = 0;
  for (let i = 1; i < V; i++) if (logits[off + i] > logits[off + best]) best = i;
  return best;
}

const samplers = new WeakMap<Model, Sampler>();

/**
 * Convenience: batched generation with a per-model cached `Sampler` (buffers reused across calls).
 * See `Sampler.generate`.
 */
export function sample(model: Model, prompts: number[][], opts: SampleOptions, kernels?: Kernels): SampleResult[] {
  let s = samplers.get(model);
  if (!s || (kernels && s.K !== kernels)) {
    s = new Sampler(model, kernels);
    samplers.set(model, s);
  }
  return s.generate(prompts, opts);
}
