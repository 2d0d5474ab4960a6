// Declarations of the native kernels (one C++ function per kernel of src/engine/kernels/types.ts,
// same argument order and semantics; sizes are already validated by the Node-API layer in addon.cc).
#pragma once
#include <cstdint>

namespace sp {

// ---- gemm.cc
/** C[M,N] (+)= A·B with A(i,p) = a[i*rsa + p*csa], B(p,j) = b[p*rsb + j*csb], C row stride ldc. */
void gemm(int M, int N, int K, const float* a, long rsa, long csa, const float* b, long rsb, long csb,
          float* c, long ldc, bool accumulate);
void matmul(float* out, const float* inp, const float* weight, int M, int K, int N, bool accumulate);
void matmul_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                     int M, int K, int N);

// ---- attention.cc
void attention(float* out, float* att, const float* q, const float* k, const float* v,
               int B, int T, int H, int KV, int D);
void attention_backward(float* dq, float* dk, float* dv, float* datt, const float* dout,
                        const float* q, const float* k, const float* v, const float* att,
                        int B, int T, int H, int KV, int D);
void attention_decode(float* out, float* scratch, const float* q, const float* kcache, const float* vcache,
                      const int32_t* lens, int B, int maxLen, int H, int KV, int D);

// ---- pointwise.cc
void rmsnorm(float* out, float* rstd, const float* inp, const float* weight, int M, int C, float eps);
void rmsnorm_backward(float* dinp, float* dweight, const float* dout, const float* inp, const float* weight,
                      const float* rstd, int M, int C);
void rope(float* x, const float* cos, const float* sin, const int32_t* pos, int M, int H, int D, bool inverse);
void swiglu(float* out, const float* gate, const float* up, long n);
void swiglu_backward(float* dgate, float* dup, const float* dout, const float* gate, const float* up, long n);
void token_logprobs(float* logp, float* entropy, const float* logits, const int32_t* targets, int M, int V);
void token_logprobs_backward(float* dlogits, const float* dlogp, const float* logits, const int32_t* targets,
                             int M, int V);
void adamw(float* p, const float* g, float* m, float* v, long n, float lr, float b1, float b2, float eps,
           float wd, int step);

}  // namespace sp
