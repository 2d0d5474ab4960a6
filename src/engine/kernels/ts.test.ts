// Tests of the TypeScript reference kernels: every backward against central finite differences of
// its forward, and the forward kernels against direct formulas (decode attention vs full attention,
// AdamW vs the PyTorch formula, log-probabilities vs a float64 log-softmax).
import { describe, expect, it } from "vitest";
import { tsKernels as K } from "./ts.js";

/** A small deterministic PRNG (mulberry32) for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randn(n: number, r: () => number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * scale;
  return a;
}

/** Σ out·R in float64: the scalar loss whose gradient w.r.t. out is R. */
function dotLoss(out: Float32Array, R: Float32Array): number {
  let s = 0;
  for (let i = 0; i < R.length; i++) s += out[i] * R[i];
  return s;
}

/**
 * Compares an analytic gradient of `loss` w.r.t. `x` with central differences, on every entry.
 * The tolerance is relative to the largest gradient entry (float32 forward, eps 1e-2).
 */
function expectGradClose(loss: () => number, x: Float32Array, analytic: Float32Array, eps = 1e-2, tol = 2e-3): void {
  let maxAbs = 1e-3;
  for (const g of analytic) maxAbs = Math.max(maxAbs, Math.abs(g));
  for (let i = 0; i < x.length; i++) {
    const orig = x[i];
    x[i] = orig + eps;
    const lp = loss();
    x[i] = orig - eps;
    const lm = loss();
    x[i] = orig;
    const fd = (lp - lm) / (2 * eps);
    expect(Math.abs(fd - analytic[i]) / maxAbs, `entry ${i}: fd ${fd} vs analytic ${analytic[i]}`).toBeLessThan(tol);
  }
}

