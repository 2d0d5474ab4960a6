// Row-wise and element-wise kernels: RMSNorm (+backward), RoPE (+inverse), SwiGLU (+backward),
// token log-probabilities / entropy (+backward) and AdamW. All AVX2/FMA; threaded over rows or
// element ranges once the call is big enough to pay for waking a worker.
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

// Below this many floats touched, a kernel runs on the calling thread alone.
constexpr long kParElems = 48 * 1024;

thread_local Scratch tl_partial;

// Splits [0, n) into `tasks` contiguous ranges and runs f(lo, hi) on each (in parallel when big).
template <class F>
void ranges(long n, long work, F&& f, long align = 8) {
  int nt = get_threads();
  // Up to 4 slices per thread for big calls, so a descheduled worker delays less of the work.
  int tasks = (work >= kParElems && nt > 1) ? static_cast<int>(std::min<long>(4L * nt, std::max<long>(nt, work / kParElems))) : 1;
  if (n < tasks * align) tasks = 1;
  if (tasks == 1) {
    f(0L, n);
    return;
  }
  parallel_for(tasks, [&](int t) {
    long lo = n * t / tasks / align * align, hi = t + 1 == tasks ? n : n * (t + 1) / tasks / align * align;
    if (hi > lo) f(lo, hi);
  });
}

inline __m256 sigmoid256(__m256 x) {
  __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, exp256(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

inline float sigmoid1(float x) { return 1.0f / (1.0f + exp1(-x)); }

}  // namespace

void rmsnorm(float* out, float* rstd, const float* inp, const float* weight, int M, int C, float eps) {
  ranges(M, static_cast<long>(M) * C, [&](long lo, long hi) {
    for (long m = lo; m < hi; m++) {
      const float* x = inp + m * C;
      float* o = out + m * C;
      __m256 acc = _mm256_setzero_ps();
      int c = 0;
      for (; c + 8 <= C; c += 8) {
        __m256 v = _mm256_loadu_ps(x + c);
        acc = _mm256_fmadd_ps(v, v, acc);
      }
      float ss = hsum(acc);
      for (; c < C; c++) ss += x[c] * x[c];
      float r = 1.0f / std::sqrt(ss / C + eps);
      rstd[m] = r;
      __m256 vr = _mm256_set1_ps(r);
      c = 0;
      for (; c + 8 <= C; c += 8)
        _mm256_storeu_ps(o + c, _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(x + c), vr), _mm256_loadu_ps(weight + c)));
      for (; c < C; c++) o[c] = x[c] * r * weight[c];
    }
  }, 1);
}

void rmsnorm_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                      const float* rstd, int M, int C) {
  int nt = get_threads();
  int tasks = (static_cast<long>(M) * C >= kParElems && nt > 1 && M >= nt) ? nt : 1;
  // Task 0 adds its dWeight share straight into dweight; the others into private rows, summed after.
  float* part = tasks > 1 ? tl_partial.get(static_cast<size_t>(tasks - 1) * C) : nullptr;
  if (part) std::memset(part, 0, sizeof(float) * (tasks - 1) * C);
  auto body = [&](int t) {
    long lo = static_cast<long>(M) * t / tasks, hi = static_cast<long>(M) * (t + 1) / tasks;
    float* dw = t == 0 ? dweight : part + static_cast<long>(t - 1) * C;
    for (long m = lo; m < hi; m++) {
      const float* x = inp + m * C;
      const float* g = dout + m * C;
      float* dx = dinp + m * C;
      float r = rstd[m];
      __m256 acc = _mm256_setzero_ps();
      int c = 0;
      for (; c + 8 <= C; c += 8)
        acc = _mm256_fmadd_ps(_mm256_mul_ps(_mm256_loadu_ps(g + c), _mm256_loadu_ps(weight + c)), _mm256_loadu_ps(x + c), acc);
      float dot = hsum(acc);
      for (; c < C; c++) dot += g[c] * weight[c] * x[c];
      float k = r * r * r * dot / C;
      __m256 vr = _mm256_set1_ps(r), vk = _mm256_set1_ps(k);
      c = 0;
      for (; c + 8 <= C; c += 8) {
        __m256 xv = _mm256_loadu_ps(x + c), gv = _mm256_loadu_ps(g + c);
        __m256 d = _mm256_fmsub_ps(_mm256_mul_ps(vr, _mm256_loadu_ps(weight + c)), gv, _mm256_mul_ps(vk, xv));
        _mm256_storeu_ps(dx + c, _mm256_add_ps(_mm256_loadu_ps(dx + c), d));
        _mm256_storeu_ps(dw + c, _mm256_fmadd_ps(_mm256_mul_ps(gv, xv), vr, _mm256_loadu_ps(dw + c)));
      }
      for (; c < C; c++) {
        dx[c] += r * weight[c] * g[c] - k * x[c];
        dw[c] += g[c] * x[c] * r;
      }
    }
  };
  if (tasks == 1) body(0);
  else parallel_for(tasks, body);
  for (int t = 1; t < tasks; t++) {
    const float* p = part + static_cast<long>(t - 1) * C;
    for (int c = 0; c < C; c++) dweight[c] += p[c];
  }
}

