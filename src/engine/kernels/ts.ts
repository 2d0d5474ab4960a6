/**
 * The plain TypeScript reference kernels of the embedded engine (the twin of the native fast path).
 *
 * Each function implements one method of the `Kernels` interface (kernels/types.ts) exactly as
 * documented there: row-major Float32Array buffers, explicit sizes, no allocation, backward kernels
 * accumulate into gradient buffers. Buffers may be larger than the sizes passed; only the leading
 * elements are read or written. Accumulations run in float64 locals where that is free.
 */
import type { Kernels } from "./types.js";

/** out[m,n] (=|+=) inp[m,:]·weight[n,:] for one row m and columns n0..N-1 (the tail of `matmul`). */
function matmulRow(out: Float32Array, inp: Float32Array, weight: Float32Array, m: number, n0: number, K: number, N: number, accumulate: boolean): void {
  const io = m * K;
  for (let n = n0; n < N; n++) {
    const wo = n * K;
    let s = 0;
    for (let k = 0; k < K; k++) s += inp[io + k] * weight[wo + k];
    const o = m * N + n;
    out[o] = accumulate ? out[o] + s : s;
  }
}

/** out[M,N] (=|+=) inp[M,K] · weight[N,K]ᵀ, in 2×4 register blocks. */
function matmul(out: Float32Array, inp: Float32Array, weight: Float32Array, M: number, K: number, N: number, accumulate: boolean): void {
  let m = 0;
  for (; m + 1 < M; m += 2) {
    const i0 = m * K,
      i1 = i0 + K;
    let n = 0;
    for (; n + 3 < N; n += 4) {
      const w0 = n * K,
        w1 = w0 + K,
        w2 = w1 + K,
        w3 = w2 + K;
      let a00 = 0,
        a01 = 0,
        a02 = 0,
        a03 = 0,
        a10 = 0,
        a11 = 0,
        a12 = 0,
        a13 = 0;
      for (let k = 0; k < K; k++) {
        const x0 = inp[i0 + k],
          x1 = inp[i1 + k];
        const v0 = weight[w0 + k],
          v1 = weight[w1 + k],
          v2 = weight[w2 + k],
          v3 = weight[w3 + k];
        a00 += x0 * v0;
        a01 += x0 * v1;
        a02 += x0 * v2;
        a03 += x0 * v3;
        a10 += x1 * v0;
        a11 += x1 * v1;
        a12 += x1 * v2;
        a13 += x1 * v3;
      }
      const o0 = m * N + n,
        o1 = o0 + N;
      if (accumulate) {
        out[o0] += a00;
        out[o0 + 1] += a01;
        out[o0 + 2] += a02;
        out[o0 + 3] += a03;
        out[o1] += a10;
        out[o1 + 1] += a11;
        out[o1 + 2] += a12;
        out[o1 + 3] += a13;
      } else {
        out[o0] = a00;
        out[o0 + 1] = a01;
        out[o0 + 2] = a02;
        out[o0 + 3] = a03;
        out[o1] = a10;
        out[o1 + 1] = a11;
        out[o1 + 2] = a12;
        out[o1 + 3] = a13;
      }
    }
    matmulRow(out, inp, weight, m, n, K, N, accumulate);
    matmulRow(out, inp, weight, m + 1, n, K, N, accumulate);
  }
  if (m < M) matmulRow(out, inp, weight, m, 0, K, N, accumulate);
}

