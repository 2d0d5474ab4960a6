/**
 * Training and scoring over (prompt, completion) token sequences: the engine side of
 * `TrainablePolicy` and of supervised (pre)training.
 *
 * Sequences are packed into a right-padded batch [B, T]: the input of sequence b is
 * prompt ++ completion without its last token, and the row predicting completion token j is
 * prompt.length − 1 + j. Prompt and padding rows get target −1 (masked). `Trainer` owns the
 * preallocated activations and reuses them across calls; large batches are split into micro-batches
 * that bound activation memory.
 */
import type { LossGrad, TokenScores, TokenSequence } from "../types.js";
import { Activations } from "./activations.js";
import { backward } from "./backward.js";
import { BatchError, forward } from "./forward.js";
import { getKernels } from "./kernels/index.js";
import type { Kernels } from "./kernels/types.js";
import type { Model } from "./model.js";
import { AdamW, type AdamWOptions, type StepOptions } from "./optim.js";

/** Options of a `Trainer`. */
export interface TrainerOptions {
  /** Kernels to use (default `getKernels()`). */
  kernels?: Kernels;
  /** AdamW hyperparameters. */
  optimizer?: AdamWOptions;
  /**
   * Upper bound on attention-probability floats kept per micro-batch (B·H·T·T·layers), which bounds
   * activation memory; default 2^26 (256 MiB of attention probabilities).
   */
  maxAttentionFloats?: number;
  /** Token id used for padding (default 0; it is never attended to by real positions). */
  padId?: number;
}

/** How `score` / `accumulateGradients` turn logits into log-probabilities. */
export interface ScoreOptions {
  /**
   * Divide the logits by this before the log-softmax (default 1): the distribution a sampler at
   * this temperature draws from. Top-p / top-k truncation is not modelled (as in TRL).
   */
  temperature?: number;
}

/** The temperature of a scoring call, checked (a finite number > 0). */
function checkTemperature(t: number | undefined): number {
  if (t === undefined) return 1;
  if (!(Number.isFinite(t) && t > 0)) throw new BatchError(`temperature must be a finite number > 0 to score log-probabilities; got ${t}.`);
  return t;
}

/** A right-padded batch of sequences. */
export interface PackedBatch {
  B: number;
  T: number;
  /** Input ids [B·T]. */
  tokens: Int32Array;
  /** Target id per row [B·T]: the next completion token, or −1 where masked. */
  targets: Int32Array;
  /** Row (within the sequence) that predicts the first completion token, and the completion length. */
  starts: number[];
  lengths: number[];
}

/**
 * Packs sequences into a right-padded batch (see the file header for the layout).
 * @throws BatchError for an empty prompt (the first completion token needs a prefix) or an empty batch.
 */
export function packSequences(seqs: TokenSequence[], padId = 0): PackedBatch {
  if (seqs.length === 0) throw new BatchError("no sequences to pack; pass at least one (prompt, completion) pair.");
  let T = 1;
  for (const [i, s] of seqs.entries()) {
    if (s.prompt.length === 0) throw new BatchError(`sequence ${i} has an empty prompt; start it with a BOS (or any) token.`);
    T = Math.max(T, s.prompt.length + s.completion.length - 1);
  }
  const B = seqs.length;
  const tokens = new Int32Array(B * T).fill(padId);
  const targets = new Int32Array(B * T).fill(-1);
  const starts: number[] = [],
    lengths: number[] = [];
  seqs.forEach((s, b) => {
    const row = b * T;
    const full = s.prompt.length + s.completion.length;
    for (let t = 0; t < full - 1; t++) tokens[row + t] = t < s.prompt.length ? s.prompt[t] : s.completion[t - s.prompt.length];
    const start = s.prompt.length - 1;
    for (let j = 0; j < s.completion.length; j++) targets[row + start + j] = s.completion[j];
    starts.push(start);
    lengths.push(s.completion.length);
  });
  return { B, T, tokens, targets, starts, lengths };
}

/** Forward, backward and optimizer state of one model. */
export class Trainer {
  readonly K: Kernels;
  private opt: AdamW | null = null;
  private readonly optOptions: AdamWOptions | undefined;
  private readonly trainActs: Activations;
  private readonly evalActs: Activations;
  private readonly maxAtt: number;
  private readonly padId: number;

  constructor(
    readonly model: Model,
    opts: TrainerOptions = {},
  ) {
    this.K = opts.kernels ?? getKernels();
    this.optOptions = opts.optimizer;
    this.trainActs = new Activations(model.config, true);
    this.evalActs = new Activations(model.config, false);
    this.maxAtt = opts.maxAttentionFloats ?? 2 ** 26;
    this.padId = opts.padId ?? 0;
  }

