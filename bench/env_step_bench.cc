// Raw step cost of every registered env: ns per Env::Step (resets included when episodes end),
// per env-step through a VecEnv of 8 copies on --threads threads (default 1), and with --pair 1
// the step cost of each of two copies stepped at once on two plain threads. --rollout T adds the
// same 8 copies on the same threads joined once every T steps instead of after every step (each
// thread owns its copies for T steps, as a rollout without a per-step barrier would).
//
//   build/env_step_bench [--steps N] [--filter SUBSTRING] [--threads N] [--pair 0|1]
//                        [--rollout T]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "core/thread_pool.h"
#include "envs/check_env.h"
#include "envs/registry.h"
#include "envs/vec_env.h"

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

// Pre-drawn random actions, so the timing covers the env alone.
std::vector<Vec> DrawActions(const Space& space, int n) {
  Rng rng(1, RngStream::kCli, 0);
  std::vector<Vec> actions;
  for (int i = 0; i < n; ++i) actions.push_back(SampleAction(space, rng));
  return actions;
}

double NsPerStep(Env& env, const std::vector<Vec>& actions, long steps) {
  StepResult r;
  env.ResizeFor(r);
  Vec obs(env.Spec().observation.Dim());
  env.Reset(obs);
  const size_t n = actions.size();
  const auto start = Clock::now();
  for (long i = 0; i < steps; ++i) {
    env.Step(actions[i % n], r);
    if (r.terminated || r.truncated) env.Reset(obs);
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / steps;
}

double NsPerVecStep(const std::string& id, const std::vector<Vec>& actions, long steps,
                    int threads) {
  EnvConfig config;
  config.id = id;
  config.num_envs = 8;
  config.threads = threads;
  auto vec = MakeVecEnv(config, 0);
  Mat obs;
  vec->Reset(obs);
  VecStep out;
  vec->ResizeFor(out);
  Mat batch(actions[0].size(), 8);
  for (int k = 0; k < 8; ++k) batch.col(k) = actions[k % actions.size()];
  const long iters = steps / 8;
  const auto start = Clock::now();
  for (long i = 0; i < iters; ++i) vec->Step(batch, out);
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() / (iters * 8);
}

// ns per env-step of 8 copies on `threads` threads that join once every `rollout` steps.
double NsPerRolloutStep(const EnvEntry& entry, const std::vector<Vec>& actions, long steps,
                        int threads, int rollout) {
  constexpr int kCopies = 8;
  std::vector<std::unique_ptr<Env>> envs;
  std::vector<StepResult> results(kCopies);
  Vec obs(entry.make(ConfigNode{}, "env.options")->Spec().observation.Dim());
  for (int k = 0; k < kCopies; ++k) {
    envs.push_back(entry.make(ConfigNode{}, "env.options"));
    envs[k]->SetRng(Rng(0, RngStream::kEnv, k));
    envs[k]->ResizeFor(results[k]);
    envs[k]->Reset(obs);
  }
  ThreadPool pool(threads);
  const long joins = steps / (kCopies * rollout);
  const auto start = Clock::now();
  for (long j = 0; j < joins; ++j) {
    pool.ParallelFor(kCopies, [&](int begin, int end) {
      Vec o(obs.size());
      for (int t = 0; t < rollout; ++t) {
        for (int k = begin; k < end; ++k) {
          envs[k]->Step(actions[k % actions.size()], results[k]);
          if (results[k].terminated || results[k].truncated) envs[k]->Reset(o);
        }
      }
    });
  }
  return std::chrono::duration<double, std::nano>(Clock::now() - start).count() /
         (joins * kCopies * rollout);
}

// ns per step of each of two copies stepped at once on two plain threads (no VecEnv, no pool):
// the env's own scaling across cores.
std::pair<double, double> NsPerStepPair(const EnvEntry& entry, long steps) {
  std::unique_ptr<Env> envs[2];
  for (int k = 0; k < 2; ++k) {
    envs[k] = entry.make(ConfigNode{}, "env.options");
    envs[k]->SetRng(Rng(k, RngStream::kEnv, 0));
  }
  const auto actions = DrawActions(envs[0]->Spec().action, 4096);
  double ns[2];
  std::thread other([&] { ns[1] = NsPerStep(*envs[1], actions, steps); });
  ns[0] = NsPerStep(*envs[0], actions, steps);
  other.join();
  return {ns[0], ns[1]};
}

}  // namespace
}  // namespace rl

int main(int argc, char** argv) {
  long steps = 2000000;
  std::string filter;
  int threads = 1;
  bool pair = false;
  int rollout = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--steps")) steps = std::stol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--filter")) filter = argv[i + 1];
    if (!std::strcmp(argv[i], "--threads")) threads = std::stoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--pair")) pair = std::stoi(argv[i + 1]) != 0;
    if (!std::strcmp(argv[i], "--rollout")) rollout = std::stoi(argv[i + 1]);
  }
  std::printf("%-28s %14s %14s%s%s\n", "env", "ns/step", "ns/step(vec8)",
              rollout ? " ns/step(vec8, joined every T)" : "",
              pair ? "   pair: ns/step of each of 2 threads" : "");
  for (const rl::EnvEntry& e : rl::EnvRegistry()) {
    if (!filter.empty() && e.id.find(filter) == std::string::npos) continue;
    auto env = e.make(rl::ConfigNode{}, "env.options");
    env->SetRng(rl::Rng(0, rl::RngStream::kEnv, 0));
    const auto actions = rl::DrawActions(env->Spec().action, 4096);
    // best of three repeats: the least disturbed by the other core's load
    double best = 1e30, best_vec = 1e30;
    for (int rep = 0; rep < 3; ++rep) {
      best = std::min(best, rl::NsPerStep(*env, actions, steps));
      best_vec = std::min(best_vec, rl::NsPerVecStep(e.id, actions, steps, threads));
    }
    std::printf("%-28s %14.1f %14.1f", e.id.c_str(), best, best_vec);
    if (rollout) {
      double best_rollout = 1e30;
      for (int rep = 0; rep < 3; ++rep) {
        best_rollout =
            std::min(best_rollout, rl::NsPerRolloutStep(e, actions, steps, threads, rollout));
      }
      std::printf(" %30.1f", best_rollout);
    }
    if (pair) {
      const auto [a, b] = rl::NsPerStepPair(e, steps);
      std::printf(" %10.1f %10.1f", a, b);
    }
    std::printf("\n");
  }
  return 0;
}
