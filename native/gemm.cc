// Single-precision GEMM for the three Linear forms (x·Wᵀ, dOut·W, dOutᵀ·x): BLIS-style packing
// into MR×KC and KC×NR panels, a 6×16 AVX2/FMA register-blocked micro-kernel, KC/MC/NC cache
// tiling, and a split over the pool's threads chosen from the shape (rows, columns, or the inner
// dimension with a private partial sum when that is the long one, as in the weight gradient).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "buffer.h"
#include "kernels.h"
#include "threadpool.h"

namespace sp {
namespace {

constexpr int MR = 6, NR = 16;
constexpr int KC = 256, MC = 144, NC = 768;
// Below this many multiply-adds a call runs on the calling thread alone (waking a worker costs more).
constexpr double kParWork = 96.0 * 1024;

thread_local Scratch tl_apack, tl_bpack, tl_part;

void pack_a(int mc, int kc, const float* a, long rsa, long csa, float* ap) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int mr = std::min(MR, mc - i0);
    float* dst = ap + static_cast<long>(i0) * kc;
    if (csa == 1) {
      const float* rows[MR];
      for (int i = 0; i < MR; i++) rows[i] = a + static_cast<long>(i0 + std::min(i, mr - 1)) * rsa;
      if (mr == MR) {
        for (int p = 0; p < kc; p++)
          for (int i = 0; i < MR; i++) dst[p * MR + i] = rows[i][p];
      } else {
        for (int p = 0; p < kc; p++)
          for (int i = 0; i < MR; i++) dst[p * MR + i] = i < mr ? rows[i][p] : 0.0f;
      }
    } else {
      for (int p = 0; p < kc; p++) {
        const float* col = a + p * csa + static_cast<long>(i0) * rsa;
        for (int i = 0; i < MR; i++) dst[p * MR + i] = i < mr ? col[i * rsa] : 0.0f;
      }
    }
  }
}

// Transposes an 8×8 block: rows r[0..7] (each 8 floats) become columns.
inline void transpose8(__m256& r0, __m256& r1, __m256& r2, __m256& r3, __m256& r4, __m256& r5, __m256& r6,
                       __m256& r7) {
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, 0x44), s1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 s2 = _mm256_shuffle_ps(t1, t3, 0x44), s3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 s4 = _mm256_shuffle_ps(t4, t6, 0x44), s5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 s6 = _mm256_shuffle_ps(t5, t7, 0x44), s7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r0 = _mm256_permute2f128_ps(s0, s4, 0x20);
  r1 = _mm256_permute2f128_ps(s1, s5, 0x20);
  r2 = _mm256_permute2f128_ps(s2, s6, 0x20);
  r3 = _mm256_permute2f128_ps(s3, s7, 0x20);
  r4 = _mm256_permute2f128_ps(s0, s4, 0x31);
  r5 = _mm256_permute2f128_ps(s1, s5, 0x31);
  r6 = _mm256_permute2f128_ps(s2, s6, 0x31);
  r7 = _mm256_permute2f128_ps(s3, s7, 0x31);
}