  /** The AdamW optimizer (created on first use, so a scoring-only trainer allocates no moments). */
  get optimizer(): AdamW {
    this.opt ??= new AdamW(this.model, this.K, this.optOptions);
    return this.opt;
  }

  /** Splits sequences into micro-batches whose attention buffers stay under the memory bound. */
  private chunks(seqs: TokenSequence[], training: boolean): TokenSequence[][] {
    const cfg = this.model.config;
    const per = cfg.num_attention_heads * (training ? cfg.num_hidden_layers : 1);
    const out: TokenSequence[][] = [];
    let cur: TokenSequence[] = [];
    let T = 0;
    for (const s of seqs) {
      const len = s.prompt.length + s.completion.length - 1;
      const nT = Math.max(T, len);
      if (cur.length > 0 && (cur.length + 1) * per * nT * nT > this.maxAtt) {
        out.push(cur);
        cur = [];
        T = len;
      } else T = nT;
      cur.push(s);
    }
    if (cur.length) out.push(cur);
    return out;
  }

  /**
   * Runs a forward pass over a packed batch and fills acts.logp / acts.entropy for every row, from
   * the logits divided by `temperature` (in place, so a backward pass sees the scaled logits; at
   * temperature 1 the logits are left untouched, bit for bit).
   */
  private forwardScores(batch: PackedBatch, acts: Activations, withEntropy: boolean, temperature = 1): void {
    const { B, T } = batch;
    acts.ensure(B, T);
    acts.tokens.set(batch.tokens);
    acts.targets.set(batch.targets);
    forward(this.model, this.K, acts, B, T, true);
    const V = this.model.config.vocab_size;
    if (temperature !== 1) {
      const logits = acts.logits,
        n = B * T * V;
      for (let i = 0; i < n; i++) logits[i] = logits[i] / temperature;
    }
    this.K.tokenLogprobs(acts.logp, withEntropy ? acts.entropy : null, acts.logits, acts.targets, B * T, V);
  }

  /**
   * dLogits from dLogp through log-softmax(logits / temperature): the kernel's gradient w.r.t. the
   * scaled logits, then ÷ temperature (chain rule). Nothing extra at temperature 1.
   */
  private logitsBackward(acts: Activations, N: number, temperature: number): void {
    const V = this.model.config.vocab_size;
    this.K.tokenLogprobsBackward(acts.dLogits, acts.dLogp, acts.logits, acts.targets, N, V);
    if (temperature !== 1) {
      const d = acts.dLogits,
        n = N * V;
      for (let i = 0; i < n; i++) d[i] = d[i] / temperature;
    }
  }

  /** Copies per-completion-token values out of a per-row buffer. */
  private static gather(batch: PackedBatch, rows: Float32Array): Float32Array[] {
    return batch.starts.map((st, b) => rows.slice(b * batch.T + st, b * batch.T + st + batch.lengths[b]));
  }

  /**
   * Per-token log-probabilities and entropies of each completion given its prompt (no gradients).
   * result[i].logprobs[j] = log p(completion[j] | prompt, completion[0..j)), where p is
   * softmax(logits / `opts.temperature`) (default 1: the model's own distribution), as RL needs to
   * score samples drawn at that temperature (TRL and veRL divide the logits the same way).
   */
  score(seqs: TokenSequence[], opts: ScoreOptions = {}): TokenScores[] {
    const temperature = checkTemperature(opts.temperature);
    const out: TokenScores[] = [];
    for (const chunk of this.chunks(seqs, false)) {
      const batch = packSequences(chunk, this.padId);
      this.forwardScores(batch, this.evalActs, true, temperature);
      const lp = Trainer.gather(batch, this.evalActs.logp);
      const ent = Trainer.gather(batch, this.evalActs.entropy);
      lp.forEach((l, i) => out.push({ logprobs: l, entropy: ent[i] }));
    }
    return out;
  }

  /** Forward with saved activations, then backward of Σ dLogp·logp over one micro-batch. */
  private backwardChunk(batch: PackedBatch, dLogprobs: Float32Array[], temperature: number): void {
    const acts = this.trainActs;
    this.forwardScores(batch, acts, false, temperature);
    const N = batch.B * batch.T;
    acts.dLogp.fill(0, 0, N);
    batch.starts.forEach((st, b) => {
      const d = dLogprobs[b];
      if (d.length !== batch.lengths[b]) {
        throw new BatchError(`dLogprobs[${b}] has ${d.length} entries but the completion has ${batch.lengths[b]} tokens.`);
      }
      acts.dLogp.set(d, b * batch.T + st);
    });
    this.logitsBackward(acts, N, temperature);
    backward(this.model, this.K, acts, batch.B, batch.T);
  }

