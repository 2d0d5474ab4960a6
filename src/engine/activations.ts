/**
 * Preallocated activation buffers for the forward and backward passes over a batch of B sequences
 * of T tokens (N = B·T rows).
 *
 * Buffers are sized by capacity: `ensure(B, T)` grows them only when a batch needs more room than
 * any before, so a training loop or a scorer allocates once and reuses. Kernels take explicit sizes,
 * so a buffer larger than the current batch is passed as is (only its prefix is used).
 *
 * In training mode every layer keeps its own activations (saved for backward); in inference mode
 * all layers share one set, which is all a forward pass without gradients needs.
 */
import { headDim, type ModelConfig } from "./config.js";

/** The saved activations of one block. Shapes in rows × columns; N = B·T. */
export interface LayerActivations {
  /** Residual stream entering the block [N, C]. */
  xIn: Float32Array;
  /** input_layernorm output [N, C] and its 1/rms [N]. */
  ln1: Float32Array;
  rstd1: Float32Array;
  /** Queries and keys after RoPE, values: [N, H·D], [N, KV·D], [N, KV·D]. */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** Softmax probabilities [B, H, T, T]. */
  att: Float32Array;
  /** Attention output before o_proj [N, C]. */
  attOut: Float32Array;
  /** Residual stream after attention [N, C]. */
  xMid: Float32Array;
  /** post_attention_layernorm output [N, C] and its 1/rms [N]. */
  ln2: Float32Array;
  rstd2: Float32Array;
  /** gate_proj and up_proj outputs, and silu(gate)·up: [N, F] each. */
  gate: Float32Array;
  up: Float32Array;
  act: Float32Array;
}

/** Activation and gradient buffers for batches up to a capacity. */
export class Activations {
  /** Current capacity in rows (N = B·T) and in attention entries (B·H·T·T). */
  capRows = 0;
  capAtt = 0;
  tokens: Int32Array = new Int32Array(0);
  positions: Int32Array = new Int32Array(0);
  layers: LayerActivations[] = [];
  /** Residual stream after the last block [N, C], final norm output [N, C], its 1/rms [N]. */
  xFinal: Float32Array = new Float32Array(0);
  lnf: Float32Array = new Float32Array(0);
  rstdf: Float32Array = new Float32Array(0);
  /** LM-head output [N, V]. */
  logits: Float32Array = new Float32Array(0);
  /** Per-row target ids, log-probabilities and entropies [N] (loss computation). */
  targets: Int32Array = new Int32Array(0);
  logp: Float32Array = new Float32Array(0);
  entropy: Float32Array = new Float32Array(0);
  dLogp: Float32Array = new Float32Array(0);
  // backward scratch (allocated only in training mode)
  dLogits: Float32Array = new Float32Array(0);
  dx: Float32Array = new Float32Array(0);
  dLn: Float32Array = new Float32Array(0);
  dAttOut: Float32Array = new Float32Array(0);
  dq: Float32Array = new Float32Array(0);
  dk: Float32Array = new Float32Array(0);
  dv: Float32Array = new Float32Array(0);
  dAtt: Float32Array = new Float32Array(0);
  dAct: Float32Array = new Float32Array(0);
  dGate: Float32Array = new Float32Array(0);
  dUp: Float32Array = new Float32Array(0);

  /** @param training keep every layer's activations and allocate gradient scratch (for backward). */
  constructor(
    readonly config: ModelConfig,
    readonly training: boolean,
  ) {}

  /** Makes room for B sequences of T tokens (reallocating only when capacity is exceeded). */
  ensure(B: number, T: number): void {
    const N = B * T;
    const attN = B * this.config.num_attention_heads * T * T;
    if (N <= this.capRows && attN <= this.capAtt) return;
    this.allocate(Math.max(N, this.capRows), Math.max(attN, this.capAtt));
  }

  private allocate(N: number, attN: number): void {
    const c = this.config;
    const C = c.hidden_size,
      F = c.intermediate_size,
      V = c.vocab_size;
    const QW = c.num_attention_heads * headDim(c),
      KW = c.num_key_value_heads * headDim(c);
    const f = (n: number): Float32Array => new Float32Array(n);
    this.capRows = N;
    this.capAtt = attN;
    this.tokens = new Int32Array(N);
    this.positions = new Int32Array(N);
    this.targets = new Int32Array(N);
    this.logp = f(N);
    this.entropy = f(N);
    this.dLogp = f(N);
    const makeLayer = (xIn: Float32Array): LayerActivations => ({
      xIn,
      ln1: f(N * C),
      rstd1: f(N),
      q: f(N * QW),
      k: f(N * KW),
      v: f(N * KW),
      att: f(attN),
      attOut: f(N * C),
      xMid: f(N * C),
      ln2: f(N * C),
      rstd2: f(N),
      gate: f(N * F),
      up: f(N * F),
      act: f(N * F),
    });
    this.layers = [];
    if (this.training) {
      // xs[l] is the input of block l; xs[L] is xFinal
      let x = f(N * C);
      for (let l = 0; l < c.num_hidden_layers; l++) {
        this.layers.push(makeLayer(x));
        x = f(N * C);
      }
      this.xFinal = x;
    } else {
      // one shared set: block l reads X, writes Y (mid), then writes its output back into X
      const shared = makeLayer(f(N * C));
      for (let l = 0; l < c.num_hidden_layers; l++) this.layers.push(shared);
      this.xFinal = shared.xIn;
    }
    this.lnf = f(N * C);
    this.rstdf = f(N);
    this.logits = f(N * V);
    if (this.training) {
      this.dLogits = f(N * V);
      this.dx = f(N * C);
      this.dLn = f(N * C);
      this.dAttOut = f(N * C);
      this.dq = f(N * QW);
      this.dk = f(N * KW);
      this.dv = f(N * KW);
      this.dAtt = f(attN);
      this.dAct = f(N * F);
      this.dGate = f(N * F);
      this.dUp = f(N * F);
    }
  }

  /** The output buffer of block l (the next block's input, or xFinal). */
  blockOutput(l: number): Float32Array {
    return l + 1 < this.layers.length ? this.layers[l + 1].xIn : this.xFinal;
  }
}