/** dInp[M,K] += dOut[M,N] · weight[N,K]; dWeight[N,K] += dOut[M,N]ᵀ · inp[M,K] (4-way blocked axpys). */
function matmulBackward(
  dInp: Float32Array | null,
  dWeight: Float32Array | null,
  dOut: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  M: number,
  K: number,
  N: number,
): void {
  if (dInp) {
    for (let m = 0; m < M; m++) {
      const io = m * K,
        oo = m * N;
      let n = 0;
      for (; n + 3 < N; n += 4) {
        const g0 = dOut[oo + n],
          g1 = dOut[oo + n + 1],
          g2 = dOut[oo + n + 2],
          g3 = dOut[oo + n + 3];
        if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
        const w0 = n * K,
          w1 = w0 + K,
          w2 = w1 + K,
          w3 = w2 + K;
        for (let k = 0; k < K; k++) dInp[io + k] += g0 * weight[w0 + k] + g1 * weight[w1 + k] + g2 * weight[w2 + k] + g3 * weight[w3 + k];
      }
      for (; n < N; n++) {
        const g = dOut[oo + n];
        if (g === 0) continue;
        const wo = n * K;
        for (let k = 0; k < K; k++) dInp[io + k] += g * weight[wo + k];
      }
    }
  }
  if (dWeight) {
    // rows of inp in blocks of 4 (kept in L1), streaming over the weight-gradient rows
    let m = 0;
    for (; m + 3 < M; m += 4) {
      const x0 = m * K,
        x1 = x0 + K,
        x2 = x1 + K,
        x3 = x2 + K;
      const o0 = m * N,
        o1 = o0 + N,
        o2 = o1 + N,
        o3 = o2 + N;
      for (let n = 0; n < N; n++) {
        const g0 = dOut[o0 + n],
          g1 = dOut[o1 + n],
          g2 = dOut[o2 + n],
          g3 = dOut[o3 + n];
        if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0) continue;
        const wo = n * K;
        for (let k = 0; k < K; k++) dWeight[wo + k] += g0 * inp[x0 + k] + g1 * inp[x1 + k] + g2 * inp[x2 + k] + g3 * inp[x3 + k];
      }
    }
    for (; m < M; m++) {
      const io = m * K;
      for (let n = 0; n < N; n++) {
        const g = dOut[m * N + n];
        if (g === 0) continue;
        const wo = n * K;
        for (let k = 0; k < K; k++) dWeight[wo + k] += g * inp[io + k];
      }
    }
  }
}

/** RMSNorm: rstd = 1/sqrt(mean(x²)+eps); out = x·rstd·weight. */
function rmsnorm(out: Float32Array, rstd: Float32Array, inp: Float32Array, weight: Float32Array, M: number, C: number, eps: number): void {
  for (let m = 0; m < M; m++) {
    const o = m * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += inp[o + c] * inp[o + c];
    const r = 1 / Math.sqrt(ss / C + eps);
    rstd[m] = r;
    for (let c = 0; c < C; c++) out[o + c] = inp[o + c] * r * weight[c];
  }
}

/** RMSNorm backward: dx = r·(w⊙dy) − r³/C · x · Σ(w⊙dy⊙x); dw += dy⊙x·r. */
function rmsnormBackward(
  dInp: Float32Array,
  dWeight: Float32Array,
  dOut: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  rstd: Float32Array,
  M: number,
  C: number,
): void {
  for (let m = 0; m < M; m++) {
    const o = m * C;
    const r = rstd[m];
    let dot = 0;
    for (let c = 0; c < C; c++) dot += dOut[o + c] * weight[c] * inp[o + c];
    const k = (r * r * r * dot) / C;
    for (let c = 0; c < C; c++) {
      const x = inp[o + c];
      const g = dOut[o + c];
      dInp[o + c] += r * weight[c] * g - k * x;
      dWeight[c] += g * x * r;
    }
  }
}

/** RoPE (rotate-half), in place on x[M, nHeads*headDim]. */
function rope(x: Float32Array, cos: Float32Array, sin: Float32Array, positions: Int32Array, M: number, nHeads: number, headDim: number): void {
  const h = headDim >> 1;
  const W = nHeads * headDim;
  for (let m = 0; m < M; m++) {
    const t = positions[m] * h;
    for (let hd = 0; hd < nHeads; hd++) {
      const o = m * W + hd * headDim;
      for (let i = 0; i < h; i++) {
        const c = cos[t + i];
        const s = sin[t + i];
        const a = x[o + i];
        const b = x[o + i + h];
        x[o + i] = a * c - b * s;
        x[o + i + h] = b * c + a * s;
      }
    }
  }
}

