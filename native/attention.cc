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

thread_local Scratch tl_kt, tl_vp, tl_s, tl_t1, tl_t2, tl_pp, tl_acc1, tl_acc2, tl_row;

inline int round8(int x) { return (x + 7) & ~7; }

// C[r][c] (+)= Σ_{p=lo}^{hi-1} A[r][p] · B[p][c] for r < rows (1..4) and c < 8·NV: a 4×(8·NV)
// register-blocked tile. A row r is a + r*lda (rows past `rows` reuse the last row and are not
// stored); B row p is b + p*ldb. Every attention product (QKᵀ, PV, dO·Vᵀ, dS·K, Qᵀ·dS, dOᵀ·P) is a
// sequence of these tiles over padded, zero-filled operands.
template <int NV>
inline void tile4(float* C, long ldc, const float* a, long lda, int rows, const float* b, long ldb, int lo, int hi,
                  bool acc) {
  const float* a0 = a;
  const float* a1 = a + std::min(1, rows - 1) * lda;
  const float* a2 = a + std::min(2, rows - 1) * lda;
  const float* a3 = a + std::min(3, rows - 1) * lda;
  __m256 c0[NV], c1[NV], c2[NV], c3[NV];
  for (int v = 0; v < NV; v++) c0[v] = c1[v] = c2[v] = c3[v] = _mm256_setzero_ps();
  for (int p = lo; p < hi; p++) {
    __m256 bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = _mm256_loadu_ps(b + p * ldb + 8 * v);
    __m256 x = _mm256_broadcast_ss(a0 + p);
    for (int v = 0; v < NV; v++) c0[v] = _mm256_fmadd_ps(x, bv[v], c0[v]);
    x = _mm256_broadcast_ss(a1 + p);
    for (int v = 0; v < NV; v++) c1[v] = _mm256_fmadd_ps(x, bv[v], c1[v]);
    x = _mm256_broadcast_ss(a2 + p);
    for (int v = 0; v < NV; v++) c2[v] = _mm256_fmadd_ps(x, bv[v], c2[v]);
    x = _mm256_broadcast_ss(a3 + p);
    for (int v = 0; v < NV; v++) c3[v] = _mm256_fmadd_ps(x, bv[v], c3[v]);
  }
  __m256* cs[4] = {c0, c1, c2, c3};
  for (int r = 0; r < rows; r++) {
    for (int v = 0; v < NV; v++) {
      float* o = C + r * ldc + 8 * v;
      _mm256_storeu_ps(o, acc ? _mm256_add_ps(_mm256_loadu_ps(o), cs[r][v]) : cs[r][v]);
    }
  }
}

