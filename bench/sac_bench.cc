// SAC's update cost against the arithmetic: milliseconds per gradient step (critics, targets, the
// delayed actor, alpha) on a replay buffer of random transitions, the GEMM FLOPs each step does
// (counted by nn::Gemm), the GFLOP/s achieved, and the floor: those FLOPs at this core's measured
// GEMM peak (the best of nn::Gemm on 256^3 to 1024^3 products, the path BlasReport() names).
//
//   build/sac_bench [--shape pendulum|hopper|all] [--threads 1|2] [--seconds S] [--repeats R]
//                   [--stored N]   (transitions in the replay buffer, default 20000)
//                   [--peak G]     (the machine's GEMM peak in GFLOP/s, measured elsewhere: on a
//                                   slow path this process cannot measure the machine's peak)
//   build/sac_bench --gemm 1    (the products of these networks on Eigen and on OpenBLAS)
//
// pendulum: obs 3, action 1, 64-64 networks, batch 100, actor every step (the matched RLtools
// work); hopper: obs 11, action 3, 256-256 networks, batch 256, actor every 2 steps twice (the
// shipped MuJoCo SAC). One line per shape; each is the median of R timings of >= S seconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "agents/sac/sac.h"
#include "core/rng.h"
#include "nn/blas.h"
#include "nn/gemm.h"
#include "rewards/reward_pipeline.h"

namespace {

long g_mallocs = 0;  // malloc calls since start (all threads; read between timings)

}  // namespace

// counting malloc: glibc's allocator does the work, so free/realloc need no shims; AddressSanitizer
// owns malloc itself, so sanitised builds count nothing
#ifndef __SANITIZE_ADDRESS__
extern "C" void* __libc_malloc(size_t size);
extern "C" void* malloc(size_t size) {
  __atomic_add_fetch(&g_mallocs, 1, __ATOMIC_RELAXED);
  return __libc_malloc(size);
}
#endif

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// One SAC problem size.
struct Shape {
  const char* name;
  int obs, act, hidden, batch, policy_frequency;
};

constexpr Shape kShapes[] = {{"pendulum", 3, 1, 64, 100, 1}, {"hopper", 11, 3, 256, 256, 2}};

// The best GFLOP/s of nn::Gemm over square products from 256 to 1024 (one thread).
double MeasurePeak(double seconds) {
  double best = 0;
  Rng rng(7);
  for (const int n : {256, 512, 1024}) {
    Eigen::MatrixXf a(n, n), b(n, n), c(n, n);
    for (float& v : a.reshaped()) v = static_cast<float>(rng.Normal());
    for (float& v : b.reshaped()) v = static_cast<float>(rng.Normal());
    for (int r = 0; r < 3; ++r) {
      nn::Gemm(a, false, b, false, c);
      long calls = 0;
      const auto start = Clock::now();
      do {
        nn::Gemm(a, false, b, false, c);
        ++calls;
      } while (Seconds(start) < seconds / 3);
      best = std::max(best, 2.0 * n * n * n * calls / Seconds(start) / 1e9);
    }
  }
  return best;
}

// One product of the networks: (m x k) by (k x n), operands stored transposed when ta / tb.
struct Product {
  const char* what;
  int m, n, k;
  bool ta, tb;
};

