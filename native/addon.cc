// Node-API bindings of the native kernels (one JS function per kernel of src/engine/kernels/types.ts).
//
// This file is compiled WITHOUT AVX2 flags: it checks the CPU at load time and, on a CPU without
// AVX2 and FMA, exports only { supported: false } so that the engine falls back to its TypeScript
// kernels instead of crashing on an illegal instruction. Every call checks its arguments (types,
// sizes, index ranges) and throws a TypeError/RangeError that names the kernel and the argument;
// the Float32Array/Int32Array memory is used in place (zero copy).
#include <node_api.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "kernels.h"
#include "threadpool.h"

namespace {

constexpr size_t kMaxArgs = 16;

// Argument reader for one call; the first failure throws a JS error and sets `failed`.
struct Args {
  napi_env env;
  const char* kernel;
  napi_value argv[kMaxArgs];
  size_t argc = kMaxArgs;
  bool failed = false;

  Args(napi_env e, napi_callback_info info, const char* name, size_t expected) : env(e), kernel(name) {
    napi_get_cb_info(e, info, &argc, argv, nullptr, nullptr);
    if (argc < expected) fail("TypeError", "expects " + std::to_string(expected) + " arguments, got " + std::to_string(argc));
  }

  void fail(const char* kind, const std::string& msg) {
    if (failed) return;
    failed = true;
    std::string full = std::string("native kernel ") + kernel + ": " + msg;
    if (std::strcmp(kind, "RangeError") == 0) napi_throw_range_error(env, nullptr, full.c_str());
    else napi_throw_type_error(env, nullptr, full.c_str());
  }

  bool is_null(size_t i) {
    napi_valuetype t;
    napi_typeof(env, argv[i], &t);
    return t == napi_null || t == napi_undefined;
  }

  int integer(size_t i, const char* name, int min = 0) {
    if (failed) return 0;
    double d;
    if (napi_get_value_double(env, argv[i], &d) != napi_ok || d != static_cast<double>(static_cast<long long>(d))) {
      fail("TypeError", std::string(name) + " must be an integer");
      return 0;
    }
    if (d < min || d > 2147483647.0) {
      fail("RangeError", std::string(name) + " = " + std::to_string(static_cast<long long>(d)) + " is out of range (minimum " + std::to_string(min) + ")");
      return 0;
    }
    return static_cast<int>(d);
  }

  double number(size_t i, const char* name) {
    if (failed) return 0;
    double d;
    if (napi_get_value_double(env, argv[i], &d) != napi_ok) fail("TypeError", std::string(name) + " must be a number");
    return d;
  }

  bool boolean(size_t i, const char* name) {
    if (failed) return false;
    bool b;
    if (napi_get_value_bool(env, argv[i], &b) != napi_ok) fail("TypeError", std::string(name) + " must be a boolean");
    return b;
  }

  // A typed array of the given type holding at least `need` elements (or null when allowed).
  void* array(size_t i, const char* name, napi_typedarray_type want, double need, bool nullable) {
    if (failed) return nullptr;
    if (nullable && is_null(i)) return nullptr;
    bool is_ta = false;
    napi_is_typedarray(env, argv[i], &is_ta);
    const char* tname = want == napi_float32_array ? "Float32Array" : "Int32Array";
    if (!is_ta) {
      fail("TypeError", std::string(name) + " must be a " + tname + (nullable ? " or null" : ""));
      return nullptr;
    }
    napi_typedarray_type type;
    size_t length;
    void* data;
    napi_get_typedarray_info(env, argv[i], &type, &length, &data, nullptr, nullptr);
    if (type != want) {
      fail("TypeError", std::string(name) + " must be a " + tname);
      return nullptr;
    }
    if (static_cast<double>(length) < need) {
      fail("RangeError", std::string(name) + " has " + std::to_string(length) + " elements but the shape needs " +
                             std::to_string(static_cast<long long>(need)));
      return nullptr;
    }
    return data;
  }
  float* f32(size_t i, const char* name, double need, bool nullable = false) {
    return static_cast<float*>(array(i, name, napi_float32_array, need, nullable));
  }
  int32_t* i32(size_t i, const char* name, double need) {
    return static_cast<int32_t*>(array(i, name, napi_int32_array, need, false));
  }
};

napi_value undefined(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value Matmul(napi_env env, napi_callback_info info) {
  Args a(env, info, "matmul", 7);
  int M = a.integer(3, "M"), K = a.integer(4, "K"), N = a.integer(5, "N");
  bool acc = a.boolean(6, "accumulate");
  double m = M, k = K, n = N;
  float* out = a.f32(0, "out", m * n);
  float* inp = a.f32(1, "inp", m * k);
  float* w = a.f32(2, "weight", n * k);
  if (!a.failed) sp::matmul(out, inp, w, M, K, N, acc);
  return undefined(env);
}

napi_value MatmulBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "matmulBackward", 8);
  int M = a.integer(5, "M"), K = a.integer(6, "K"), N = a.integer(7, "N");
  double m = M, k = K, n = N;
  float* dinp = a.f32(0, "dInp", m * k, true);
  float* dw = a.f32(1, "dWeight", n * k, true);
  float* dout = a.f32(2, "dOut", m * n);
  float* inp = a.f32(3, "inp", m * k);
  float* w = a.f32(4, "weight", n * k);
  if (!a.failed) sp::matmul_backward(dinp, dw, dout, inp, w, M, K, N);
  return undefined(env);
}