// C[0..rows)[0..cn) (+)= A · B over p in [lo, hi), columns in chunks of 16 (then 8; cn is a multiple
// of 8). With `causal`, the chunk starting at column c0 sums p from max(lo, c0) only (B is zero
// above its diagonal there, so the result is exact).
inline void tiles(float* C, long ldc, const float* a, long lda, int rows, const float* b, long ldb, int lo, int hi,
                  int cn, bool acc, bool causal) {
  for (int c0 = 0; c0 < cn; c0 += 16) {
    int l = causal ? std::max(lo, c0) : lo;
    if (cn - c0 >= 16) tile4<2>(C + c0, ldc, a, lda, rows, b + c0, ldb, l, hi, acc);
    else tile4<1>(C + c0, ldc, a, lda, rows, b + c0, ldb, l, hi, acc);
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
  float* Y = tl_row.get(4 * static_cast<size_t>(Dp));
  gather_transposed(kt, kb, ks, T, D, Tp);
  gather_rows(vp, vb, ks, T, D, Dp);
  for (int i0 = 0; i0 < T; i0 += 4) {
    int rows = std::min(4, T - i0), jn = i0 + rows;
    // S = Q·Kᵀ for 4 rows, softmax into att (zeros above the diagonal), then out = att · V.
    tiles(S, Tp, qb + i0 * qs, qs, rows, kt, Tp, 0, D, round8(jn), false, false);
    for (int r = 0; r < rows; r++) {
      int i = i0 + r;
      float* arow = ab + static_cast<long>(i) * T;
      softmax_row(arow, S + r * Tp, i + 1, scale);
      std::memset(arow + i + 1, 0, sizeof(float) * (T - i - 1));
    }
    tiles(Y, Dp, ab + static_cast<long>(i0) * T, T, rows, vp, Dp, 0, jn, Dp, false, false);
    for (int r = 0; r < rows; r++) std::memcpy(ob + (i0 + r) * qs, Y + r * Dp, sizeof(float) * D);
  }
}

void attention_backward_group(float* dq, float* dk, float* dv, const float* dout, const float* q, const float* k,
                              const float* v, const float* att, int b, int kvh, int T, int H, int KV, int D) {
  int G = H / KV, Tp = round8(T), Dp = round8(D);
  long qs = static_cast<long>(H) * D, ks = static_cast<long>(KV) * D;
  float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const float* kb = k + static_cast<long>(b) * T * ks + kvh * D;
  const float* vb = v + static_cast<long>(b) * T * ks + kvh * D;
  float* kp = tl_kt.get(static_cast<size_t>(T) * Dp);      // K rows [T][Dp]
  float* vt = tl_vp.get(static_cast<size_t>(D) * Tp);      // Vᵀ [D][Tp]
  float* S = tl_s.get(4 * static_cast<size_t>(Tp));        // dP rows
  float* Y = tl_row.get(4 * static_cast<size_t>(Dp));      // dQ rows
  float* xt = tl_t1.get(static_cast<size_t>(D) * Tp);      // Qᵀ or dOᵀ [D][Tp]
  float* ds = tl_t2.get(static_cast<size_t>(T) * Tp);      // dS·scale [T][Tp], zero above the diagonal
  float* pp = tl_pp.get(static_cast<size_t>(T) * Tp);      // P [T][Tp], zero-padded
  float* dkt = tl_acc1.get(static_cast<size_t>(D) * Tp);   // dKᵀ summed over the group's heads
  float* dvt = tl_acc2.get(static_cast<size_t>(D) * Tp);   // dVᵀ
  gather_rows(kp, kb, ks, T, D, Dp);
  gather_transposed(vt, vb, ks, T, D, Tp);
  for (int h = kvh * G; h < (kvh + 1) * G; h++) {
    const float* qb = q + static_cast<long>(b) * T * qs + h * D;
    const float* gb = dout + static_cast<long>(b) * T * qs + h * D;
    float* dqb = dq + static_cast<long>(b) * T * qs + h * D;
    const float* ab = att + (static_cast<long>(b) * H + h) * T * T;
    bool first = h == kvh * G;
    for (int i0 = 0; i0 < T; i0 += 4) {
      int rows = std::min(4, T - i0), jn = i0 + rows;
      // dP = dO·Vᵀ; dS = P ⊙ (dP − rowsum(P ⊙ dP)) · scale.
      tiles(S, Tp, gb + i0 * qs, qs, rows, vt, Tp, 0, D, round8(jn), false, false);
      for (int r = 0; r < rows; r++) {
        int i = i0 + r;
        const float* prow = ab + static_cast<long>(i) * T;
        float* drow = ds + static_cast<long>(i) * Tp;
        float* prow_p = pp + static_cast<long>(i) * Tp;
        const float* dp = S + r * Tp;
        __m256 vdot = _mm256_setzero_ps();
        int j = 0;
        for (; j + 8 <= i + 1; j += 8)
          vdot = _mm256_fmadd_ps(_mm256_loadu_ps(prow + j), _mm256_loadu_ps(dp + j), vdot);
        float dot = hsum(vdot);
        for (; j <= i; j++) dot += prow[j] * dp[j];
        __m256 vd = _mm256_set1_ps(dot), vsc = _mm256_set1_ps(scale);
        j = 0;
        for (; j + 8 <= i + 1; j += 8) {
          __m256 pv = _mm256_loadu_ps(prow + j);
          _mm256_storeu_ps(prow_p + j, pv);
          _mm256_storeu_ps(drow + j, _mm256_mul_ps(_mm256_mul_ps(pv, _mm256_sub_ps(_mm256_loadu_ps(dp + j), vd)), vsc));
        }
        for (; j <= i; j++) {
          prow_p[j] = prow[j];
          drow[j] = prow[j] * (dp[j] - dot) * scale;
        }
        std::memset(drow + i + 1, 0, sizeof(float) * (Tp - i - 1));
        std::memset(prow_p + i + 1, 0, sizeof(float) * (Tp - i - 1));
      }
      // dQ rows += dS · K
      tiles(Y, Dp, ds + static_cast<long>(i0) * Tp, Tp, rows, kp, Dp, 0, jn, Dp, false, false);
      for (int r = 0; r < rows; r++) {
        float* o = dqb + (i0 + r) * qs;
        const float* y = Y + r * Dp;
        for (int d = 0; d < D; d++) o[d] += y[d];
      }
    }
    // dKᵀ (+)= Qᵀ · dS and dVᵀ (+)= dOᵀ · P, each column summing i from its own position (causal).
    gather_transposed(xt, qb, qs, T, D, Tp);
    for (int d0 = 0; d0 < D; d0 += 4)
      tiles(dkt + static_cast<long>(d0) * Tp, Tp, xt + static_cast<long>(d0) * Tp, Tp, std::min(4, D - d0), ds, Tp, 0,
            T, Tp, !first, true);
    gather_transposed(xt, gb, qs, T, D, Tp);
    for (int d0 = 0; d0 < D; d0 += 4)
      tiles(dvt + static_cast<long>(d0) * Tp, Tp, xt + static_cast<long>(d0) * Tp, Tp, std::min(4, D - d0), pp, Tp, 0,
            T, Tp, !first, true);
  }
  float* dkb = dk + static_cast<long>(b) * T * ks + kvh * D;
  float* dvb = dv + static_cast<long>(b) * T * ks + kvh * D;
  for (int t = 0; t < T; t++) {
    for (int d = 0; d < D; d++) {
      dkb[t * ks + d] += dkt[static_cast<long>(d) * Tp + t];
      dvb[t * ks + d] += dvt[static_cast<long>(d) * Tp + t];
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
    attention_backward_group(dq, dk, dv, dout, q, k, v, att, t / KV, t % KV, T, H, KV, D);
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
