// The persistent thread pool behind parallel_for (see threadpool.h).
//
// One job at a time. A job is published by bumping `gen_`; workers spin briefly, then sleep
// on the atomic (futex). Tasks are claimed with a CAS on a 64-bit word that holds the job's
// generation and the next task index, so a worker that wakes after its job ended can never
// claim a task of the next one. The caller waits until every task of its job has finished.
#include "threadpool.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>
#include <immintrin.h>

namespace sp {
namespace {

class Pool {
 public:
  ~Pool() { resize(1); }

  int threads() const { return nthreads_; }

  void resize(int n) {
    if (n < 1) n = 1;
    if (n > 64) n = 64;
    std::lock_guard<std::mutex> lock(busy_);
    if (!workers_.empty()) {
      stop_.store(true);
      gen_.fetch_add(1, std::memory_order_release);
      gen_.notify_all();
      for (auto& t : workers_) t.join();
      workers_.clear();
      stop_.store(false);
    }
    nthreads_ = n;
    uint32_t g0 = gen_.load();
    for (int i = 1; i < n; i++) workers_.emplace_back([this, g0] { loop(g0); });
  }

  void run(int n, TaskFn fn, void* ctx) {
    std::unique_lock<std::mutex> lock(busy_, std::try_to_lock);
    if (!lock.owns_lock() || workers_.empty()) {
      for (int i = 0; i < n; i++) fn(ctx, i);
      return;
    }
    uint32_t g = gen_.load(std::memory_order_relaxed) + 1;
    fn_.store(fn, std::memory_order_relaxed);
    ctx_.store(ctx, std::memory_order_relaxed);
    ntasks_.store(n, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    state_.store(static_cast<uint64_t>(g) << 32, std::memory_order_release);
    gen_.store(g, std::memory_order_release);
    gen_.notify_all();
    work(g);
    int spins = 0;
    while (done_.load(std::memory_order_acquire) < n) {
      if (++spins < 4096) _mm_pause();
      else std::this_thread::yield();
    }
  }

 private:
  // Claims and runs tasks of job g until none are left.
  void work(uint32_t g) {
    TaskFn fn = fn_.load(std::memory_order_relaxed);
    void* ctx = ctx_.load(std::memory_order_relaxed);
    int n = ntasks_.load(std::memory_order_relaxed);
    uint64_t cur = state_.load(std::memory_order_acquire);
    for (;;) {
      if (static_cast<uint32_t>(cur >> 32) != g) return;
      int i = static_cast<int>(cur & 0xffffffffu);
      if (i >= n) return;
      if (state_.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel)) {
        fn(ctx, i);
        done_.fetch_add(1, std::memory_order_acq_rel);
        cur = state_.load(std::memory_order_acquire);
      }
    }
  }

  void loop(uint32_t seen) {
    for (;;) {
      // Spin for a short while (jobs come back to back inside a step), then sleep.
      auto t0 = std::chrono::steady_clock::now();
      uint32_t g;
      for (int k = 0;; k++) {
        g = gen_.load(std::memory_order_acquire);
        if (g != seen) break;
        if ((k & 255) == 255 && std::chrono::steady_clock::now() - t0 > std::chrono::microseconds(200)) {
          gen_.wait(seen, std::memory_order_acquire);
        } else {
          _mm_pause();
        }
      }
      seen = g;
      if (stop_.load()) return;
      // The job descriptor is read after the generation; `work` re-checks the generation in the CAS.
      work(g);
    }
  }

  std::mutex busy_;
  std::vector<std::thread> workers_;
  int nthreads_ = 1;
  std::atomic<bool> stop_{false};
  std::atomic<uint32_t> gen_{0};
  std::atomic<uint64_t> state_{0};
  std::atomic<int> done_{0};
  std::atomic<TaskFn> fn_{nullptr};
  std::atomic<void*> ctx_{nullptr};
  std::atomic<int> ntasks_{0};
};

Pool& pool() {
  static Pool* p = [] {
    auto* q = new Pool();  // never destroyed: workers must not be joined during static teardown
    unsigned hc = std::thread::hardware_concurrency();
    q->resize(hc == 0 ? 1 : static_cast<int>(hc));
    return q;
  }();
  return *p;
}

}  // namespace

void set_threads(int n) { pool().resize(n); }
int get_threads() { return pool().threads(); }
void parallel_run(int n, TaskFn fn, void* ctx) { pool().run(n, fn, ctx); }

}  // namespace sp
