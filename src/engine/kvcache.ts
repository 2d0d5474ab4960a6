/**
 * The KV cache and one-token decode step of the sampler.
 *
 * The cache holds, per block, keys and values [slots, maxLen, KV·D] of every sequence being decoded
 * (one slot per sequence). `decodeStep` feeds one new token per active slot through the model —
 * M = active slots rows instead of B·T — attending over the cache with `attentionDecode`, and leaves
 * next-token logits [slots, V]. All buffers are preallocated for a capacity (slots, maxLen) and
 * reused; the decode loop allocates nothing.
 */
import { headDim } from "./config.js";
import { embed } from "./forward.js";
import type { Kernels } from "./kernels/types.js";
import type { Model } from "./model.js";

/** Per-block key/value caches plus the row buffers of a decode step. */
export class KVCache {
  capSlots = 0;
  maxLen = 0;
  k: Float32Array[] = [];
  v: Float32Array[] = [];
  /** Number of cached positions per slot (including the newest token once fed). */
  lens: Int32Array = new Int32Array(0);
  /** Position of the token being fed, per slot. */
  positions: Int32Array = new Int32Array(0);
  /** The token fed at the next step, per slot. */
  tokens: Int32Array = new Int32Array(0);
  x: Float32Array = new Float32Array(0);
  ln: Float32Array = new Float32Array(0);
  rstd: Float32Array = new Float32Array(0);
  q: Float32Array = new Float32Array(0);
  kNew: Float32Array = new Float32Array(0);
  vNew: Float32Array = new Float32Array(0);
  attOut: Float32Array = new Float32Array(0);
  gate: Float32Array = new Float32Array(0);
  up: Float32Array = new Float32Array(0);
  act: Float32Array = new Float32Array(0);
  scratch: Float32Array = new Float32Array(0);
  /** Next-token logits [slots, V]. */
  logits: Float32Array = new Float32Array(0);

  constructor(readonly model: Model) {}

  /**
   * Makes room for `slots` sequences of up to `maxLen` positions (reallocating only to grow). The
   * cached keys/values are NOT preserved when `maxLen` changes or buffers grow: call it before a
   * prefill, never in the middle of decoding.
   */
  ensure(slots: number, maxLen: number): void {
    const c = this.model.config;
    const C = c.hidden_size,
      F = c.intermediate_size,
      V = c.vocab_size,
      H = c.num_attention_heads;
    const QW = H * headDim(c),
      KW = c.num_key_value_heads * headDim(c);
    if (slots <= this.capSlots && slots * maxLen * KW <= (this.k[0]?.length ?? 0) && slots * H * maxLen <= this.scratch.length) {
      this.maxLen = maxLen; // the buffers are big enough: re-stride them for this length
      return;
    }
    const S = slots;
    const f = (n: number): Float32Array => new Float32Array(n);
    this.capSlots = S;
    this.maxLen = maxLen;
    this.k = Array.from({ length: c.num_hidden_layers }, () => f(S * maxLen * KW));
    this.v = Array.from({ length: c.num_hidden_layers }, () => f(S * maxLen * KW));
    this.lens = new Int32Array(S);
    this.positions = new Int32Array(S);
    this.tokens = new Int32Array(S);
    this.x = f(S * C);
    this.ln = f(S * C);
    this.rstd = f(S);
    this.q = f(S * QW);
    this.kNew = f(S * KW);
    this.vNew = f(S * KW);
    this.attOut = f(S * C);
    this.gate = f(S * F);
    this.up = f(S * F);
    this.act = f(S * F);
    this.scratch = f(S * H * maxLen);
    this.logits = f(S * V);
  }

  /** Writes T positions of keys/values of a prefill row (src [.., T, KW] starting at srcRow) into a slot. */
  writePrefill(l: number, slot: number, kSrc: Float32Array, vSrc: Float32Array, srcRow: number, T: number): void {
    const KW = this.model.config.num_key_value_heads * headDim(this.model.config);
    const from = srcRow * KW,
      to = slot * this.maxLen * KW;
    this.k[l].set(kSrc.subarray(from, from + T * KW), to);
    this.v[l].set(vSrc.subarray(from, from + T * KW), to);
  }

  /** Moves slot `from` into slot `to` (cache rows, length, position, pending token): batch compaction. */
  moveSlot(from: number, to: number): void {
    const KW = this.model.config.num_key_value_heads * headDim(this.model.config);
    const n = this.lens[from] * KW;
    const src = from * this.maxLen * KW,
      dst = to * this.maxLen * KW;
    for (let l = 0; l < this.k.length; l++) {
      this.k[l].copyWithin(dst, src, src + n);
      this.v[l].copyWithin(dst, src, src + n);
    }
    this.lens[to] = this.lens[from];
    this.positions[to] = this.positions[from];
    this.tokens[to] = this.tokens[from];
  }
}

/**
 * Feeds `tokens[s]` at position `positions[s]` for slots 0..S-1, appends their keys/values to the
 * cache (lens[s] becomes positions[s] + 1) and leaves next-token logits [S, V] in `cache.logits`.
 */
export function decodeStep(cache: KVCache, K: Kernels, S: number): void {
  const model = cache.model,
    c = model.config,
    w = model.w;
  const C = c.hidden_size,
    F = c.intermediate_size,
    V = c.vocab_size;
  const H = c.num_attention_heads,
    KVH = c.num_key_value_heads,
    D = headDim(c),
    KW = KVH * D,
    eps = c.rms_norm_eps;
  const { x, ln, rstd, q, kNew, vNew, attOut, gate, up, act, lens, positions, maxLen } = cache;
  embed(x, w.embed, cache.tokens, S, C, V);
  for (let s = 0; s < S; s++) lens[s] = positions[s] + 1;
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = w.layers[l];
    K.rmsnorm(ln, rstd, x, p.inputNorm, S, C, eps);
    K.matmul(q, ln, p.q, S, C, C, false);
    K.matmul(kNew, ln, p.k, S, C, KW, false);
    K.matmul(vNew, ln, p.v, S, C, KW, false);
    K.rope(q, model.ropeCos, model.ropeSin, positions, S, H, D);
    K.rope(kNew, model.ropeCos, model.ropeSin, positions, S, KVH, D);
    const kc = cache.k[l],
      vc = cache.v[l];
    for (let s = 0; s < S; s++) {
      const dst = (s * maxLen + positions[s]) * KW,
        src = s * KW;
      for (let i = 0; i < KW; i++) {
        kc[dst + i] = kNew[src + i];
        vc[dst + i] = vNew[src + i];
      }
    }
    K.attentionDecode(attOut, cache.scratch, q, kc, vc, lens, S, maxLen, H, KVH, D);
    K.matmul(x, attOut, p.o, S, C, C, true);
    K.rmsnorm(ln, rstd, x, p.postNorm, S, C, eps);
    K.matmul(gate, ln, p.gate, S, C, F, false);
    K.matmul(up, ln, p.up, S, C, F, false);
    K.swiglu(act, gate, up, S, F);
    K.matmul(x, act, p.down, S, F, C, true);
  }
  K.rmsnorm(ln, rstd, x, w.finalNorm, S, C, eps);
  K.matmul(cache.logits, ln, w.lmHead, S, C, V, false);
}