void pack_b(int kc, int nc, const float* b, long rsb, long csb, float* bp) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int nr = std::min(NR, nc - j0);
    float* dst = bp + static_cast<long>(j0) * kc;
    if (csb == 1) {
      for (int p = 0; p < kc; p++) {
        const float* src = b + p * rsb + j0;
        if (nr == NR) {
          _mm256_store_ps(dst + p * NR, _mm256_loadu_ps(src));
          _mm256_store_ps(dst + p * NR + 8, _mm256_loadu_ps(src + 8));
        } else {
          for (int j = 0; j < NR; j++) dst[p * NR + j] = j < nr ? src[j] : 0.0f;
        }
      }
    } else if (rsb == 1 && nr == NR) {
      // B(p, j) = b[j*csb + p]: the rows of W. Transpose 8×8 blocks.
      int p = 0;
      for (; p + 8 <= kc; p += 8) {
        for (int h = 0; h < 2; h++) {
          const float* s = b + static_cast<long>(j0 + 8 * h) * csb + p;
          __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + csb), r2 = _mm256_loadu_ps(s + 2 * csb),
                 r3 = _mm256_loadu_ps(s + 3 * csb), r4 = _mm256_loadu_ps(s + 4 * csb),
                 r5 = _mm256_loadu_ps(s + 5 * csb), r6 = _mm256_loadu_ps(s + 6 * csb),
                 r7 = _mm256_loadu_ps(s + 7 * csb);
          transpose8(r0, r1, r2, r3, r4, r5, r6, r7);
          float* d = dst + p * NR + 8 * h;
          _mm256_store_ps(d, r0);
          _mm256_store_ps(d + NR, r1);
          _mm256_store_ps(d + 2 * NR, r2);
          _mm256_store_ps(d + 3 * NR, r3);
          _mm256_store_ps(d + 4 * NR, r4);
          _mm256_store_ps(d + 5 * NR, r5);
          _mm256_store_ps(d + 6 * NR, r6);
          _mm256_store_ps(d + 7 * NR, r7);
        }
      }
      for (; p < kc; p++)
        for (int j = 0; j < NR; j++) dst[p * NR + j] = b[(j0 + j) * csb + p];
    } else {
      for (int j = 0; j < NR; j++) {
        if (j < nr) {
          const float* src = b + (j0 + j) * csb;
          for (int p = 0; p < kc; p++) dst[p * NR + j] = src[p * rsb];
        } else {
          for (int p = 0; p < kc; p++) dst[p * NR + j] = 0.0f;
        }
      }
    }
  }
}

// C[mr, nr] (+)= Ap[kc, MR] · Bp[kc, NR].
inline void micro_kernel(int kc, const float* __restrict ap, const float* __restrict bp, float* c, long ldc,
                         int mr, int nr, bool overwrite) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(),
         c11 = _mm256_setzero_ps(), c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(),
         c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps(), c40 = _mm256_setzero_ps(),
         c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
#pragma GCC unroll 4
  for (int p = 0; p < kc; p++) {
    __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);
    __m256 a = _mm256_broadcast_ss(ap);
    c00 = _mm256_fmadd_ps(a, b0, c00);
    c01 = _mm256_fmadd_ps(a, b1, c01);
    a = _mm256_broadcast_ss(ap + 1);
    c10 = _mm256_fmadd_ps(a, b0, c10);
    c11 = _mm256_fmadd_ps(a, b1, c11);
    a = _mm256_broadcast_ss(ap + 2);
    c20 = _mm256_fmadd_ps(a, b0, c20);
    c21 = _mm256_fmadd_ps(a, b1, c21);
    a = _mm256_broadcast_ss(ap + 3);
    c30 = _mm256_fmadd_ps(a, b0, c30);
    c31 = _mm256_fmadd_ps(a, b1, c31);
    a = _mm256_broadcast_ss(ap + 4);
    c40 = _mm256_fmadd_ps(a, b0, c40);
    c41 = _mm256_fmadd_ps(a, b1, c41);
    a = _mm256_broadcast_ss(ap + 5);
    c50 = _mm256_fmadd_ps(a, b0, c50);
    c51 = _mm256_fmadd_ps(a, b1, c51);
    ap += MR;
    bp += NR;
  }
  if (mr == MR && nr == NR) {
    __m256 acc[12] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51};
    for (int i = 0; i < MR; i++) {
      float* row = c + i * ldc;
      if (overwrite) {
        _mm256_storeu_ps(row, acc[2 * i]);
        _mm256_storeu_ps(row + 8, acc[2 * i + 1]);
      } else {
        _mm256_storeu_ps(row, _mm256_add_ps(_mm256_loadu_ps(row), acc[2 * i]));
        _mm256_storeu_ps(row + 8, _mm256_add_ps(_mm256_loadu_ps(row + 8), acc[2 * i + 1]));
      }
    }
    return;
  }
  alignas(32) float tmp[MR * NR];
  _mm256_store_ps(tmp + 0, c00);
  _mm256_store_ps(tmp + 8, c01);
  _mm256_store_ps(tmp + 16, c10);
  _mm256_store_ps(tmp + 24, c11);
  _mm256_store_ps(tmp + 32, c20);
  _mm256_store_ps(tmp + 40, c21);
  _mm256_store_ps(tmp + 48, c30);
  _mm256_store_ps(tmp + 56, c31);
  _mm256_store_ps(tmp + 64, c40);
  _mm256_store_ps(tmp + 72, c41);
  _mm256_store_ps(tmp + 80, c50);
  _mm256_store_ps(tmp + 88, c51);
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) c[i * ldc + j] = (overwrite ? 0.0f : c[i * ldc + j]) + tmp[i * NR + j];
}

