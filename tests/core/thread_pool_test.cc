// ThreadPool: static chunks land on fixed threads; dynamic jobs hand each index to a free thread.
#include "core/thread_pool.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace rl {
namespace {

// Which thread ran each index of one job.
std::vector<std::thread::id> Owners(ThreadPool& pool, int n, bool dynamic, int slow_index = -1) {
  std::vector<std::thread::id> owner(n);
  std::vector<int> visits(n, 0);
  bool single = true;  // every call of a dynamic job got one index (checked on this thread)
  std::mutex mu;
  const auto fn = [&](int begin, int end) {
    for (int i = begin; i < end; ++i) {
      if (i == slow_index) std::this_thread::sleep_for(std::chrono::milliseconds(200));
      std::lock_guard<std::mutex> lock(mu);
      owner[i] = std::this_thread::get_id();
      ++visits[i];
      single = single && end == begin + 1;
    }
  };
  if (dynamic) {
    pool.ParallelForDynamic(n, fn);
  } else {
    pool.ParallelFor(n, fn);
  }
  for (int v : visits) REQUIRE(v == 1);
  if (dynamic) REQUIRE(single);
  return owner;
}

TEST_CASE("static chunks always run on the same threads", "[unit]") {
  ThreadPool pool(2);
  const auto first = Owners(pool, 10, false);
  for (int rep = 0; rep < 20; ++rep) CHECK(Owners(pool, 10, false) == first);
  CHECK(first[0] == std::this_thread::get_id());
  CHECK(first[9] != std::this_thread::get_id());
}

TEST_CASE("a dynamic job runs every index once and a free thread takes the rest", "[unit]") {
  ThreadPool pool(2);
  for (int rep = 0; rep < 20; ++rep) Owners(pool, 7, true);
  // index 0 sleeps: the thread that took it runs nothing else
  const auto owner = Owners(pool, 8, true, 0);
  for (int i = 1; i < 8; ++i) CHECK(owner[i] != owner[0]);
  // one thread, or one index: everything on the caller
  ThreadPool alone(1);
  for (std::thread::id id : Owners(alone, 5, true)) CHECK(id == std::this_thread::get_id());
  CHECK(Owners(pool, 1, true)[0] == std::this_thread::get_id());
}

TEST_CASE("a job's first exception reaches the caller", "[unit]") {
  ThreadPool pool(2);
  const auto fail = [](int begin, int) {
    if (begin == 3) throw std::runtime_error("index 3");
  };
  CHECK_THROWS_WITH(pool.ParallelForDynamic(6, fail), "index 3");
  CHECK_THROWS_WITH(pool.ParallelFor(6,
                                     [](int, int end) {
                                       if (end == 6) throw std::runtime_error("last chunk");
                                     }),
                    "last chunk");
  // the pool still works afterwards
  Owners(pool, 6, true);
}

}  // namespace
}  // namespace rl
