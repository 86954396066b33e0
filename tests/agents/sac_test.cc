// SAC: bit-for-bit determinism (serial and threaded envs, critics and actor shards), checkpoint
// round trips, refusal of Discrete action spaces, and the replay buffer's storage of raw
// transitions.
#include "agents/sac/sac.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "agents/buffers/replay_buffer.h"
#include "core/error.h"
#include "tests/support/agent_checks.h"
#include "tests/support/training.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using testing::LoadShippedConfig;
using testing::Session;

// A short Pendulum SAC run: 4 envs, 1200 steps, learning from step 100, evaluations every 600;
// `threads` steps the envs and runs the twin critics.
ExperimentConfig SmallPendulum(int threads, uint64_t seed = 0) {
  return LoadShippedConfig(
      "pendulum_sac.yaml",
      {"total_steps=1200", "env.num_envs=4", "env.threads=" + std::to_string(threads),
       "agent.threads=" + std::to_string(threads), "agent.batch_size=64", "agent.train_freq=1",
       "eval.every_steps=600", "eval.episodes=2", "seed=" + std::to_string(seed)});
}

TEST_CASE("SAC runs are identical for the same seed - with serial or threaded envs and critics",
          "[unit]") {
  Session serial(SmallPendulum(1)), again(SmallPendulum(1)), threaded(SmallPendulum(2));
  serial.Run();
  again.Run();
  threaded.Run();
  const testing::Recorder& ref = serial.Events();
  REQUIRE(ref.episodes.size() == 4);
  REQUIRE(ref.evals.size() == 2);
  // an update per vector step from step 100 on: (1200 - 100) / 4 + 1
  REQUIRE(ref.updates.size() == 276);
  SECTION("same seed, serial") { testing::CheckSameEvents(ref, again.Events()); }
  SECTION("threaded equals serial") { testing::CheckSameEvents(ref, threaded.Events()); }
  SECTION("another seed differs") {
    Session other(SmallPendulum(1, 1));
    other.Run();
    CHECK_FALSE(testing::SameBits(ref.updates.back().second, other.Events().updates.back().second));
  }
}

TEST_CASE("SAC with 256-wide networks (OpenBLAS products) is the same on one and two threads",
          "[unit]") {
  // Hopper's shipped SAC: batch 256, 256-256 critics; 40 gradient steps after 60 random steps
  const auto hopper = [](int threads) {
    return LoadShippedConfig("hopper_sac.yaml",
                             {"total_steps=100", "agent.learning_starts=60", "eval.every_steps=0",
                              "eval.episodes=1", "agent.threads=" + std::to_string(threads)});
  };
  Session serial(hopper(1)), threaded(hopper(2));
  serial.Run();
  threaded.Run();
  REQUIRE(serial.Events().updates.size() == 41);
  testing::CheckSameEvents(serial.Events(), threaded.Events());
}

// Trains `config`, saves and reloads the agent, then checks the copy acts and learns identically.
void CheckCheckpointRoundTrip(const ExperimentConfig& config) {
  Session run(config);
  run.Run();
  const EnvSpec spec = run.Env().Spec();
  std::unique_ptr<Agent> loaded = testing::SaveAndReload(config, spec, run.GetAgent());

  const Mat probe = testing::ProbeObs(spec.observation.Dim(), 64, 1.0, 99);
  Mat trained_actions, loaded_actions, untrained_actions;
  run.GetAgent().Act(probe, ActMode::kEval, trained_actions);
  loaded->Act(probe, ActMode::kEval, loaded_actions);
  CHECK(testing::SameBits(trained_actions, loaded_actions));
  auto untrained =
      FindAgent("sac").make(config.agent, spec, config.env.num_envs, config.seed + 1000);
  untrained->Act(probe, ActMode::kEval, untrained_actions);
  CHECK_FALSE(testing::SameBits(trained_actions, untrained_actions));

  // exploration draws, replay sampling, critics, actor and temperature continue identically
  testing::TrainInLockstep(config, run.GetAgent(), *loaded, 20);
}

TEST_CASE("SAC checkpoint round trip: same eval actions and identical continued updates",
          "[unit]") {
  SECTION("replay buffer partly filled") {
    CheckCheckpointRoundTrip(LoadShippedConfig(
        "pendulum_sac.yaml",
        {"total_steps=600", "agent.batch_size=64", "eval.every_steps=0", "eval.episodes=1"}));
  }
  SECTION("replay buffer wrapped around, two envs") {
    CheckCheckpointRoundTrip(LoadShippedConfig(
        "pendulum_sac.yaml", {"total_steps=600", "env.num_envs=2", "agent.buffer_size=250",
                              "agent.batch_size=64", "eval.every_steps=0", "eval.episodes=1"}));
  }
}