void gemm_serial(int M, int N, int K, const float* a, long rsa, long csa, const float* b, long rsb, long csb,
                 float* c, long ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int i = 0; i < M; i++) std::memset(c + i * ldc, 0, sizeof(float) * N);
    return;
  }
  int ncmax = std::min(NC, N), kcmax = std::min(KC, K), mcmax = std::min(MC, M);
  float* bp = tl_bpack.get(static_cast<size_t>((ncmax + NR - 1) / NR * NR) * kcmax);
  float* ap = tl_apack.get(static_cast<size_t>((mcmax + MR - 1) / MR * MR) * kcmax);
  for (int jc = 0; jc < N; jc += NC) {
    int nc = std::min(NC, N - jc);
    for (int pc = 0; pc < K; pc += KC) {
      int kc = std::min(KC, K - pc);
      bool overwrite = pc == 0 && !accumulate;
      pack_b(kc, nc, b + pc * rsb + jc * csb, rsb, csb, bp);
      for (int ic = 0; ic < M; ic += MC) {
        int mc = std::min(MC, M - ic);
        pack_a(mc, kc, a + ic * rsa + pc * csa, rsa, csa, ap);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = std::min(NR, nc - jr);
          for (int ir = 0; ir < mc; ir += MR) {
            micro_kernel(kc, ap + static_cast<long>(ir) * kc, bp + static_cast<long>(jr) * kc,
                         c + (ic + ir) * ldc + jc + jr, ldc, std::min(MR, mc - ir), nr, overwrite);
          }
        }
      }
    }
  }
}

// Few rows of x·Wᵀ (decoding one sequence): dot products straight from W, no packing.
void gemm_nt_rows(int M, int K, const float* a, const float* w, float* c, long ldc, bool accumulate,
                  int j0, int j1) {
  for (int i = 0; i < M; i++) {
    const float* x = a + static_cast<long>(i) * K;
    for (int j = j0; j < j1; j++) {
      const float* r = w + static_cast<long>(j) * K;
      __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
      int p = 0;
      for (; p + 16 <= K; p += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + p), _mm256_loadu_ps(r + p), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + p + 8), _mm256_loadu_ps(r + p + 8), s1);
      }
      if (p + 8 <= K) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + p), _mm256_loadu_ps(r + p), s0);
        p += 8;
      }
      __m128 lo = _mm_add_ps(_mm256_castps256_ps128(_mm256_add_ps(s0, s1)),
                             _mm256_extractf128_ps(_mm256_add_ps(s0, s1), 1));
      lo = _mm_hadd_ps(lo, lo);
      lo = _mm_hadd_ps(lo, lo);
      float s = _mm_cvtss_f32(lo);
      for (; p < K; p++) s += x[p] * r[p];
      float* o = c + i * ldc + j;
      *o = accumulate ? *o + s : s;
    }
  }
}

}  // namespace