/** RoPE backward: the transposed (inverse) rotation of the gradient, in place. */
function ropeBackward(dx: Float32Array, cos: Float32Array, sin: Float32Array, positions: Int32Array, M: number, nHeads: number, headDim: number): void {
  const h = headDim >> 1;
  const W = nHeads * headDim;
  for (let m = 0; m < M; m++) {
    const t = positions[m] * h;
    for (let hd = 0; hd < nHeads; hd++) {
      const o = m * W + hd * headDim;
      for (let i = 0; i < h; i++) {
        const c = cos[t + i];
        const s = sin[t + i];
        const a = dx[o + i];
        const b = dx[o + i + h];
        dx[o + i] = a * c + b * s;
        dx[o + i + h] = b * c - a * s;
      }
    }
  }
}

/** Causal grouped-query attention forward; saves softmax probabilities in att[B,H,T,T]. */
function attention(
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
): void {
  const scale = 1 / Math.sqrt(D);
  const group = H / KV;
  const QW = H * D;
  const KW = KV * D;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * QW + h * D;
        const ao = ((b * H + h) * T + t) * T;
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          const ko = (b * T + s) * KW + kvh * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qo + d] * k[ko + d];
          dot *= scale;
          att[ao + s] = dot;
          if (dot > max) max = dot;
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) {
          const e = Math.exp(att[ao + s] - max);
          att[ao + s] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let s = 0; s <= t; s++) att[ao + s] *= inv;
        for (let s = t + 1; s < T; s++) att[ao + s] = 0;
        for (let d = 0; d < D; d++) out[qo + d] = 0;
        for (let s = 0; s <= t; s++) {
          const p = att[ao + s];
          const vo = (b * T + s) * KW + kvh * D;
          for (let d = 0; d < D; d++) out[qo + d] += p * v[vo + d];
        }
      }
    }
  }
}

/** Causal grouped-query attention backward; dq, dk, dv += …; dAtt is scratch. */
function attentionBackward(
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
): void {
  const scale = 1 / Math.sqrt(D);
  const group = H / KV;
  const QW = H * D;
  const KW = KV * D;
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      for (let t = 0; t < T; t++) {
        const qo = (b * T + t) * QW + h * D;
        const ao = ((b * H + h) * T + t) * T;
        // dAtt[t,s] = dOut[t]·v[s]; dv[s] += att[t,s]·dOut[t]
        let dotSum = 0;
        for (let s = 0; s <= t; s++) {
          const vo = (b * T + s) * KW + kvh * D;
          const p = att[ao + s];
          let dot = 0;
          for (let d = 0; d < D; d++) {
            dot += dOut[qo + d] * v[vo + d];
            dv[vo + d] += p * dOut[qo + d];
          }
          dAtt[ao + s] = dot;
          dotSum += p * dot;
        }
        // softmax backward, then the scaled dot product
        for (let s = 0; s <= t; s++) {
          const ds = att[ao + s] * (dAtt[ao + s] - dotSum) * scale;
          dAtt[ao + s] = ds;
          const ko = (b * T + s) * KW + kvh * D;
          for (let d = 0; d < D; d++) {
            dq[qo + d] += ds * k[ko + d];
            dk[ko + d] += ds * q[qo + d];
          }
        }
        for (let s = t + 1; s < T; s++) dAtt[ao + s] = 0;
      }
    }
  }
}

