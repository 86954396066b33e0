#include "core/thread_pool.h"

#include <chrono>

namespace rl {
namespace {

// Spins until done() or about kSpin has passed; true if done() became true.
template <class Done>
bool SpinUntil(Done done) {
  constexpr auto kSpin = std::chrono::microseconds(50);
  const auto deadline = std::chrono::steady_clock::now() + kSpin;
  while (true) {
    for (int i = 0; i < 64; ++i) {
      if (done()) return true;
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
    if (std::chrono::steady_clock::now() > deadline) return false;
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int w = 1; w < threads; ++w) workers_.emplace_back([this, w] { WorkerLoop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::RunRange(int begin, int end) {
  try {
    (*fn_)(begin, end);
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!error_) error_ = std::current_exception();
  }
}

void ThreadPool::RunChunk(int chunk) {
  // dynamic: take indices until none is left
  if (dynamic_) {
    for (int i = next_.fetch_add(1); i < n_; i = next_.fetch_add(1)) RunRange(i, i + 1);
    return;
  }
  const int size = Size();
  const int begin = static_cast<int>(static_cast<long>(n_) * chunk / size);
  const int end = static_cast<int>(static_cast<long>(n_) * (chunk + 1) / size);
  if (begin < end) RunRange(begin, end);
}

void ThreadPool::ParallelFor(int n, const std::function<void(int, int)>& fn) { Run(n, fn, false); }

void ThreadPool::ParallelForDynamic(int n, const std::function<void(int, int)>& fn) {
  Run(n, fn, true);
}

void ThreadPool::Run(int n, const std::function<void(int, int)>& fn, bool dynamic) {
  if (workers_.empty() || n <= 1) {
    // no workers: everything here, in order
    if (!dynamic && n > 0) fn(0, n);
    for (int i = 0; dynamic && i < n; ++i) fn(i, i + 1);
    return;
  }
  // publish the job, run chunk 0 here, wait for the workers' chunks
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn_ = &fn;
    n_ = n;
    dynamic_ = dynamic;
    next_.store(0);
    error_ = nullptr;
    pending_.store(static_cast<int>(workers_.size()));
    generation_.fetch_add(1);
  }
  start_cv_.notify_all();
  RunChunk(0);
  if (!SpinUntil([this] { return pending_.load() == 0; })) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return pending_.load() == 0; });
  }
  std::lock_guard<std::mutex> lock(mu_);
  fn_ = nullptr;
  if (error_) std::rethrow_exception(error_);
}

void ThreadPool::WorkerLoop(int worker) {
  long seen = 0;
  while (true) {
    const auto ready = [&] { return stop_.load() || generation_.load() != seen; };
    if (!SpinUntil(ready)) {
      std::unique_lock<std::mutex> lock(mu_);
      start_cv_.wait(lock, ready);
    }
    if (stop_) return;
    seen = generation_.load();
    RunChunk(worker);
    if (pending_.fetch_sub(1) == 1) {
      // taking the lock orders this notify after a waiter's predicate check
      std::lock_guard<std::mutex> lock(mu_);
      done_cv_.notify_one();
    }
  }
}

}  // namespace rl
