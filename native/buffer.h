// A grow-only, 64-byte aligned scratch buffer; kernels keep one per thread (thread_local) so that
// steady-state calls never allocate.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <new>

namespace sp {

struct Scratch {
  float* p = nullptr;
  size_t n = 0;
  /** At least `need` floats (contents unspecified). */
  float* get(size_t need) {
    if (need > n) {
      std::free(p);
      size_t bytes = ((need * sizeof(float)) + 63) / 64 * 64;
      p = static_cast<float*>(std::aligned_alloc(64, bytes));
      if (!p) throw std::bad_alloc();
      n = need;
    }
    return p;
  }
  ~Scratch() { std::free(p); }
};

}  // namespace sp