void rope(float* x, const float* cos, const float* sin, const int32_t* pos, int M, int H, int D, bool inverse) {
  int h = D / 2;
  long W = static_cast<long>(H) * D;
  __m256 sign = _mm256_set1_ps(inverse ? -1.0f : 1.0f);
  float sg = inverse ? -1.0f : 1.0f;
  ranges(M, static_cast<long>(M) * W, [&](long lo, long hi) {
    for (long m = lo; m < hi; m++) {
      const float* cr = cos + static_cast<long>(pos[m]) * h;
      const float* sr = sin + static_cast<long>(pos[m]) * h;
      for (int hd = 0; hd < H; hd++) {
        float* a = x + m * W + static_cast<long>(hd) * D;
        float* b = a + h;
        int i = 0;
        for (; i + 8 <= h; i += 8) {
          __m256 c = _mm256_loadu_ps(cr + i), s = _mm256_mul_ps(_mm256_loadu_ps(sr + i), sign);
          __m256 av = _mm256_loadu_ps(a + i), bv = _mm256_loadu_ps(b + i);
          _mm256_storeu_ps(a + i, _mm256_fnmadd_ps(bv, s, _mm256_mul_ps(av, c)));
          _mm256_storeu_ps(b + i, _mm256_fmadd_ps(av, s, _mm256_mul_ps(bv, c)));
        }
        for (; i < h; i++) {
          float c = cr[i], s = sr[i] * sg, av = a[i], bv = b[i];
          a[i] = av * c - bv * s;
          b[i] = bv * c + av * s;
        }
      }
    }
  }, 1);
}

void swiglu(float* out, const float* gate, const float* up, long n) {
  ranges(n, n, [&](long lo, long hi) {
    long i = lo;
    for (; i + 8 <= hi; i += 8) {
      __m256 g = _mm256_loadu_ps(gate + i);
      _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_mul_ps(g, sigmoid256(g)), _mm256_loadu_ps(up + i)));
    }
    for (; i < hi; i++) out[i] = gate[i] * sigmoid1(gate[i]) * up[i];
  });
}

void swiglu_backward(float* dgate, float* dup, const float* dout, const float* gate, const float* up, long n) {
  ranges(n, n, [&](long lo, long hi) {
    __m256 one = _mm256_set1_ps(1.0f);
    long i = lo;
    for (; i + 8 <= hi; i += 8) {
      __m256 g = _mm256_loadu_ps(gate + i), u = _mm256_loadu_ps(up + i), d = _mm256_loadu_ps(dout + i);
      __m256 s = sigmoid256(g);
      __m256 silu = _mm256_mul_ps(g, s);
      // d silu/dg = s·(1 + g·(1 − s))
      __m256 ds = _mm256_mul_ps(s, _mm256_fmadd_ps(g, _mm256_sub_ps(one, s), one));
      _mm256_storeu_ps(dgate + i, _mm256_fmadd_ps(_mm256_mul_ps(d, u), ds, _mm256_loadu_ps(dgate + i)));
      _mm256_storeu_ps(dup + i, _mm256_fmadd_ps(d, silu, _mm256_loadu_ps(dup + i)));
    }
    for (; i < hi; i++) {
      float g = gate[i], s = sigmoid1(g);
      dgate[i] += dout[i] * up[i] * s * (1.0f + g * (1.0f - s));
      dup[i] += dout[i] * g * s;
    }
  });
}

