// A persistent thread pool for the kernels: parallel_for(n, f) runs f(0..n-1) on the pool's
// workers and the calling thread, and returns when all are done. Tasks are claimed dynamically,
// so a worker that wakes late (a busy 2-core machine) simply gets fewer of them.
#pragma once
#include <cstdint>
#include <type_traits>

namespace sp {

/** Sets the number of threads kernels may use (1 = calling thread only). Clamped to [1, 64]. */
void set_threads(int n);
/** The number of threads kernels use (including the calling thread). */
int get_threads();

using TaskFn = void (*)(void* ctx, int task);
/** Runs fn(ctx, i) for i in [0, n); serial when the pool is busy (re-entrant or concurrent use). */
void parallel_run(int n, TaskFn fn, void* ctx);

/** Template front end: parallel_for(n, [&](int i) { ... }). No allocation. */
template <class F>
inline void parallel_for(int n, F&& f) {
  if (n <= 0) return;
  if (n == 1) { f(0); return; }
  parallel_run(n, [](void* c, int i) { (*static_cast<std::remove_reference_t<F>*>(c))(i); },
               const_cast<void*>(static_cast<const void*>(&f)));
}

}  // namespace sp