napi_value Rmsnorm(napi_env env, napi_callback_info info) {
  Args a(env, info, "rmsnorm", 7);
  int M = a.integer(4, "M"), C = a.integer(5, "C", 1);
  double eps = a.number(6, "eps");
  float* out = a.f32(0, "out", 1.0 * M * C);
  float* rstd = a.f32(1, "rstd", M);
  float* inp = a.f32(2, "inp", 1.0 * M * C);
  float* w = a.f32(3, "weight", C);
  if (!a.failed) sp::rmsnorm(out, rstd, inp, w, M, C, static_cast<float>(eps));
  return undefined(env);
}

napi_value RmsnormBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "rmsnormBackward", 8);
  int M = a.integer(6, "M"), C = a.integer(7, "C", 1);
  double mc = 1.0 * M * C;
  float* dinp = a.f32(0, "dInp", mc);
  float* dw = a.f32(1, "dWeight", C);
  float* dout = a.f32(2, "dOut", mc);
  float* inp = a.f32(3, "inp", mc);
  float* w = a.f32(4, "weight", C);
  float* rstd = a.f32(5, "rstd", M);
  if (!a.failed) sp::rmsnorm_backward(dinp, dw, dout, inp, w, rstd, M, C);
  return undefined(env);
}

napi_value RopeImpl(napi_env env, napi_callback_info info, const char* name, bool inverse) {
  Args a(env, info, name, 7);
  int M = a.integer(4, "M"), H = a.integer(5, "nHeads"), D = a.integer(6, "headDim");
  if (!a.failed && D % 2 != 0) a.fail("RangeError", "headDim = " + std::to_string(D) + " must be even");
  float* x = a.f32(0, "x", 1.0 * M * H * D);
  int32_t* pos = a.i32(3, "positions", M);
  float* cs = a.f32(1, "cos", 0);
  float* sn = a.f32(2, "sin", 0);
  if (a.failed) return undefined(env);
  if (D > 0) {
    size_t lc, ls;
    napi_typedarray_type t;
    napi_get_typedarray_info(env, a.argv[1], &t, &lc, nullptr, nullptr, nullptr);
    napi_get_typedarray_info(env, a.argv[2], &t, &ls, nullptr, nullptr, nullptr);
    long maxPos = static_cast<long>(std::min(lc, ls) / static_cast<size_t>(D / 2));
    for (int m = 0; m < M; m++) {
      if (pos[m] < 0 || pos[m] >= maxPos) {
        a.fail("RangeError", "positions[" + std::to_string(m) + "] = " + std::to_string(pos[m]) +
                                 " is outside the cos/sin tables (" + std::to_string(maxPos) + " positions)");
        return undefined(env);
      }
    }
    sp::rope(x, cs, sn, pos, M, H, D, inverse);
  }
  return undefined(env);
}
napi_value Rope(napi_env env, napi_callback_info info) { return RopeImpl(env, info, "rope", false); }
napi_value RopeBackward(napi_env env, napi_callback_info info) { return RopeImpl(env, info, "ropeBackward", true); }

