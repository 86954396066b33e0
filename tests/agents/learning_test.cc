// Short seeded learning runs of the shipped configs through the C++ API, with loose thresholds:
// they catch an agent that stopped learning, not small regressions.
//
// Measured on this code (final eval mean, 10 deterministic episodes):
//   PPO CartPole-v1, 30k steps, seeds 0-9: 351 500 349 500 230 303 209 269 466 209 (random ~22)
//   SAC Pendulum-v1, 6k steps (train_freq 2), seeds 0-2: -170 -289 -283 (random ~-1200)
#include <catch2/catch.hpp>
#include <string>

#include "core/rng.h"
#include "envs/vec_env.h"
#include "tests/support/training.h"

namespace rl {
namespace {

using testing::LoadShippedConfig;
using testing::Session;

TEST_CASE("PPO learns CartPole-v1 in 30k steps with the shipped config", "[learning]") {
  for (int seed = 0; seed < 3; ++seed) {
    Session run(LoadShippedConfig("cartpole_ppo.yaml",
                                  {"total_steps=30000", "seed=" + std::to_string(seed)}));
    run.Run();
    const auto& evals = run.Events().evals;
    INFO("seed " << seed << ": first eval " << evals.front().mean << ", last "
                 << run.LastEval().mean);
    REQUIRE(evals.size() == 3);
    CHECK(run.LastEval().returns.size() == 10);
    CHECK(run.LastEval().mean >= 150.0);
  }
}

// The mean return of uniform random actions over `episodes` episodes.
double RandomPolicyReturn(const EnvConfig& config, int episodes) {
  std::unique_ptr<VecEnv> env = MakeVecEnv(config, 123);
  Rng rng(7);
  Mat obs, action(1, config.num_envs);
  VecStep step;
  env->ResizeFor(step);
  env->Reset(obs);
  const Space& box = env->Spec().action;
  double total = 0.0;
  int done = 0;
  while (done < episodes) {
    for (int i = 0; i < config.num_envs; ++i) action(0, i) = rng.Uniform(box.low[0], box.high[0]);
    env->Step(action, step);
    total += step.reward.sum();
    for (int len : step.episode_length) done += len > 0;
  }
  return total / done;
}

TEST_CASE("SAC beats a random policy on Pendulum-v1 within 6k steps", "[learning]") {
  const ExperimentConfig config = LoadShippedConfig(
      "pendulum_sac.yaml", {"total_steps=6000", "eval.every_steps=0", "eval.episodes=10"});
  REQUIRE(config.agent.Find("learning_starts")->scalar == "100");
  const double random = RandomPolicyReturn(config.env, 10);
  INFO("random policy " << random);
  REQUIRE(random < -900.0);
  Session run(config);
  run.Run();
  INFO("SAC after 6k steps " << run.LastEval().mean);
  CHECK(run.LastEval().returns.size() == 10);
  CHECK(run.LastEval().mean > -600.0);
}

}  // namespace
}  // namespace rl
