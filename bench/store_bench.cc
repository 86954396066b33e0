// Memory and speed of the transition store at SAC's Hopper scale: fills a store of N transitions
// (default 1M) with Hopper-v4's widths (taken from the registered env) one VecEnv step of one slot
// at a time, and reports the store's bytes, the process's RSS growth, and the mean µs per Add and
// per Sample(256) in each tenth of the fill (flat when neither depends on the fill level).
//
//   build/store_bench [--capacity N] [--env ID] [--samples K]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "core/rng.h"
#include "envs/transition_store.h"
#include "envs/vec_env.h"

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point start, int64_t n) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / n;
}

// Resident set size of this process in KiB (/proc/self/status VmRSS).
int64_t RssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

int Main(int argc, char** argv) {
  int64_t capacity = 1000000;
  int samples = 2000;
  EnvConfig env_config;
  env_config.id = "Hopper-v4";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--capacity")) capacity = std::stoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--env")) env_config.id = argv[i + 1];
    if (!std::strcmp(argv[i], "--samples")) samples = std::stoi(argv[i + 1]);
  }
  const std::unique_ptr<VecEnv> env = MakeVecEnv(env_config, 0);
  const EnvSpec& spec = env->Spec();
  const int obs_dim = spec.observation.Dim(), act_dim = spec.action.Dim();
  const int terms = static_cast<int>(spec.reward_terms.size());

  const int64_t rss_before = RssKib();
  TransitionStore store(capacity, obs_dim, act_dim, terms);
  std::printf("%s: obs %d, act %d, %d reward terms; %lld transitions of %lld bytes = %.1f MiB\n",
              spec.id.c_str(), obs_dim, act_dim, terms, static_cast<long long>(capacity),
              static_cast<long long>(TransitionStore::BytesPerTransition(obs_dim, act_dim, terms)),
              store.Bytes() / 1048576.0);

  // one slot, random contents; an episode ends every 1000 steps (Hopper's time limit)
  Rng rng(1);
  Mat obs(obs_dim, 1), action(act_dim, 1);
  VecStep step;
  env->ResizeFor(step);
  const auto randomize = [&](Mat& m) {
    for (int64_t k = 0; k < m.size(); ++k) m.data()[k] = rng.Uniform(-1.0, 1.0);
  };
  TransitionBatch batch;
  std::printf("%10s %12s %16s\n", "filled", "us/Add", "us/Sample(256)");
  const int64_t chunk = std::max<int64_t>(capacity / 10, 1);
  for (int64_t filled = 0; filled < capacity;) {
    const int64_t n = std::min(chunk, capacity - filled);
    double add_us = 0.0;
    for (int64_t k = 0; k < n; ++k, ++filled) {
      randomize(obs);
      randomize(action);
      randomize(step.final_obs);
      randomize(step.terms);
      step.reward[0] = step.terms.sum();
      step.terminated[0] = 0;
      step.truncated[0] = (filled + 1) % 1000 == 0;
      const auto start = Clock::now();
      store.Add(obs, action, step);
      add_us += MicrosSince(start, 1);
    }
    const auto start = Clock::now();
    for (int s = 0; s < samples; ++s) store.Sample(256, rng, batch);
    std::printf("%10lld %12.3f %16.2f\n", static_cast<long long>(filled), add_us / n,
                MicrosSince(start, samples));
  }
  std::printf("RSS growth: %.1f MiB (store %.1f MiB)\n", (RssKib() - rss_before) / 1024.0,
              store.Bytes() / 1048576.0);
  return 0;
}

}  // namespace
}  // namespace rl

int main(int argc, char** argv) { return rl::Main(argc, argv); }
