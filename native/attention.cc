// Causal grouped-query attention: training forward (saves the probabilities), backward, and the
// batched KV-cache decoding step. Each (sequence, head) is a small GEMM-shaped problem; keys/values
// are copied once into padded, transposed scratch so the inner loops are 8-wide FMAs with 4-row
// register blocking. Tasks: (sequence, head) forward, (sequence, kv head) backward (so that the
// heads that share a kv head never write the same dk/dv rows from two threads), sequence decode.
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "buffer.h"
#include "kernels.h"
#include "simd.h"
#include "threadpool.h"

namespace sp {
namespace {

thread_local Scratch tl_kt, tl_vp, tl_s, tl_t1, tl_t2, tl_acc1, tl_acc2, tl_row;

inline int round8(int x) { return (x + 7) & ~7; }

// S[r][j] = Σ_d A[i0+r][d] · Bt[d][j] for r < rows, j < jn (jn a multiple of 8; Bt is [D][ldb]).
// A row i lives at a + i*lda. Rows past `rows` reuse the last row (results unused).
void scores4(float* S, int lds, const float* a, long lda, int i0, int rows, const float* bt, int ldb, int D,
             int jn) {
  const float* ar[4];
  for (int r = 0; r < 4; r++) ar[r] = a + (i0 + std::min(r, rows - 1)) * lda;
  int j = 0;
  for (; j + 16 <= jn; j += 16) {
    __m256 s00 = _mm256_setzero_ps(), s01 = _mm256_setzero_ps(), s10 = _mm256_setzero_ps(),
           s11 = _mm256_setzero_ps(), s20 = _mm256_setzero_ps(), s21 = _mm256_setzero_ps(),
           s30 = _mm256_setzero_ps(), s31 = _mm256_setzero_ps();
    for (int d = 0; d < D; d++) {
      __m256 b0 = _mm256_loadu_ps(bt + d * ldb + j), b1 = _mm256_loadu_ps(bt + d * ldb + j + 8);
      __m256 x = _mm256_broadcast_ss(ar[0] + d);
      s00 = _mm256_fmadd_ps(x, b0, s00);
      s01 = _mm256_fmadd_ps(x, b1, s01);
      x = _mm256_broadcast_ss(ar[1] + d);
      s10 = _mm256_fmadd_ps(x, b0, s10);
      s11 = _mm256_fmadd_ps(x, b1, s11);
      x = _mm256_broadcast_ss(ar[2] + d);
      s20 = _mm256_fmadd_ps(x, b0, s20);
      s21 = _mm256_fmadd_ps(x, b1, s21);
      x = _mm256_broadcast_ss(ar[3] + d);
      s30 = _mm256_fmadd_ps(x, b0, s30);
      s31 = _mm256_fmadd_ps(x, b1, s31);
    }
    _mm256_storeu_ps(S + j, s00);
    _mm256_storeu_ps(S + j + 8, s01);
    _mm256_storeu_ps(S + lds + j, s10);
    _mm256_storeu_ps(S + lds + j + 8, s11);
    _mm256_storeu_ps(S + 2 * lds + j, s20);
    _mm256_storeu_ps(S + 2 * lds + j + 8, s21);
    _mm256_storeu_ps(S + 3 * lds + j, s30);
    _mm256_storeu_ps(S + 3 * lds + j + 8, s31);
  }
  for (; j < jn; j += 8) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    for (int d = 0; d < D; d++) {
      __m256 b0 = _mm256_loadu_ps(bt + d * ldb + j);
      s0 = _mm256_fmadd_ps(_mm256_broadcast_ss(ar[0] + d), b0, s0);
      s1 = _mm256_fmadd_ps(_mm256_broadcast_ss(ar[1] + d), b0, s1);
      s2 = _mm256_fmadd_ps(_mm256_broadcast_ss(ar[2] + d), b0, s2);
      s3 = _mm256_fmadd_ps(_mm256_broadcast_ss(ar[3] + d), b0, s3);
    }
    _mm256_storeu_ps(S + j, s0);
    _mm256_storeu_ps(S + lds + j, s1);
    _mm256_storeu_ps(S + 2 * lds + j, s2);
    _mm256_storeu_ps(S + 3 * lds + j, s3);
  }
}

// y[0..Dp) = Σ_{j in [j0, j1)} p[j] · X[j][0..Dp)  (X is [*][Dp], Dp a multiple of 8).
template <int NV>
inline void wsum_chunk(float* y, const float* p, const float* X, int Dp, int j0, int j1, int c0) {
  __m256 acc[NV];
  for (int c = 0; c < NV; c++) acc[c] = _mm256_setzero_ps();
  for (int j = j0; j < j1; j++) {
    __m256 w = _mm256_broadcast_ss(p + j);
    const float* x = X + static_cast<long>(j) * Dp + c0;
    for (int c = 0; c < NV; c++) acc[c] = _mm256_fmadd_ps(w, _mm256_loadu_ps(x + 8 * c), acc[c]);
  }
  for (int c = 0; c < NV; c++) _mm256_storeu_ps(y + c0 + 8 * c, acc[c]);
}

void wsum(float* y, const float* p, const float* X, int Dp, int j0, int j1) {
  int c0 = 0;
  for (; c0 + 32 <= Dp; c0 += 32) wsum_chunk<4>(y, p, X, Dp, j0, j1, c0);
  switch ((Dp - c0) / 8) {
    case 3: wsum_chunk<3>(y, p, X, Dp, j0, j1, c0); break;
    case 2: wsum_chunk<2>(y, p, X, Dp, j0, j1, c0); break;
    case 1: wsum_chunk<1>(y, p, X, Dp, j0, j1, c0); break;
    default: break;
  }
}

// Softmax of s[0..n) into p[0..n) (in place allowed); returns nothing. n >= 1.
inline void softmax_row(float* p, const float* s, int n, float scale) {
  __m256 vm = _mm256_set1_ps(-INFINITY);
  int j = 0;
  for (; j + 8 <= n; j += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(s + j));
  float mx = hmax(vm);
  for (; j < n; j++) mx = std::max(mx, s[j]);
  __m256 vs = _mm256_set1_ps(scale), vmx = _mm256_set1_ps(mx * scale), vsum = _mm256_setzero_ps();
  j = 0;
  for (; j + 8 <= n; j += 8) {
    __m256 e = exp256(_mm256_fmsub_ps(_mm256_loadu_ps(s + j), vs, vmx));
    _mm256_storeu_ps(p + j, e);
    vsum = _mm256_add_ps(vsum, e);
  }
  float sum = hsum(vsum);
  for (; j < n; j++) {
    float e = exp1(s[j] * scale - mx * scale);
    p[j] = e;
    sum += e;
  }
  __m256 vinv = _mm256_set1_ps(1.0f / sum);
  float inv = 1.0f / sum;
  j = 0;
  for (; j + 8 <= n; j += 8) _mm256_storeu_ps(p + j, _mm256_mul_ps(_mm256_loadu_ps(p + j), vinv));
  for (; j < n; j++) p[j] *= inv;
}

// Copies the D-wide head slice of T rows (row stride ld) into Xp[T][Dp], zero-padded.
void gather_rows(float* Xp, const float* x, long ld, int T, int D, int Dp) {
  for (int t = 0; t < T; t++) {
    float* dst = Xp + static_cast<long>(t) * Dp;
    std::memcpy(dst, x + t * ld, sizeof(float) * D);
    for (int d = D; d < Dp; d++) dst[d] = 0.0f;
  }
}

// Copies the D-wide head slice of T rows into Xt[D][Tp] (transposed), zero-padded to Tp.
void gather_transposed(float* Xt, const float* x, long ld, int T, int D, int Tp) {
  for (int d = 0; d < D; d++) {
    float* dst = Xt + static_cast<long>(d) * Tp;
    for (int t = 0; t < T; t++) dst[t] = x[t * ld + d];
    for (int t = T; t < Tp; t++) dst[t] = 0.0f;
  }
}

void attention_one(float* out, float* att, const float* q, const float* k, const float* v, int b, int h, int T,
                   int H, int KV, int D) {
  int kvh = h / (H / KV), Tp = round8(T), Dp = round8(D);
  long qs = static_cast<long>(H) * D, ks = static_cast<long>(KV) * D;
  float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const float* qb = q + static_cast<long>(b) * T * qs + h * D;
  const float* kb = k + static_cast<long>(b) * T * ks + kvh * D;
  const float* vb = v + static_cast<long>(b) * T * ks + kvh * D;
  float* ob = out + static_cast<long>(b) * T * qs + h * D;
  float* ab = att + (static_cast<long>(b) * H + h) * T * T;
  float* kt = tl_kt.get(static_cast<size_t>(D) * Tp);
  float* vp = tl_vp.get(static_cast<size_t>(T) * Dp);
  float* S = tl_s.get(4 * static_cast<size_t>(Tp));
  float* y = tl_row.get(Dp);
  gather_transposed(kt, kb, ks, T, D, Tp);
  gather_rows(vp, vb, ks, T, D, Dp);
  for (int i0 = 0; i0 < T; i0 += 4) {
    int rows = std::min(4, T - i0);
    int jn = round8(i0 + rows);
    scores4(S, Tp, qb, qs, i0, rows, kt, Tp, D, jn);
    for (int r = 0; r < rows; r++) {
      int i = i0 + r;
      float* arow = ab + static_cast<long>(i) * T;
      softmax_row(arow, S + r * Tp, i + 1, scale);
      std::memset(arow + i + 1, 0, sizeof(float) * (T - i - 1));
      wsum(y, arow, vp, Dp, 0, i + 1);
      std::memcpy(ob + i * qs, y, sizeof(float) * D);
    }
  }
}

void attention_backward_group(float* dq, float* dk, float* dv, float* datt, const float* dout, const float* q,
                              const float* k, const float* v, const float* att, int b, int kvh, int T, int H,
                              int KV, int D) {
  int G = H / KV, Tp = round8(T), Dp = round8(D);
  long qs = static_cast<long>(H) * D, ks = static_cast<long>(KV) * D;
  float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const float* kb = k + static_cast<long>(b) * T * ks + kvh * D;
  const float* vb = v + static_cast<long>(b) * T * ks + kvh * D;
  float* kp = tl_kt.get(static_cast<size_t>(T) * Dp);      // K rows, padded
  float* vt = tl_vp.get(static_cast<size_t>(D) * Tp);      // V transposed
  float* S = tl_s.get(4 * static_cast<size_t>(Tp));
  float* xp = tl_t1.get(static_cast<size_t>(T) * Dp);      // Q rows or dO rows, padded
  float* tr = tl_t2.get(static_cast<size_t>(T) * Tp);      // a transposed T×T matrix
  float* dkacc = tl_acc1.get(static_cast<size_t>(T) * Dp);
  float* dvacc = tl_acc2.get(static_cast<size_t>(T) * Dp);
  float* y = tl_row.get(Dp);
  gather_rows(kp, kb, ks, T, D, Dp);
  gather_transposed(vt, vb, ks, T, D, Tp);
  std::memset(dkacc, 0, sizeof(float) * T * Dp);
  std::memset(dvacc, 0, sizeof(float) * T * Dp);
  for (int h = kvh * G; h < (kvh + 1) * G; h++) {
    const float* qb = q + static_cast<long>(b) * T * qs + h * D;
    const float* gb = dout + static_cast<long>(b) * T * qs + h * D;
    float* dqb = dq + static_cast<long>(b) * T * qs + h * D;
    const float* ab = att + (static_cast<long>(b) * H + h) * T * T;
    float* db = datt + (static_cast<long>(b) * H + h) * T * T;
    // dP = dO · Vᵀ; dS = P ⊙ (dP − rowsum(P ⊙ dP)), stored (times scale) in dAtt.
    for (int i0 = 0; i0 < T; i0 += 4) {
      int rows = std::min(4, T - i0);
      scores4(S, Tp, gb, qs, i0, rows, vt, Tp, D, round8(i0 + rows));
      for (int r = 0; r < rows; r++) {
        int i = i0 + r;
        const float* prow = ab + static_cast<long>(i) * T;
        float* drow = db + static_cast<long>(i) * T;
        const float* dp = S + r * Tp;
        __m256 vdot = _mm256_setzero_ps();
        int j = 0;
        for (; j + 8 <= i + 1; j += 8)
          vdot = _mm256_fmadd_ps(_mm256_loadu_ps(prow + j), _mm256_loadu_ps(dp + j), vdot);
        float dot = hsum(vdot);
        for (; j <= i; j++) dot += prow[j] * dp[j];
        __m256 vd = _mm256_set1_ps(dot), vsc = _mm256_set1_ps(scale);
        j = 0;
        for (; j + 8 <= i + 1; j += 8)
          _mm256_storeu_ps(drow + j, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(prow + j),
                                                                 _mm256_sub_ps(_mm256_loadu_ps(dp + j), vd)),
                                                   vsc));
        for (; j <= i; j++) drow[j] = prow[j] * (dp[j] - dot) * scale;
        std::memset(drow + i + 1, 0, sizeof(float) * (T - i - 1));
        // dQ_i += Σ_j dS[i][j] K_j
        wsum(y, drow, kp, Dp, 0, i + 1);
        float* o = dqb + i * qs;
        for (int d = 0; d < D; d++) o[d] += y[d];
      }
    }
    // dK_j += Σ_{i≥j} dS[i][j] Q_i: transpose dS, then weighted row sums of Q.
    for (int i = 0; i < T; i++)
      for (int j = 0; j <= i; j++) tr[static_cast<long>(j) * Tp + i] = db[static_cast<long>(i) * T + j];
    gather_rows(xp, qb, qs, T, D, Dp);
    for (int j = 0; j < T; j++) {
      wsum(y, tr + static_cast<long>(j) * Tp, xp, Dp, j, T);
      float* acc = dkacc + static_cast<long>(j) * Dp;
      for (int d = 0; d < Dp; d++) acc[d] += y[d];
    }
    // dV_j += Σ_{i≥j} P[i][j] dO_i.
    for (int i = 0; i < T; i++)
      for (int j = 0; j <= i; j++) tr[static_cast<long>(j) * Tp + i] = ab[static_cast<long>(i) * T + j];
    gather_rows(xp, gb, qs, T, D, Dp);
    for (int j = 0; j < T; j++) {
      wsum(y, tr + static_cast<long>(j) * Tp, xp, Dp, j, T);
      float* acc = dvacc + static_cast<long>(j) * Dp;
      for (int d = 0; d < Dp; d++) acc[d] += y[d];
    }
  }
  float* dkb = dk + static_cast<long>(b) * T * ks + kvh * D;
  float* dvb = dv + static_cast<long>(b) * T * ks + kvh * D;
  for (int t = 0; t < T; t++) {
    for (int d = 0; d < D; d++) {
      dkb[t * ks + d] += dkacc[static_cast<long>(t) * Dp + d];
      dvb[t * ks + d] += dvacc[static_cast<long>(t) * Dp + d];
    }
  }
}