/** One decode step of attention over a KV cache [B,maxLen,KV*D] with per-sequence lengths. */
function attentionDecode(
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
): void {
  const scale = 1 / Math.sqrt(D);
  const group = H / KV;
  const QW = H * D;
  const KW = KV * D;
  for (let b = 0; b < B; b++) {
    const L = lens[b];
    const base = b * maxLen * KW;
    for (let h = 0; h < H; h++) {
      const kvh = Math.floor(h / group);
      const qo = b * QW + h * D;
      const so = (b * H + h) * maxLen;
      let max = -Infinity;
      for (let s = 0; s < L; s++) {
        const ko = base + s * KW + kvh * D;
        let dot = 0;
        for (let d = 0; d < D; d++) dot += q[qo + d] * kCache[ko + d];
        dot *= scale;
        scratch[so + s] = dot;
        if (dot > max) max = dot;
      }
      let sum = 0;
      for (let s = 0; s < L; s++) {
        const e = Math.exp(scratch[so + s] - max);
        scratch[so + s] = e;
        sum += e;
      }
      const inv = 1 / sum;
      for (let d = 0; d < D; d++) out[qo + d] = 0;
      for (let s = 0; s < L; s++) {
        const p = scratch[so + s] * inv;
        const vo = base + s * KW + kvh * D;
        for (let d = 0; d < D; d++) out[qo + d] += p * vCache[vo + d];
      }
    }
  }
}

/** out = silu(gate)·up. */
function swiglu(out: Float32Array, gate: Float32Array, up: Float32Array, M: number, F: number): void {
  const n = M * F;
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    out[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
}

/** dGate += dOut·up·silu'(gate); dUp += dOut·silu(gate). */
function swigluBackward(dGate: Float32Array, dUp: Float32Array, dOut: Float32Array, gate: Float32Array, up: Float32Array, M: number, F: number): void {
  const n = M * F;
  for (let i = 0; i < n; i++) {
    const g = gate[i];
    const sig = 1 / (1 + Math.exp(-g));
    const d = dOut[i];
    dGate[i] += d * up[i] * sig * (1 + g * (1 - sig));
    dUp[i] += d * g * sig;
  }
}

/** Log-probability of targets[m] under softmax(logits[m,:]) and optionally the entropy. */
function tokenLogprobs(logp: Float32Array, entropy: Float32Array | null, logits: Float32Array, targets: Int32Array, M: number, V: number): void {
  for (let m = 0; m < M; m++) {
    const tgt = targets[m];
    if (tgt < 0) {
      logp[m] = 0;
      if (entropy) entropy[m] = 0;
      continue;
    }
    const o = m * V;
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (logits[o + i] > max) max = logits[o + i];
    let sum = 0;
    let wsum = 0;
    for (let i = 0; i < V; i++) {
      const z = logits[o + i] - max;
      const e = Math.exp(z);
      sum += e;
      wsum += e * z;
    }
    const lse = Math.log(sum);
    logp[m] = logits[o + tgt] - max - lse;
    if (entropy) entropy[m] = lse - wsum / sum;
  }
}

/** dLogits[m,:] = dLogp[m]·(onehot(target) − softmax(logits[m,:])), overwriting; masked rows get 0. */
function tokenLogprobsBackward(dLogits: Float32Array, dLogp: Float32Array, logits: Float32Array, targets: Int32Array, M: number, V: number): void {
  for (let m = 0; m < M; m++) {
    const tgt = targets[m];
    const o = m * V;
    const g = dLogp[m];
    if (tgt < 0 || g === 0) {
      dLogits.fill(0, o, o + V);
      continue;
    }
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (logits[o + i] > max) max = logits[o + i];
    let sum = 0;
    for (let i = 0; i < V; i++) sum += Math.exp(logits[o + i] - max);
    const inv = 1 / sum;
    for (let i = 0; i < V; i++) dLogits[o + i] = -g * Math.exp(logits[o + i] - max) * inv;
    dLogits[o + tgt] += g;
  }
}

/** AdamW (PyTorch semantics, decoupled weight decay), in place. */
function adamw(
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
): void {
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  const decay = 1 - lr * weightDecay;
  for (let i = 0; i < n; i++) {
    const g = grads[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] = params[i] * decay - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + eps);
  }
}

/** The TypeScript reference implementation of every kernel. */
export const tsKernels: Kernels = {
  name: "ts",
  matmul,
  matmulBackward,
  rmsnorm,
  rmsnormBackward,
  rope,
  ropeBackward,
  attention,
  attentionBackward,
  attentionDecode,
  swiglu,
  swigluBackward,
  tokenLogprobs,
  tokenLogprobsBackward,
  adamw,
};