bool check_heads(Args& a, int H, int KV) {
  if (!a.failed && (KV < 1 || H % KV != 0))
    a.fail("RangeError", "H = " + std::to_string(H) + " must be a multiple of KV = " + std::to_string(KV));
  return !a.failed;
}

napi_value Attention(napi_env env, napi_callback_info info) {
  Args a(env, info, "attention", 10);
  int B = a.integer(5, "B"), T = a.integer(6, "T"), H = a.integer(7, "H", 1), KV = a.integer(8, "KV", 1),
      D = a.integer(9, "D", 1);
  check_heads(a, H, KV);
  double bt = 1.0 * B * T;
  float* out = a.f32(0, "out", bt * H * D);
  float* att = a.f32(1, "att", 1.0 * B * H * T * T);
  float* q = a.f32(2, "q", bt * H * D);
  float* k = a.f32(3, "k", bt * KV * D);
  float* v = a.f32(4, "v", bt * KV * D);
  if (!a.failed) sp::attention(out, att, q, k, v, B, T, H, KV, D);
  return undefined(env);
}

napi_value AttentionBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "attentionBackward", 14);
  int B = a.integer(9, "B"), T = a.integer(10, "T"), H = a.integer(11, "H", 1), KV = a.integer(12, "KV", 1),
      D = a.integer(13, "D", 1);
  check_heads(a, H, KV);
  double bt = 1.0 * B * T, att_n = 1.0 * B * H * T * T;
  float* dq = a.f32(0, "dq", bt * H * D);
  float* dk = a.f32(1, "dk", bt * KV * D);
  float* dv = a.f32(2, "dv", bt * KV * D);
  float* datt = a.f32(3, "dAtt", att_n);
  float* dout = a.f32(4, "dOut", bt * H * D);
  float* q = a.f32(5, "q", bt * H * D);
  float* k = a.f32(6, "k", bt * KV * D);
  float* v = a.f32(7, "v", bt * KV * D);
  float* att = a.f32(8, "att", att_n);
  if (!a.failed) sp::attention_backward(dq, dk, dv, datt, dout, q, k, v, att, B, T, H, KV, D);
  return undefined(env);
}

napi_value AttentionDecode(napi_env env, napi_callback_info info) {
  Args a(env, info, "attentionDecode", 11);
  int B = a.integer(6, "B"), L = a.integer(7, "maxLen"), H = a.integer(8, "H", 1), KV = a.integer(9, "KV", 1),
      D = a.integer(10, "D", 1);
  check_heads(a, H, KV);
  float* out = a.f32(0, "out", 1.0 * B * H * D);
  float* scratch = a.f32(1, "scratch", 1.0 * B * H * L);
  float* q = a.f32(2, "q", 1.0 * B * H * D);
  float* kc = a.f32(3, "kCache", 1.0 * B * L * KV * D);
  float* vc = a.f32(4, "vCache", 1.0 * B * L * KV * D);
  int32_t* lens = a.i32(5, "lens", B);
  if (a.failed) return undefined(env);
  for (int b = 0; b < B; b++) {
    if (lens[b] < 1 || lens[b] > L) {
      a.fail("RangeError", "lens[" + std::to_string(b) + "] = " + std::to_string(lens[b]) + " must be in 1.." + std::to_string(L));
      return undefined(env);
    }
  }
  sp::attention_decode(out, scratch, q, kc, vc, lens, B, L, H, KV, D);
  return undefined(env);
}

napi_value Swiglu(napi_env env, napi_callback_info info) {
  Args a(env, info, "swiglu", 5);
  int M = a.integer(3, "M"), F = a.integer(4, "F");
  double n = 1.0 * M * F;
  float* out = a.f32(0, "out", n);
  float* g = a.f32(1, "gate", n);
  float* u = a.f32(2, "up", n);
  if (!a.failed) sp::swiglu(out, g, u, static_cast<long>(M) * F);
  return undefined(env);
}

napi_value SwigluBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "swigluBackward", 7);
  int M = a.integer(5, "M"), F = a.integer(6, "F");
  double n = 1.0 * M * F;
  float* dg = a.f32(0, "dGate", n);
  float* du = a.f32(1, "dUp", n);
  float* dout = a.f32(2, "dOut", n);
  float* g = a.f32(3, "gate", n);
  float* u = a.f32(4, "up", n);
  if (!a.failed) sp::swiglu_backward(dg, du, dout, g, u, static_cast<long>(M) * F);
  return undefined(env);
}