inline float dot(const float* a, const float* b, int n) {
  __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
  }
  if (i + 8 <= n) {
    s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    i += 8;
  }
  float s = hsum(_mm256_add_ps(s0, s1));
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

// One sequence's decoding step. Positions are the outer loop so the cache streams through memory
// row by row (all heads of a row together): at batch 64 the cache is far bigger than the caches and
// this loop is bound by memory bandwidth, not arithmetic.
void decode_one(float* out, float* scratch, const float* q, const float* kc, const float* vc, int len, int maxLen,
                int H, int KV, int D) {
  int G = H / KV;
  long ks = static_cast<long>(KV) * D;
  float scale = 1.0f / std::sqrt(static_cast<float>(D));
  for (int j = 0; j < len; j++) {
    const float* krow = kc + j * ks;
    for (int h = 0; h < H; h++) scratch[static_cast<long>(h) * maxLen + j] = dot(q + h * D, krow + (h / G) * D, D);
  }
  for (int h = 0; h < H; h++) {
    float* s = scratch + static_cast<long>(h) * maxLen;
    softmax_row(s, s, len, scale);
  }
  std::memset(out, 0, sizeof(float) * H * D);
  for (int j = 0; j < len; j++) {
    const float* vrow = vc + j * ks;
    for (int h = 0; h < H; h++) {
      __m256 w = _mm256_set1_ps(scratch[static_cast<long>(h) * maxLen + j]);
      const float* x = vrow + (h / G) * D;
      float* o = out + h * D;
      int d = 0;
      for (; d + 8 <= D; d += 8) _mm256_storeu_ps(o + d, _mm256_fmadd_ps(w, _mm256_loadu_ps(x + d), _mm256_loadu_ps(o + d)));
      float ws = _mm256_cvtss_f32(w);
      for (; d < D; d++) o[d] += ws * x[d];
    }
  }
}

}  // namespace

