// SAC: bit-for-bit determinism (serial and threaded envs, critics and actor shards, heap
// layouts, a shorter run as the prefix of a longer one), checkpoint round trips and refusal of
// Discrete action spaces (its replay buffer, a TransitionStore, is tested in
// tests/envs/transition_store_test.cc).
#include "agents/sac/sac.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

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

TEST_CASE("a SAC run stopped at N steps is the first N steps of a longer run", "[unit]") {
  // SAC has no schedule over total_steps, so an expert trained to 500k steps is the 500k
  // checkpoint of a 1M-step run (the GAIL study relies on it)
  const auto pendulum = [](int total_steps) {
    return LoadShippedConfig(
        "pendulum_sac.yaml",
        {"total_steps=" + std::to_string(total_steps), "env.num_envs=2", "agent.batch_size=64",
         "agent.train_freq=1", "eval.every_steps=600", "eval.episodes=2"});
  };
  Session shorter(pendulum(600)), longer(pendulum(1200));
  shorter.Run();
  longer.Run();
  const testing::Recorder& a = shorter.Events();
  const testing::Recorder& b = longer.Events();
  REQUIRE(a.evals.size() == 1);
  REQUIRE(b.evals.size() == 2);
  REQUIRE(b.updates.size() > a.updates.size());
  REQUIRE(a.episodes.size() == 2);
  REQUIRE(b.episodes.size() == 6);
  // the shorter run's final evaluation is the longer run's periodic one at step 600
  CHECK(a.evals[0].step == b.evals[0].step);
  CHECK(testing::SameBits(a.evals[0].returns, b.evals[0].returns));
  CHECK_FALSE(testing::SameBits(b.evals[0].returns, b.evals[1].returns));
  for (size_t i = 0; i < a.updates.size(); ++i) {
    INFO("update " << i);
    CHECK(a.updates[i].first == b.updates[i].first);
    CHECK(testing::SameBits(a.updates[i].second, b.updates[i].second));
  }
  for (size_t i = 0; i < a.episodes.size(); ++i) {
    INFO("episode " << i);
    CHECK(a.episodes[i] == b.episodes[i]);
  }
}

// Malloc's state shifted by `variant`: blocks of a few sizes held for the object's lifetime and
// others allocated and freed (left in malloc's caches), so that the buffers a run allocates next
// land at other addresses and distances from each other than in an untouched process.
class HeapShift {
 public:
  explicit HeapShift(int variant) {
    for (int k = 0; k <= variant; ++k) held_.emplace_back(new char[16 * variant + 8 * k + 1]);
    std::vector<std::unique_ptr<char[]>> freed;
    for (int k = 0; k < variant; ++k) freed.emplace_back(new char[96 + 16 * ((variant + k) % 12)]);
  }

 private:
  std::vector<std::unique_ptr<char[]>> held_;
};

TEST_CASE("SAC runs do not depend on where the heap puts their buffers", "[unit]") {
  // the compiler's vectorised and scalar versions of a loop must round alike: which one runs can
  // depend on how far apart malloc placed the buffers (the soft target once did)
  const ExperimentConfig config = LoadShippedConfig(
      "pendulum_sac.yaml",
      {"total_steps=160", "agent.batch_size=32", "eval.every_steps=0", "eval.episodes=1"});
  Session reference(config);
  reference.Run();
  REQUIRE(reference.Events().updates.size() == 31);
  for (int variant = 0; variant < 24; ++variant) {
    INFO("heap variant " << variant);
    const HeapShift shift(variant);
    Session shifted(config);
    shifted.Run();
    testing::CheckSameEvents(reference.Events(), shifted.Events());
  }
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

}  // namespace
}  // namespace rl
