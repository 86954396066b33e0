// A fixed pool of worker threads that runs one parallel-for at a time, with static chunking so the
// same index always lands on the same worker, or dynamic scheduling for long uneven jobs. Idle
// workers and the waiting caller spin for a few tens of microseconds before they block, so
// back-to-back jobs (an env step every ~100 µs, a minibatch every ~50 µs) do not pay a futex
// wake-up each.
#ifndef REWARDLAB_CORE_THREAD_POOL_H_
#define REWARDLAB_CORE_THREAD_POOL_H_

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rl {

// Runs fn(begin, end) over contiguous chunks of [0, n) on `threads` threads (the caller included).
class ThreadPool {
 public:
  // A pool of `threads` threads in total (1 = run inline, no workers).
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Number of threads, the caller included.
  int Size() const { return static_cast<int>(workers_.size()) + 1; }
  // Calls fn(begin, end) for each chunk and returns when all are done; rethrows the first
  // exception a chunk threw.
  void ParallelFor(int n, const std::function<void(int, int)>& fn);
  // Calls fn(i, i + 1) for every i in [0, n), each index taken by whichever thread is free next
  // (a faster core takes more), and returns when all are done; rethrows the first exception.
  void ParallelForDynamic(int n, const std::function<void(int, int)>& fn);

 private:
  void Run(int n, const std::function<void(int, int)>& fn, bool dynamic);
  void WorkerLoop(int worker);
  void RunChunk(int chunk);
  void RunRange(int begin, int end);

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int, int)>* fn_ = nullptr;
  int n_ = 0;
  bool dynamic_ = false;
  std::atomic<int> next_{0};         // the next index to take in a dynamic job
  std::atomic<int> pending_{0};      // workers still running the current job
  std::atomic<long> generation_{0};  // bumped once per job
  std::atomic<bool> stop_{false};
  std::exception_ptr error_;
};

}  // namespace rl

#endif  // REWARDLAB_CORE_THREAD_POOL_H_