bool check_targets(Args& a, const int32_t* t, int M, int V) {
  if (a.failed) return false;
  for (int m = 0; m < M; m++) {
    if (t[m] >= V) {
      a.fail("RangeError", "targets[" + std::to_string(m) + "] = " + std::to_string(t[m]) + " is not below V = " + std::to_string(V));
      return false;
    }
  }
  return true;
}

napi_value TokenLogprobs(napi_env env, napi_callback_info info) {
  Args a(env, info, "tokenLogprobs", 6);
  int M = a.integer(4, "M"), V = a.integer(5, "V", 1);
  float* logp = a.f32(0, "logp", M);
  float* ent = a.f32(1, "entropy", M, true);
  float* logits = a.f32(2, "logits", 1.0 * M * V);
  int32_t* t = a.i32(3, "targets", M);
  if (check_targets(a, t, M, V)) sp::token_logprobs(logp, ent, logits, t, M, V);
  return undefined(env);
}

napi_value TokenLogprobsBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, "tokenLogprobsBackward", 6);
  int M = a.integer(4, "M"), V = a.integer(5, "V", 1);
  float* dl = a.f32(0, "dLogits", 1.0 * M * V);
  float* dlogp = a.f32(1, "dLogp", M);
  float* logits = a.f32(2, "logits", 1.0 * M * V);
  int32_t* t = a.i32(3, "targets", M);
  if (check_targets(a, t, M, V)) sp::token_logprobs_backward(dl, dlogp, logits, t, M, V);
  return undefined(env);
}

napi_value Adamw(napi_env env, napi_callback_info info) {
  Args a(env, info, "adamw", 11);
  int n = a.integer(4, "n");
  double lr = a.number(5, "lr"), b1 = a.number(6, "beta1"), b2 = a.number(7, "beta2"), eps = a.number(8, "eps"),
         wd = a.number(9, "weightDecay");
  int step = a.integer(10, "step", 1);
  float* p = a.f32(0, "params", n);
  float* g = a.f32(1, "grads", n);
  float* m = a.f32(2, "m", n);
  float* v = a.f32(3, "v", n);
  if (!a.failed)
    sp::adamw(p, g, m, v, n, static_cast<float>(lr), static_cast<float>(b1), static_cast<float>(b2),
              static_cast<float>(eps), static_cast<float>(wd), step);
  return undefined(env);
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info, "setThreads", 1);
  int n = a.integer(0, "threads", 1);
  if (!a.failed) sp::set_threads(n);
  return undefined(env);
}

napi_value GetThreads(napi_env env, napi_callback_info) {
  napi_value r;
  napi_create_int32(env, sp::get_threads(), &r);
  return r;
}

void set_bool(napi_env env, napi_value obj, const char* key, bool value) {
  napi_value v;
  napi_get_boolean(env, value, &v);
  napi_set_named_property(env, obj, key, v);
}

napi_value Init(napi_env env, napi_value exports) {
  __builtin_cpu_init();
  bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  set_bool(env, exports, "supported", ok);
  if (!ok) return exports;
  struct Fn {
    const char* name;
    napi_callback cb;
  } fns[] = {
      {"matmul", Matmul},
      {"matmulBackward", MatmulBackward},
      {"rmsnorm", Rmsnorm},
      {"rmsnormBackward", RmsnormBackward},
      {"rope", Rope},
      {"ropeBackward", RopeBackward},
      {"attention", Attention},
      {"attentionBackward", AttentionBackward},
      {"attentionDecode", AttentionDecode},
      {"swiglu", Swiglu},
      {"swigluBackward", SwigluBackward},
      {"tokenLogprobs", TokenLogprobs},
      {"tokenLogprobsBackward", TokenLogprobsBackward},
      {"adamw", Adamw},
      {"setThreads", SetThreads},
      {"getThreads", GetThreads},
  };
  for (const Fn& f : fns) {
    napi_value fn;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.cb, nullptr, &fn);
    napi_set_named_property(env, exports, f.name, fn);
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