describe("TypeScript reference kernels", () => {
  it("matmul matches a direct triple loop, and accumulates when asked", () => {
    const r = rng(1);
    const M = 3,
      K2 = 5,
      N = 4;
    const x = randn(M * K2, r),
      w = randn(N * K2, r);
    const out = new Float32Array(M * N);
    K.matmul(out, x, w, M, K2, N, false);
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K2; k++) s += x[m * K2 + k] * w[n * K2 + k];
        expect(out[m * N + n]).toBeCloseTo(s, 5);
      }
    const again = out.slice();
    K.matmul(again, x, w, M, K2, N, true);
    for (let i = 0; i < out.length; i++) expect(again[i]).toBeCloseTo(2 * out[i], 5);
  });

  it("blocked matmul and matmulBackward equal naive loops on odd sizes", () => {
    const r = rng(21);
    const M = 7,
      K2 = 9,
      N = 10;
    const x = randn(M * K2, r),
      w = randn(N * K2, r),
      g = randn(M * N, r);
    g.fill(0, 4 * N, 5 * N); // a zero row (masked position)
    const out = randn(M * N, r),
      ref = out.slice();
    K.matmul(out, x, w, M, K2, N, true);
    const dx = randn(M * K2, r),
      dw = randn(N * K2, r),
      rdx = dx.slice(),
      rdw = dw.slice();
    K.matmulBackward(dx, dw, g, x, w, M, K2, N);
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++)
        for (let k = 0; k < K2; k++) {
          ref[m * N + n] += x[m * K2 + k] * w[n * K2 + k];
          rdx[m * K2 + k] += g[m * N + n] * w[n * K2 + k];
          rdw[n * K2 + k] += g[m * N + n] * x[m * K2 + k];
        }
    out.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 4));
    dx.forEach((v, i) => expect(v).toBeCloseTo(rdx[i], 4));
    dw.forEach((v, i) => expect(v).toBeCloseTo(rdw[i], 4));
  });

  it("matmulBackward matches finite differences for input and weight", () => {
    const r = rng(2);
    const M = 3,
      K2 = 6,
      N = 5;
    const x = randn(M * K2, r),
      w = randn(N * K2, r),
      R = randn(M * N, r);
    const out = new Float32Array(M * N);
    const loss = () => {
      K.matmul(out, x, w, M, K2, N, false);
      return dotLoss(out, R);
    };
    const dx = new Float32Array(M * K2),
      dw = new Float32Array(N * K2);
    K.matmulBackward(dx, dw, R, x, w, M, K2, N);
    expectGradClose(loss, x, dx);
    expectGradClose(loss, w, dw);
  });

  it("rmsnormBackward matches finite differences", () => {
    const r = rng(3);
    const M = 3,
      C = 8;
    const x = randn(M * C, r),
      w = randn(C, r),
      R = randn(M * C, r);
    const out = new Float32Array(M * C),
      rstd = new Float32Array(M);
    const loss = () => {
      K.rmsnorm(out, rstd, x, w, M, C, 1e-5);
      return dotLoss(out, R);
    };
    loss();
    const dx = new Float32Array(M * C),
      dw = new Float32Array(C);
    K.rmsnormBackward(dx, dw, R, x, w, rstd, M, C);
    expectGradClose(loss, x, dx);
    expectGradClose(loss, w, dw);
  });

  it("rope rotates pairs (i, i+h) and ropeBackward matches finite differences", () => {
    const r = rng(4);
    const M = 4,
      H = 2,
      D = 6,
      maxPos = 8;
    const cos = new Float32Array((maxPos * D) / 2),
      sin = new Float32Array((maxPos * D) / 2);
    for (let p = 0; p < maxPos; p++)
      for (let i = 0; i < D / 2; i++) {
        const f = p * Math.pow(10000, (-2 * i) / D);
        cos[(p * D) / 2 + i] = Math.cos(f);
        sin[(p * D) / 2 + i] = Math.sin(f);
      }
    const pos = Int32Array.from([0, 3, 5, 7]);
    const x = randn(M * H * D, r),
      R = randn(M * H * D, r);
    const y = x.slice();
    K.rope(y, cos, sin, pos, M, H, D);
    // position 0 is the identity; norms are preserved
    for (let i = 0; i < H * D; i++) expect(y[i]).toBeCloseTo(x[i], 6);
    const loss = () => {
      const t = x.slice();
      K.rope(t, cos, sin, pos, M, H, D);
      return dotLoss(t, R);
    };
    const dx = R.slice();
    K.ropeBackward(dx, cos, sin, pos, M, H, D);
    expectGradClose(loss, x, dx);
  });

  for (const [H, KV] of [
    [2, 2],
    [4, 2],
    [4, 1],
  ] as const) {
    it(`attentionBackward matches finite differences (H=${H}, KV=${KV})`, () => {
      const r = rng(5 + H + KV);
      const B = 2,
        T = 4,
        D = 3;
      const q = randn(B * T * H * D, r),
        k = randn(B * T * KV * D, r),
        v = randn(B * T * KV * D, r);
      const R = randn(B * T * H * D, r);
      const out = new Float32Array(B * T * H * D),
        att = new Float32Array(B * H * T * T);
      const loss = () => {
        K.attention(out, att, q, k, v, B, T, H, KV, D);
        return dotLoss(out, R);
      };
      loss();
      // causal: no weight above the diagonal, rows sum to 1
      for (let row = 0; row < B * H * T; row++) {
        const t = row % T;
        let s = 0;
        for (let j = 0; j < T; j++) {
          s += att[row * T + j];
          if (j > t) expect(att[row * T + j]).toBe(0);
        }
        expect(s).toBeCloseTo(1, 5);
      }
      const dq = new Float32Array(q.length),
        dk = new Float32Array(k.length),
        dv = new Float32Array(v.length);
      const dAtt = new Float32Array(att.length);
      K.attentionBackward(dq, dk, dv, dAtt, R, q, k, v, att, B, T, H, KV, D);
      expectGradClose(loss, q, dq);
      expectGradClose(loss, k, dk);
      expectGradClose(loss, v, dv);
    });
  }

  it("attentionDecode equals the last row of full causal attention, per sequence length", () => {
    const r = rng(9);
    const B = 2,
      H = 4,
      KV = 2,
      D = 4,
      maxLen = 6;
    const lens = Int32Array.from([3, 5]);
    const kc = randn(B * maxLen * KV * D, r),
      vc = randn(B * maxLen * KV * D, r);
    const q = randn(B * H * D, r);
    const out = new Float32Array(B * H * D),
      scratch = new Float32Array(B * H * maxLen);
    K.attentionDecode(out, scratch, q, kc, vc, lens, B, maxLen, H, KV, D);
    for (let b = 0; b < B; b++) {
      const T = lens[b];
      // build a single sequence of length T whose last query is q[b]
      const qs = new Float32Array(T * H * D);
      qs.set(q.subarray(b * H * D, (b + 1) * H * D), (T - 1) * H * D);
      const ks = kc.slice(b * maxLen * KV * D, (b * maxLen + T) * KV * D);
      const vs = vc.slice(b * maxLen * KV * D, (b * maxLen + T) * KV * D);
      const full = new Float32Array(T * H * D),
        att = new Float32Array(H * T * T);
      K.attention(full, att, qs, ks, vs, 1, T, H, KV, D);
      for (let i = 0; i < H * D; i++) expect(out[b * H * D + i]).toBeCloseTo(full[(T - 1) * H * D + i], 5);
    }
  });

  it("swigluBackward matches finite differences", () => {
    const r = rng(10);
    const M = 3,
      F = 5;
    const g = randn(M * F, r, 3),
      u = randn(M * F, r),
      R = randn(M * F, r);
    const out = new Float32Array(M * F);
    const loss = () => {
      K.swiglu(out, g, u, M, F);
      return dotLoss(out, R);
    };
    const dg = new Float32Array(M * F),
      du = new Float32Array(M * F);
    K.swigluBackward(dg, du, R, g, u, M, F);
    expectGradClose(loss, g, dg);
    expectGradClose(loss, u, du);
  });

  it("tokenLogprobs matches a float64 log-softmax and entropy; masked rows give 0", () => {
    const r = rng(11);
    const M = 3,
      V = 7;
    const logits = randn(M * V, r, 4);
    const targets = Int32Array.from([2, -1, 6]);
    const lp = new Float32Array(M),
      ent = new Float32Array(M);
    K.tokenLogprobs(lp, ent, logits, targets, M, V);
    for (let m = 0; m < M; m++) {
      if (targets[m] < 0) {
        expect(lp[m]).toBe(0);
        expect(ent[m]).toBe(0);
        continue;
      }
      const row = Array.from(logits.subarray(m * V, (m + 1) * V));
      const lse = Math.log(row.reduce((s, z) => s + Math.exp(z), 0));
      expect(lp[m]).toBeCloseTo(row[targets[m]] - lse, 5);
      const h = -row.reduce((s, z) => s + Math.exp(z - lse) * (z - lse), 0);
      expect(ent[m]).toBeCloseTo(h, 5);
    }
  });

  it("tokenLogprobsBackward matches finite differences", () => {
    const r = rng(12);
    const M = 3,
      V = 6;
    const logits = randn(M * V, r, 2);
    const targets = Int32Array.from([1, -1, 5]);
    const dLogp = Float32Array.from([0.7, 0.3, -1.2]);
    const lp = new Float32Array(M);
    const loss = () => {
      K.tokenLogprobs(lp, null, logits, targets, M, V);
      return dotLoss(lp, dLogp);
    };
    const dl = new Float32Array(M * V).fill(99); // overwritten, not accumulated
    K.tokenLogprobsBackward(dl, dLogp, logits, targets, M, V);
    for (let i = V; i < 2 * V; i++) expect(dl[i]).toBe(0);
    expectGradClose(loss, logits, dl);
  });

  it("adamw follows PyTorch's AdamW formula for two steps", () => {
    const p = Float32Array.from([0.5, -1.0]),
      g = Float32Array.from([0.1, -0.2]);
    const m = new Float32Array(2),
      v = new Float32Array(2);
    const ref = [0.5, -1.0],
      rm = [0, 0],
      rv = [0, 0];
    const lr = 0.01,
      b1 = 0.9,
      b2 = 0.95,
      eps = 1e-8,
      wd = 0.1;
    for (let step = 1; step <= 2; step++) {
      K.adamw(p, g, m, v, 2, lr, b1, b2, eps, wd, step);
      for (let i = 0; i < 2; i++) {
        ref[i] *= 1 - lr * wd;
        rm[i] = b1 * rm[i] + (1 - b1) * g[i];
        rv[i] = b2 * rv[i] + (1 - b2) * g[i] * g[i];
        ref[i] -= (lr * (rm[i] / (1 - b1 ** step))) / (Math.sqrt(rv[i] / (1 - b2 ** step)) + eps);
        expect(p[i]).toBeCloseTo(ref[i], 6);
      }
    }
  });
});