constexpr Product kProducts[] = {
    {"pendulum forward 64x64 by 64x100", 64, 100, 64, false, false},
    {"pendulum weight grad 64x100 by 100x64", 64, 64, 100, false, true},
    {"pendulum input grad 64x64^T by 64x100", 64, 100, 64, true, false},
    {"pendulum input grad through a head 1x64^T by 1x100", 64, 100, 1, true, false},
    {"pendulum first layer 64x4 by 4x100", 64, 100, 4, false, false},
    {"pendulum actor head 2x64 by 64x100", 2, 100, 64, false, false},
    {"pendulum critic head 1x64 by 64x100", 1, 100, 64, false, false},
    {"one observation 64x64 by 64x1", 64, 1, 64, false, false},
    {"hopper forward 256x256 by 256x256", 256, 256, 256, false, false},
    {"hopper first layer 256x14 by 14x256", 256, 256, 14, false, false},
    {"hopper first-layer grad 256x256 by 256x14", 256, 14, 256, false, true},
    {"hopper critic head 1x256 by 256x256", 1, 256, 256, false, false},
    {"hopper input grad 256x256^T by 256x256", 256, 256, 256, true, false},
    {"hopper input grad through a head 1x256^T by 1x256", 256, 256, 1, true, false},
    {"ppo 64x64 by 64x64", 64, 64, 64, false, false}};

// Microseconds per product on Eigen, on OpenBLAS (when loaded) and through nn::Gemm (what the
// networks get), alternating 20 rounds.
void TimeProducts() {
  const bool openblas = nn::Blas().sgemm != nullptr;
  std::printf(
      "| product | Eigen us | OpenBLAS us | nn::Gemm us | GFLOP/s Eigen / OpenBLAS / nn::Gemm |\n"
      "|---|---:|---:|---:|---:|\n");
  for (const Product& p : kProducts) {
    const Eigen::MatrixXf a = Eigen::MatrixXf::Random(p.ta ? p.k : p.m, p.ta ? p.m : p.k);
    const Eigen::MatrixXf b = Eigen::MatrixXf::Random(p.tb ? p.n : p.k, p.tb ? p.k : p.n);
    Eigen::MatrixXf c(p.m, p.n);
    // 0: Eigen, 1: OpenBLAS, 2: nn::Gemm
    const auto product = [&](int path) {
      if (path == 2) {
        nn::Gemm(a, p.ta, b, p.tb, c);
      } else {
        nn::GemmOn(path ? nn::BlasPath::kOpenBlas : nn::BlasPath::kEigen, a, p.ta, b, p.tb, c);
      }
    };
    double us[3] = {0, 0, 0};
    constexpr int kCalls = 200, kRounds = 20;
    for (int round = 0; round < kRounds; ++round) {
      for (int path = 0; path < 3; ++path) {
        if (path == 1 && !openblas) continue;
        const auto start = Clock::now();
        for (int i = 0; i < kCalls; ++i) product(path);
        us[path] += 1e6 * Seconds(start) / (kCalls * kRounds);
      }
    }
    const double mflop = 2e-6 * p.m * p.n * p.k;
    std::printf("| %s | %.2f | %.2f | %.2f | %.0f / %.0f / %.0f |\n", p.what, us[0], us[1], us[2],
                1e3 * mflop / us[0], openblas ? 1e3 * mflop / us[1] : 0.0, 1e3 * mflop / us[2]);
  }
}

// What TimeShape measured.
struct Timing {
  double ms = 0;       // median milliseconds per gradient step
  double flops = 0;    // GEMM FLOPs per gradient step
  double mallocs = 0;  // heap allocations per gradient step
};