TEST_CASE("SAC refuses a Discrete action space with a UserError naming it", "[unit]") {
  const ExperimentConfig pendulum =
      LoadExperimentConfig("", {"env.id=Pendulum-v1", "agent.type=sac"});
  std::unique_ptr<VecEnv> cartpole = MakeVecEnv(EnvConfig{}, 0);
  REQUIRE(cartpole->Spec().id == "CartPole-v1");
  CHECK_THROWS_AS(FindAgent("sac").make(pendulum.agent, cartpole->Spec(), 1, 0), UserError);
  CHECK_THROWS_WITH(FindAgent("sac").make(pendulum.agent, cartpole->Spec(), 1, 0),
                    Contains("Discrete(2)") && Contains("CartPole-v1") && Contains("sac"));
  // the same through the config: rejected while resolving
  CHECK_THROWS_WITH(LoadExperimentConfig("", {"agent.type=sac"}), Contains("Discrete(2)"));
}

// A hand-made vector step of 3 slots: slot 0 terminates, slot 1 is truncated, slot 2 goes on;
// where an episode ended, obs already belongs to the next episode and final_obs is the true s'.
VecStep HandStep(double base) {
  VecStep step;
  step.obs = Mat::Constant(2, 3, -100.0);
  step.final_obs.resize(2, 3);
  step.final_obs << base + 1, base + 2, base + 3, base + 4, base + 5, base + 6;
  step.obs.col(2) = step.final_obs.col(2);
  step.reward = Vec::LinSpaced(3, base, base + 2);
  step.terms = step.reward.transpose();
  step.terminated = {1, 0, 0};
  step.truncated = {0, 1, 0};
  step.episode_length = {7, 9, 0};
  return step;
}

TEST_CASE("replay buffer keeps terminated and truncated apart and stores the true s'", "[unit]") {
  ReplayBuffer buffer(4, 2, 1, 1);
  Mat obs(2, 3), action(1, 3);
  obs << 0.5, 1.5, 2.5, -0.5, -1.5, -2.5;
  action << 0.25, -0.75, 1.0;
  const VecStep step = HandStep(10.0);
  buffer.Add(obs, action, step);
  REQUIRE(buffer.Size() == 3);
  CHECK(buffer.Terminated()[0] == 1);
  CHECK(buffer.Truncated()[0] == 0);
  CHECK(buffer.Terminated()[1] == 0);
  CHECK(buffer.Truncated()[1] == 1);
  CHECK(buffer.Terminated()[2] == 0);
  CHECK(buffer.Truncated()[2] == 0);
  for (int i = 0; i < 3; ++i) {
    INFO("slot " << i);
    CHECK(buffer.NextObs().col(i) == step.final_obs.col(i).cast<float>());
    CHECK(buffer.Obs().col(i) == obs.col(i).cast<float>());
    CHECK(buffer.Actions()(0, i) == static_cast<float>(action(0, i)));
    CHECK(buffer.Rewards()[i] == static_cast<float>(step.reward[i]));
  }

  // every sample is one stored transition, whole, with only `terminated` stopping a bootstrap
  Rng rng(3);
  ReplaySample sample;
  buffer.Sample(64, rng, sample);
  int seen[3] = {0, 0, 0};
  for (int b = 0; b < 64; ++b) {
    const int i = static_cast<int>(sample.env_reward[b] - 10.0f);
    REQUIRE(i >= 0);
    REQUIRE(i < 3);
    ++seen[i];
    CHECK(sample.next_obs.col(b) == step.final_obs.col(i).cast<float>());
    CHECK(sample.obs.col(b) == obs.col(i).cast<float>());
    CHECK(sample.action(0, b) == static_cast<float>(action(0, i)));
    CHECK(sample.terminated[b] == (i == 0 ? 1 : 0));
    CHECK(sample.truncated[b] == (i == 1 ? 1 : 0));
    CHECK(sample.terms(0, b) == static_cast<float>(step.terms(0, i)));
  }
  CHECK(seen[0] > 0);
  CHECK(seen[1] > 0);
  CHECK(seen[2] > 0);

  // a second step wraps around the ring: the oldest two transitions are overwritten
  buffer.Add(obs, action, HandStep(20.0));
  CHECK(buffer.Size() == 4);
  CHECK(buffer.Cursor() == 2);
  CHECK(buffer.Rewards()[3] == 20.0f);
  CHECK(buffer.Rewards()[0] == 21.0f);
  CHECK(buffer.Truncated()[0] == 1);
  CHECK(buffer.Rewards()[2] == 12.0f);
}

}  // namespace
}  // namespace rl