namespace {
// max, Σ exp(x − max) and Σ exp(x − max)·(x − max) of one row.
inline void row_stats(const float* x, int V, float* mx_out, float* sum_out, float* wsum_out) {
  __m256 vm = _mm256_set1_ps(-INFINITY);
  int i = 0;
  for (; i + 8 <= V; i += 8) vm = _mm256_max_ps(vm, _mm256_loadu_ps(x + i));
  float mx = hmax(vm);
  for (; i < V; i++) mx = std::max(mx, x[i]);
  __m256 vmx = _mm256_set1_ps(mx), vs = _mm256_setzero_ps(), vw = _mm256_setzero_ps();
  i = 0;
  for (; i + 8 <= V; i += 8) {
    __m256 z = _mm256_sub_ps(_mm256_loadu_ps(x + i), vmx);
    __m256 e = exp256(z);
    vs = _mm256_add_ps(vs, e);
    vw = _mm256_fmadd_ps(e, z, vw);
  }
  float s = hsum(vs), w = hsum(vw);
  for (; i < V; i++) {
    float z = x[i] - mx, e = exp1(z);
    s += e;
    w += e * z;
  }
  *mx_out = mx;
  *sum_out = s;
  *wsum_out = w;
}
}  // namespace

void token_logprobs(float* logp, float* entropy, const float* logits, const int32_t* targets, int M, int V) {
  ranges(M, static_cast<long>(M) * V, [&](long lo, long hi) {
    for (long m = lo; m < hi; m++) {
      int t = targets[m];
      if (t < 0) {
        logp[m] = 0.0f;
        if (entropy) entropy[m] = 0.0f;
        continue;
      }
      const float* x = logits + m * V;
      float mx, s, w;
      row_stats(x, V, &mx, &s, &w);
      float lse = std::log(s);
      logp[m] = x[t] - mx - lse;
      if (entropy) entropy[m] = lse - w / s;
    }
  }, 1);
}

void token_logprobs_backward(float* dlogits, const float* dlogp, const float* logits, const int32_t* targets, int M,
                             int V) {
  ranges(M, static_cast<long>(M) * V, [&](long lo, long hi) {
    for (long m = lo; m < hi; m++) {
      int t = targets[m];
      float g = dlogp[m];
      float* d = dlogits + m * V;
      if (t < 0 || g == 0.0f) {
        std::memset(d, 0, sizeof(float) * V);
        continue;
      }
      const float* x = logits + m * V;
      float mx, s, w;
      row_stats(x, V, &mx, &s, &w);
      float k = -g / s;
      __m256 vk = _mm256_set1_ps(k), vmx = _mm256_set1_ps(mx);
      int i = 0;
      for (; i + 8 <= V; i += 8) _mm256_storeu_ps(d + i, _mm256_mul_ps(vk, exp256(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmx))));
      for (; i < V; i++) d[i] = k * exp1(x[i] - mx);
      d[t] += g;
    }
  }, 1);
}

void adamw(float* p, const float* g, float* m, float* v, long n, float lr, float b1, float b2, float eps, float wd,
           int step) {
  double bc1 = 1.0 - std::pow(static_cast<double>(b1), step), bc2 = 1.0 - std::pow(static_cast<double>(b2), step);
  float decay = static_cast<float>(1.0 - static_cast<double>(lr) * wd);
  float a1 = static_cast<float>(lr / bc1), ibc2 = static_cast<float>(1.0 / bc2);
  ranges(n, n * 4, [&](long lo, long hi) {
    __m256 vb1 = _mm256_set1_ps(b1), vb2 = _mm256_set1_ps(b2), vc1 = _mm256_set1_ps(1.0f - b1),
           vc2 = _mm256_set1_ps(1.0f - b2), vdec = _mm256_set1_ps(decay), va1 = _mm256_set1_ps(a1),
           vib = _mm256_set1_ps(ibc2), veps = _mm256_set1_ps(eps);
    long i = lo;
    for (; i + 8 <= hi; i += 8) {
      __m256 gv = _mm256_loadu_ps(g + i);
      __m256 mi = _mm256_fmadd_ps(vb1, _mm256_loadu_ps(m + i), _mm256_mul_ps(vc1, gv));
      __m256 vi = _mm256_fmadd_ps(vb2, _mm256_loadu_ps(v + i), _mm256_mul_ps(vc2, _mm256_mul_ps(gv, gv)));
      _mm256_storeu_ps(m + i, mi);
      _mm256_storeu_ps(v + i, vi);
      __m256 den = _mm256_add_ps(_mm256_sqrt_ps(_mm256_mul_ps(vi, vib)), veps);
      __m256 pv = _mm256_mul_ps(_mm256_loadu_ps(p + i), vdec);
      _mm256_storeu_ps(p + i, _mm256_sub_ps(pv, _mm256_div_ps(_mm256_mul_ps(va1, mi), den)));
    }
    for (; i < hi; i++) {
      float gi = g[i];
      float mi = b1 * m[i] + (1.0f - b1) * gi;
      float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = p[i] * decay - a1 * mi / (std::sqrt(vi * ibc2) + eps);
    }
  });
}

}  // namespace sp