  /**
   * Scores the completions with saved activations, lets `lossFn` map the scores to dLoss/dLogprob,
   * and backpropagates, ACCUMULATING parameter gradients (call `step` to apply them). Returns the
   * loss reported by `lossFn`. Batches too large for one pass are re-run in micro-batches.
   * `opts.temperature` scores (and differentiates) log-softmax(logits / temperature), as `score`.
   */
  accumulateGradients(seqs: TokenSequence[], lossFn: (scores: TokenScores[]) => LossGrad, opts: ScoreOptions = {}): number {
    const temperature = checkTemperature(opts.temperature);
    const chunks = this.chunks(seqs, true);
    if (chunks.length === 1) {
      const batch = packSequences(seqs, this.padId);
      const acts = this.trainActs;
      this.forwardScores(batch, acts, true, temperature);
      const lp = Trainer.gather(batch, acts.logp),
        ent = Trainer.gather(batch, acts.entropy);
      const { loss, dLogprobs } = lossFn(lp.map((l, i) => ({ logprobs: l, entropy: ent[i] })));
      this.checkGrads(dLogprobs, seqs.length);
      // acts still hold this batch's forward: go straight to backward
      const N = batch.B * batch.T;
      acts.dLogp.fill(0, 0, N);
      batch.starts.forEach((st, b) => {
        if (dLogprobs[b].length !== batch.lengths[b]) {
          throw new BatchError(`dLogprobs[${b}] has ${dLogprobs[b].length} entries but the completion has ${batch.lengths[b]} tokens.`);
        }
        acts.dLogp.set(dLogprobs[b], b * batch.T + st);
      });
      this.logitsBackward(acts, N, temperature);
      backward(this.model, this.K, acts, batch.B, batch.T);
      return loss;
    }
    const { loss, dLogprobs } = lossFn(this.score(seqs, { temperature }));
    this.checkGrads(dLogprobs, seqs.length);
    let i = 0;
    for (const chunk of chunks) {
      this.backwardChunk(packSequences(chunk, this.padId), dLogprobs.slice(i, i + chunk.length), temperature);
      i += chunk.length;
    }
    return loss;
  }

  private checkGrads(d: Float32Array[], n: number): void {
    if (d.length !== n) throw new BatchError(`the loss function returned ${d.length} dLogprobs arrays for ${n} sequences.`);
  }

  /**
   * Supervised cross-entropy on the completion tokens (prompt and padding masked), averaged over all
   * completion tokens of the batch, times `gradScale` (e.g. 1/microBatches when accumulating).
   * Accumulates gradients; returns the mean loss (nats per token).
   */
  crossEntropy(seqs: TokenSequence[], gradScale = 1): number {
    const count = seqs.reduce((s, q) => s + q.completion.length, 0);
    if (count === 0) throw new BatchError("no completion tokens to train on; every sequence has an empty completion.");
    // dLoss/dLogprob is known before the forward pass, so each micro-batch runs forward + backward once.
    const g = -gradScale / count;
    let loss = 0;
    const acts = this.trainActs;
    for (const chunk of this.chunks(seqs, true)) {
      const batch = packSequences(chunk, this.padId);
      this.forwardScores(batch, acts, false);
      const N = batch.B * batch.T;
      for (let i = 0; i < N; i++) {
        const counted = acts.targets[i] >= 0;
        if (counted) loss -= acts.logp[i];
        acts.dLogp[i] = counted ? g : 0;
      }
      this.K.tokenLogprobsBackward(acts.dLogits, acts.dLogp, acts.logits, acts.targets, N, this.model.config.vocab_size);
      backward(this.model, this.K, acts, batch.B, batch.T);
    }
    return loss / count;
  }

  /** Mean cross-entropy of the completions (no gradients), in nats per token. */
  evalLoss(seqs: TokenSequence[]): number {
    let loss = 0,
      count = 0;
    for (const s of this.score(seqs))
      for (const l of s.logprobs) {
        loss -= l;
        count++;
      }
    return count ? loss / count : 0;
  }

  /** One AdamW update with the accumulated gradients (clipped), then zeroes them; returns the pre-clip norm. */
  step(opts: StepOptions): { gradNorm: number } {
    return this.optimizer.step(opts);
  }

  /**
   * Logits [T, V] of one token sequence at every position (no gradients): the `logits` command and
   * the PyTorch comparison use it.
   */
  logits(tokens: number[]): Float32Array[] {
    const T = tokens.length;
    if (T === 0) throw new BatchError("no tokens given; pass at least one token id.");
    const acts = this.evalActs;
    acts.ensure(1, T);
    acts.tokens.set(tokens);
    forward(this.model, this.K, acts, 1, T, true);
    const V = this.model.config.vocab_size;
    return Array.from({ length: T }, (_, t) => acts.logits.slice(t * V, (t + 1) * V));
  }
}