// Times gradient steps of `shape` on a buffer of `stored` random transitions.
Timing TimeShape(const Shape& shape, int threads, double seconds, int repeats, int64_t stored) {
  EnvSpec spec;
  spec.id = shape.name;
  spec.observation = Space::Box(shape.obs, -1e9, 1e9);
  spec.action = Space::Box(shape.act, -1, 1);
  spec.max_episode_steps = 1000;
  spec.reward_terms = {"reward"};
  SacConfig config;
  config.batch_size = shape.batch;
  config.policy_frequency = shape.policy_frequency;
  config.learning_starts = 0;
  config.buffer_size = stored;
  config.net.hidden = {shape.hidden, shape.hidden};
  config.threads = threads;
  Sac sac(config, spec, 1, 0);

  // a buffer of random transitions, a few of them terminal
  Rng rng(3);
  VecStep step;
  Mat obs(shape.obs, 1), action(shape.act, 1);
  step.obs.resize(shape.obs, 1);
  step.final_obs.resize(shape.obs, 1);
  step.reward.resize(1);
  step.terms.resize(1, 1);
  step.terminated = {0};
  step.truncated = {0};
  step.episode_length = {0};
  for (int64_t t = 0; t < stored; ++t) {
    for (double& v : obs.reshaped()) v = rng.Normal();
    for (double& v : action.reshaped()) v = rng.Uniform(-1, 1);
    for (double& v : step.final_obs.reshaped()) v = rng.Normal();
    step.obs = step.final_obs;
    step.reward[0] = step.terms(0, 0) = rng.Normal();
    step.terminated[0] = t % 200 == 199;
    sac.Observe(obs, action, step);
  }

  // whole policy_frequency cycles, so every timing holds the same share of actor steps
  const RewardPipeline reward;
  const int cycle = shape.policy_frequency;
  for (int i = 0; i < 20 * cycle; ++i) sac.Update(reward);
  Timing t;
  // the products' FLOPs of one cycle, counted outside the timings
  nn::CountGemmFlops(true);
  const int64_t flops_before = nn::GemmFlops();
  for (int i = 0; i < cycle; ++i) sac.Update(reward);
  t.flops = static_cast<double>(nn::GemmFlops() - flops_before) / cycle;
  nn::CountGemmFlops(false);

  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    long steps = 0;
    const long mallocs_before = __atomic_load_n(&g_mallocs, __ATOMIC_RELAXED);
    const auto start = Clock::now();
    do {
      for (int i = 0; i < cycle; ++i) sac.Update(reward);
      steps += cycle;
    } while (Seconds(start) < seconds);
    ms.push_back(1e3 * Seconds(start) / steps);
    t.mallocs =
        static_cast<double>(__atomic_load_n(&g_mallocs, __ATOMIC_RELAXED) - mallocs_before) / steps;
  }
  std::sort(ms.begin(), ms.end());
  t.ms = ms[ms.size() / 2];
  return t;
}

}  // namespace
}  // namespace rl

int main(int argc, char** argv) {
  std::string which = "all";
  int threads = 1, repeats = 5;
  bool gemm = false;
  double seconds = 1.0;
  int64_t stored = 20000;
  double given_peak = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--shape") == 0) which = argv[i + 1];
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--peak") == 0) given_peak = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--stored") == 0) stored = std::atoll(argv[i + 1]);
    if (std::strcmp(argv[i], "--gemm") == 0) gemm = std::atoi(argv[i + 1]) != 0;
  }
  std::printf("# %s\n", rl::nn::BlasReport().c_str());
  if (gemm) {
    rl::TimeProducts();
    return 0;
  }
  const double peak = given_peak > 0 ? given_peak : rl::MeasurePeak(seconds);
  if (given_peak > 0) {
    std::printf("# GEMM peak on one thread: %.1f GFLOP/s (given)\n", peak);
  } else {
    std::printf("# GEMM peak on one thread: %.1f GFLOP/s (best of nn::Gemm 256^3..1024^3)\n", peak);
  }
  std::printf("# replay buffer: %lld random transitions\n", static_cast<long long>(stored));
  std::printf(
      "| shape | threads | ms per gradient step | GEMM MFLOP per step | GFLOP/s | floor ms "
      "| time / floor | mallocs per step |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const rl::Shape& shape : rl::kShapes) {
    if (which != "all" && which != shape.name) continue;
    const rl::Timing t = rl::TimeShape(shape, threads, seconds, repeats, stored);
    const double floor_ms = t.flops / (peak * 1e9) * 1e3;
    std::printf("| %s | %d | %.3f | %.1f | %.1f | %.3f | %.2f | %.2f |\n", shape.name, threads,
                t.ms, t.flops / 1e6, t.flops / (t.ms * 1e6), floor_ms, t.ms / floor_ms, t.mallocs);
  }
  return 0;
}