void gemm(int M, int N, int K, const float* a, long rsa, long csa, const float* b, long rsb, long csb, float* c,
          long ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  double work = static_cast<double>(M) * N * K;
  int nt = get_threads();
  if (M <= 2 && csa == 1 && rsb == 1 && K > 0) {
    int tasks = (nt > 1 && work >= kParWork) ? nt : 1;
    parallel_for(tasks, [&](int t) {
      int j0 = static_cast<int>(static_cast<long>(N) * t / tasks), j1 = static_cast<int>(static_cast<long>(N) * (t + 1) / tasks);
      gemm_nt_rows(M, K, a, b, c, ldc, accumulate, j0, j1);
    });
    return;
  }
  if (nt <= 1 || work < kParWork || K <= 0) {
    gemm_serial(M, N, K, a, rsa, csa, b, rsb, csb, c, ldc, accumulate);
    return;
  }
  if (K >= 8 * std::max(M, N) && K >= 1024) {
    // Long inner dimension (the weight gradient): each task sums a slice of K; task 0 writes C, the
    // others write private partials that are added at the end.
    // More slices than threads: a worker descheduled by a busy machine then delays less of the work.
    int tasks = std::max(nt, std::min(4 * nt, K / 1024));
    size_t mn = static_cast<size_t>(M) * N;
    float* part = tl_part.get(mn * (tasks - 1));
    parallel_for(tasks, [&](int t) {
      int k0 = static_cast<int>(static_cast<long>(K) * t / tasks), k1 = static_cast<int>(static_cast<long>(K) * (t + 1) / tasks);
      if (t == 0)
        gemm_serial(M, N, k1 - k0, a, rsa, csa, b, rsb, csb, c, ldc, accumulate);
      else
        gemm_serial(M, N, k1 - k0, a + k0 * csa, rsa, csa, b + k0 * rsb, rsb, csb, part + mn * (t - 1), N, false);
    });
    for (int t = 1; t < tasks; t++) {
      const float* pt = part + mn * (t - 1);
      for (int i = 0; i < M; i++) {
        float* row = c + i * ldc;
        const float* src = pt + static_cast<size_t>(i) * N;
        for (int j = 0; j < N; j++) row[j] += src[j];
      }
    }
    return;
  }
  if (M >= N) {
    int units = (M + MR - 1) / MR, tasks = std::min(units, std::max(nt, std::min(4 * nt, M / 256)));
    parallel_for(tasks, [&](int t) {
      int i0 = units * t / tasks * MR, i1 = std::min(M, units * (t + 1) / tasks * MR);
      gemm_serial(i1 - i0, N, K, a + i0 * rsa, rsa, csa, b, rsb, csb, c + i0 * ldc, ldc, accumulate);
    });
  } else {
    int units = (N + NR - 1) / NR, tasks = std::min(units, std::max(nt, std::min(4 * nt, N / 256)));
    parallel_for(tasks, [&](int t) {
      int j0 = units * t / tasks * NR, j1 = std::min(N, units * (t + 1) / tasks * NR);
      gemm_serial(M, j1 - j0, K, a, rsa, csa, b + j0 * csb, rsb, csb, c + j0, ldc, accumulate);
    });
  }
}

void matmul(float* out, const float* inp, const float* weight, int M, int K, int N, bool accumulate) {
  // out[M,N] = inp[M,K] · W[N,K]ᵀ: B(p, j) = W[j*K + p].
  gemm(M, N, K, inp, K, 1, weight, 1, K, out, N, accumulate);
}

void matmul_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight, int M,
                     int K, int N) {
  // dInp[M,K] += dOut[M,N] · W[N,K].
  if (dinp) gemm(M, K, N, dout, N, 1, weight, K, 1, dinp, K, true);
  // dW[N,K] += dOut[M,N]ᵀ · inp[M,K]: A(i, p) = dOut[p*N + i].
  if (dweight) gemm(N, K, M, dout, 1, N, inp, K, 1, dweight, K, true);
}

}  // namespace sp
