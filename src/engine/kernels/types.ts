/**
 * The kernel interface of the embedded engine.
 *
 * Every kernel exists twice: a plain TypeScript reference (kernels/ts.ts) and a fast path (the
 * native addon in native/, loaded by kernels/native.ts). Tests hold them equal. Conventions (llm.c):
 * - all tensors are row-major Float32Array views into flat buffers; shapes are given in the doc
 *   comments as [rows, cols]; sizes are passed explicitly;
 * - kernels never allocate and never keep references between calls;
 * - backward kernels ACCUMULATE (+=) into gradient buffers, so callers zero gradients once per step;
 * - forward kernels overwrite their outputs unless documented otherwise;
 * - a Linear layer's weight has the PyTorch layout [out, in], so y = x · Wᵀ.
 */
export interface Kernels {
  /** Which implementation this is ("ts" or "native"). */
  readonly name: string;

  /**
   * Linear forward: out[M,N] = inp[M,K] · weight[N,K]ᵀ, or out += … when `accumulate` is true.
   */
  matmul(out: Float32Array, inp: Float32Array, weight: Float32Array, M: number, K: number, N: number, accumulate: boolean): void;

  /**
   * Linear backward. dInp[M,K] += dOut[M,N] · weight[N,K]  (skipped when dInp is null);
   * dWeight[N,K] += dOut[M,N]ᵀ · inp[M,K]  (skipped when dWeight is null).
   */
  matmulBackward(
    dInp: Float32Array | null,
    dWeight: Float32Array | null,
    dOut: Float32Array,
    inp: Float32Array,
    weight: Float32Array,
    M: number,
    K: number,
    N: number,
  ): void;

  /**
   * RMSNorm forward: for each row, rstd = 1/sqrt(mean(x²) + eps); out = x · rstd · weight.
   * out[M,C], rstd[M] (saved for backward), inp[M,C], weight[C].
   */
  rmsnorm(out: Float32Array, rstd: Float32Array, inp: Float32Array, weight: Float32Array, M: number, C: number, eps: number): void;

  /** RMSNorm backward: dInp[M,C] += …, dWeight[C] += …, from dOut[M,C] and the saved rstd[M]. */
  rmsnormBackward(
    dInp: Float32Array,
    dWeight: Float32Array,
    dOut: Float32Array,
    inp: Float32Array,
    weight: Float32Array,
    rstd: Float32Array,
    M: number,
    C: number,
  ): void;

  /**
   * Rotary position embedding, Hugging Face "rotate-half" convention, IN PLACE on x[M, nHeads*headDim].
   * Row m has position positions[m]. cos/sin are tables [maxPos, headDim/2] with
   * cos[p,i] = cos(p · theta^(-2i/headDim)). For each head, with h = headDim/2 and i < h:
   *   x'[i]   = x[i]·cos[p,i] − x[i+h]·sin[p,i]
   *   x'[i+h] = x[i+h]·cos[p,i] + x[i]·sin[p,i]
   */
  rope(x: Float32Array, cos: Float32Array, sin: Float32Array, positions: Int32Array, M: number, nHeads: number, headDim: number): void;

  /** RoPE backward, IN PLACE on the gradient dx[M, nHeads*headDim] (the inverse rotation). */
  ropeBackward(dx: Float32Array, cos: Float32Array, sin: Float32Array, positions: Int32Array, M: number, nHeads: number, headDim: number): void;

  /**
   * Causal self-attention over B sequences of T tokens, grouped-query heads.
   * q[B,T,H*D], k[B,T,KV*D], v[B,T,KV*D]; head h reads kv head floor(h / (H/KV)).
   * att[B,H,T,T] receives the softmax probabilities (saved for backward; entries above the
   * diagonal are 0); out[B,T,H*D] = att · v. Scores are scaled by 1/sqrt(D).
   */
  attention(
    out: Float32Array,
    att: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    B: number,
    T: number,
    H: number,
    KV: number,
    D: number,
  ): void;

  /**
   * Attention backward: dq, dk, dv (same shapes as q, k, v) += …, from dOut[B,T,H*D] and the saved
   * att[B,H,T,T]. dAtt[B,H,T,T] is scratch space (overwritten).
   */
  attentionBackward(
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    dAtt: Float32Array,
    dOut: Float32Array,
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    att: Float32Array,
    B: number,
    T: number,
    H: number,
    KV: number,
    D: number,
  ): void;

  /**
   * One decoding step with a KV cache, for B sequences at once.
   * q[B,H*D] is the query of each sequence's newest token; kCache/vCache are [B,maxLen,KV*D]
   * and already hold that token's key/value; lens[b] is the number of valid positions of sequence b
   * (including the newest). out[B,H*D] = softmax(q·Kᵀ/sqrt(D)) · V over positions 0..lens[b]-1.
   * scratch must hold at least H*maxLen floats per sequence: B*H*maxLen.
   */
  attentionDecode(
    out: Float32Array,
    scratch: Float32Array,
    q: Float32Array,
    kCache: Float32Array,
    vCache: Float32Array,
    lens: Int32Array,
    B: number,
    maxLen: number,
    H: number,
    KV: number,
    D: number,
  ): void;

  /** SwiGLU: out[M,F] = silu(gate[M,F]) · up[M,F], silu(x) = x·sigmoid(x). */
  swiglu(out: Float32Array, gate: Float32Array, up: Float32Array, M: number, F: number): void;

  /** SwiGLU backward: dGate[M,F] += …, dUp[M,F] += …, from dOut[M,F]. */
  swigluBackward(dGate: Float32Array, dUp: Float32Array, dOut: Float32Array, gate: Float32Array, up: Float32Array, M: number, F: number): void;

  /**
   * Log-probability of a target token under softmax(logits) for each row, and optionally the
   * entropy of that distribution. logits[M,V], targets[M] (rows with target < 0 give 0 and are
   * skipped), logp[M], entropy[M] (may be null).
   */
  tokenLogprobs(logp: Float32Array, entropy: Float32Array | null, logits: Float32Array, targets: Int32Array, M: number, V: number): void;

  /**
   * Backward of tokenLogprobs w.r.t. the logits, OVERWRITING dLogits[M,V]:
   * dLogits[m,:] = dLogp[m] · (onehot(targets[m]) − softmax(logits[m,:])); rows with target < 0 get 0.
   * Cross-entropy is the special case dLogp = −weight / count.
   */
  tokenLogprobsBackward(dLogits: Float32Array, dLogp: Float32Array, logits: Float32Array, targets: Int32Array, M: number, V: number): void;

  /**
   * AdamW update over n parameters, in place (decoupled weight decay, PyTorch's AdamW):
   * p -= lr·wd·p; m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²;
   * p -= lr · (m/(1−b1^t)) / (sqrt(v/(1−b2^t)) + eps), with t = step (1-based).
   */
  adamw(
    params: Float32Array,
    grads: Float32Array,
    m: Float32Array,
    v: Float32Array,
    n: number,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    step: number,
  ): void;
}