void attention(float* out, float* att, const float* q, const float* k, const float* v, int B, int T, int H, int KV,
               int D) {
  if (B <= 0 || T <= 0 || H <= 0 || D <= 0) return;
  int n = B * H;
  bool par = static_cast<double>(n) * T * T * D >= 64.0 * 1024;
  auto task = [&](int t) { attention_one(out, att, q, k, v, t / H, t % H, T, H, KV, D); };
  if (par) parallel_for(n, task);
  else for (int t = 0; t < n; t++) task(t);
}

void attention_backward(float* dq, float* dk, float* dv, float* datt, const float* dout, const float* q,
                        const float* k, const float* v, const float* att, int B, int T, int H, int KV, int D) {
  if (B <= 0 || T <= 0 || H <= 0 || D <= 0) return;
  int n = B * KV;
  bool par = static_cast<double>(B) * H * T * T * D >= 32.0 * 1024;
  auto task = [&](int t) {
    attention_backward_group(dq, dk, dv, datt, dout, q, k, v, att, t / KV, t % KV, T, H, KV, D);
  };
  if (par) parallel_for(n, task);
  else for (int t = 0; t < n; t++) task(t);
}

void attention_decode(float* out, float* scratch, const float* q, const float* kcache, const float* vcache,
                      const int32_t* lens, int B, int maxLen, int H, int KV, int D) {
  if (B <= 0 || H <= 0 || D <= 0) return;
  long qs = static_cast<long>(H) * D, cs = static_cast<long>(maxLen) * KV * D;
  double work = 0;
  for (int b = 0; b < B; b++) work += static_cast<double>(lens[b]) * H * D;
  auto task = [&](int b) {
    int len = lens[b];
    if (len <= 0) {
      std::memset(out + b * qs, 0, sizeof(float) * qs);
      return;
    }
    decode_one(out + b * qs, scratch + static_cast<long>(b) * H * maxLen, q + b * qs, kcache + b * cs,
               vcache + b * cs, len, maxLen, H, KV, D);
  };
  if (B > 1 && work >= 32.0 * 1024) parallel_for(B, task);
  else for (int b = 0; b < B; b++) task(b);
}

}  // namespace sp
