// PPO: bit-for-bit determinism (serial and threaded envs), checkpoint round trips, and actions
// that respect a Box's bounds.
#include "agents/ppo/ppo.h"

#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <vector>

#include "loop/trainer.h"
#include "tests/support/agent_checks.h"
#include "tests/support/training.h"

namespace rl {
namespace {

using testing::LoadShippedConfig;
using testing::Session;

// A short CartPole PPO run: 4 envs of 32 steps per rollout, evaluations every 1024 steps.
ExperimentConfig SmallCartPole(int threads, uint64_t seed = 0,
                               std::vector<std::string> extra = {}) {
  std::vector<std::string> sets = {
      "total_steps=4096",      "env.num_envs=4",  "env.threads=" + std::to_string(threads),
      "eval.every_steps=1024", "eval.episodes=4", "seed=" + std::to_string(seed)};
  sets.insert(sets.end(), extra.begin(), extra.end());
  return LoadShippedConfig("cartpole_ppo.yaml", sets);
}

TEST_CASE("PPO runs are identical for the same seed - with serial or threaded envs", "[unit]") {
  Session serial(SmallCartPole(1)), again(SmallCartPole(1)), threaded(SmallCartPole(2));
  serial.Run();
  again.Run();
  threaded.Run();
  const testing::Recorder& ref = serial.Events();
  REQUIRE(ref.episodes.size() > 20);
  REQUIRE(ref.evals.size() == 4);
  REQUIRE(ref.updates.size() == 32);
  SECTION("same seed, serial") { testing::CheckSameEvents(ref, again.Events()); }
  SECTION("threaded equals serial") { testing::CheckSameEvents(ref, threaded.Events()); }
  SECTION("another seed differs") {
    Session other(SmallCartPole(1, 1));
    other.Run();
    CHECK_FALSE(testing::SameBits(ref.updates.back().second, other.Events().updates.back().second));
  }
}

TEST_CASE("PPO agent threads do not change the run", "[unit]") {
  // the actor's and the critic's halves on separate threads, of the plain minibatch gradient or
  // of each of 3 column shards
  const std::string shards = GENERATE("agent.grad_shards=1", "agent.grad_shards=3");
  INFO(shards);
  Session one(SmallCartPole(1, 0, {shards, "agent.threads=1"}));
  Session two(SmallCartPole(2, 0, {shards, "agent.threads=2"}));
  one.Run();
  two.Run();
  REQUIRE(one.Events().updates.size() == 32);
  testing::CheckSameEvents(one.Events(), two.Events());
}

TEST_CASE("PPO sharded rollouts: env threads do not change the run", "[unit]") {
  // 3 shards over 4 slots (1, 1 and 2 slots), stepped on one or two threads
  Session one(SmallCartPole(1, 0, {"agent.rollout_shards=3"}));
  Session two(SmallCartPole(2, 0, {"agent.rollout_shards=3"}));
  Session lockstep(SmallCartPole(1));
  one.Run();
  two.Run();
  lockstep.Run();
  const testing::Recorder& ref = one.Events();
  REQUIRE(ref.episodes.size() > 20);
  REQUIRE(ref.evals.size() == 4);
  REQUIRE(ref.updates.size() == 32);
  testing::CheckSameEvents(ref, two.Events());
  // each shard explores with its own generator, so the run is not the lockstep one
  CHECK_FALSE(
      testing::SameBits(ref.updates.back().second, lockstep.Events().updates.back().second));
}

TEST_CASE("PPO with one rollout shard collects the lockstep rollout", "[unit]") {
  // the shard explores with the agent's own generator; CartPole's config normalises nothing
  Session lockstep(SmallCartPole(1));
  Session sharded(SmallCartPole(2, 0, {"agent.rollout_shards=1"}));
  lockstep.Run();
  sharded.Run();
  REQUIRE(lockstep.Events().updates.size() == 32);
  testing::CheckSameEvents(lockstep.Events(), sharded.Events());
}

TEST_CASE("PPO rejects more rollout shards than env slots", "[unit]") {
  CHECK_THROWS_WITH(Session(SmallCartPole(1, 0, {"agent.rollout_shards=5"})),
                    Catch::Matchers::Contains("agent.rollout_shards") &&
                        Catch::Matchers::Contains("env.num_envs = 4"));
}

TEST_CASE("PPO gradient shards add up to the whole minibatch gradient", "[unit]") {
  for (const bool discrete : {false, true}) {
    INFO("discrete " << discrete);
    Rng rng(5, RngStream::kAgent, 0);
    const int obs_dim = 5, act_dim = 3, m = 64;
    const nn::Mlp actor({obs_dim, 16, discrete ? 4 : act_dim}, nn::Activation::kTanh, 1.0f, rng);
    const nn::Mlp critic({obs_dim, 16, 1}, nn::Activation::kTanh, 1.0f, rng);
    const Eigen::VectorXf log_std = Eigen::VectorXf::Constant(act_dim, -0.3f);
    PpoMinibatch mb;
    mb.obs = testing::ProbeObs(obs_dim, m, 1.0, 3).cast<float>();
    mb.actions = testing::ProbeObs(act_dim, m, 1.0, 4).cast<float>();
    if (discrete) {
      mb.actions.resize(1, m);
      for (int k = 0; k < m; ++k) mb.actions(0, k) = static_cast<float>(k % 4);
    }
    mb.logp = testing::ProbeObs(m, 1, 1.0, 5).cast<float>().col(0).array() - 2.0f;
    mb.adv = testing::ProbeObs(m, 1, 1.0, 6).cast<float>().col(0);
    mb.ret = testing::ProbeObs(m, 1, 1.0, 7).cast<float>().col(0);
    mb.old_value = testing::ProbeObs(m, 1, 0.1, 8).cast<float>().col(0);
    const PpoLossOptions options{0.2f, 0.01f, 0.5f, true, discrete};

    PpoShard whole, first, second;
    PpoShardLoss(actor, critic, log_std, mb, 0, m, options, whole);
    PpoShardLoss(actor, critic, log_std, mb, 0, 40, options, first);
    PpoShardLoss(actor, critic, log_std, mb, 40, m, options, second);
    const auto close = [](const Eigen::VectorXf& a, const Eigen::VectorXf& b) {
      return (a - b).norm() <= 1e-5f * (1.0f + a.norm());
    };
    CHECK(whole.actor_grad.norm() > 0);
    CHECK(whole.critic_grad.norm() > 0);
    CHECK(close(whole.actor_grad, first.actor_grad + second.actor_grad));
    CHECK(close(whole.critic_grad, first.critic_grad + second.critic_grad));
    if (!discrete) CHECK(close(whole.log_std_grad, first.log_std_grad + second.log_std_grad));
    CHECK(whole.value_loss == Approx(first.value_loss + second.value_loss));
    CHECK(whole.policy_loss == Approx(first.policy_loss + second.policy_loss));
    CHECK(whole.entropy == Approx(first.entropy + second.entropy));
  }
}

// Trains `config`, saves and reloads the agent, then checks the copy acts and learns identically.
void CheckCheckpointRoundTrip(const ExperimentConfig& config, double probe_scale) {
  Session run(config);
  run.Run();
  const EnvSpec spec = run.Env().Spec();
  std::unique_ptr<Agent> loaded = testing::SaveAndReload(config, spec, run.GetAgent());

  const Mat probe = testing::ProbeObs(spec.observation.Dim(), 64, probe_scale, 99);
  Mat trained_actions, loaded_actions, untrained_actions;
  run.GetAgent().Act(probe, ActMode::kEval, trained_actions);
  loaded->Act(probe, ActMode::kEval, loaded_actions);
  CHECK(testing::SameBits(trained_actions, loaded_actions));
  // an agent that was not loaded acts otherwise, so the comparison above means something
  auto untrained =
      FindAgent("ppo").make(config.agent, spec, config.env.num_envs, config.seed + 1000);
  untrained->Act(probe, ActMode::kEval, untrained_actions);
  CHECK_FALSE(testing::SameBits(trained_actions, untrained_actions));

  // the saved run stopped inside a rollout; both finish it and learn the same
  testing::TrainInLockstep(config, run.GetAgent(), *loaded, 3);
}

TEST_CASE("PPO checkpoint round trip: same eval actions and identical continued updates",
          "[unit]") {
  SECTION("CartPole-v1, Discrete") {
    // 3000 steps of 4 envs end 14 steps into a 32-step rollout
    CheckCheckpointRoundTrip(
        LoadShippedConfig("cartpole_ppo.yaml", {"total_steps=3000", "env.num_envs=4",
                                                "eval.every_steps=0", "eval.episodes=1"}),
        1.0);
  }
  SECTION("Pendulum-v1, Box, normalised observations and rewards") {
    CheckCheckpointRoundTrip(
        LoadExperimentConfig(
            "", {"env.id=Pendulum-v1", "env.num_envs=2", "total_steps=3000", "agent.type=ppo",
                 "agent.num_steps=128", "agent.normalize_obs=true", "agent.normalize_reward=true",
                 "eval.every_steps=0", "eval.episodes=1"}),
        1.0);
  }
}

// Passes every call on to a real agent and records the extremes of the actions it returns.
class ActionWatcher : public Agent {
 public:
  explicit ActionWatcher(Agent& inner, int act_dim)
      : inner_(inner),
        min_(Vec::Constant(act_dim, std::numeric_limits<double>::infinity())),
        max_(Vec::Constant(act_dim, -std::numeric_limits<double>::infinity())) {}

  void Act(const Mat& obs, ActMode mode, Mat& action) override {
    inner_.Act(obs, mode, action);
    min_ = min_.cwiseMin(action.rowwise().minCoeff());
    max_ = max_.cwiseMax(action.rowwise().maxCoeff());
    finite_ = finite_ && action.allFinite();
  }
  void Observe(const Mat& obs, const Mat& action, const VecStep& step) override {
    inner_.Observe(obs, action, step);
  }
  bool ReadyToUpdate() const override { return inner_.ReadyToUpdate(); }
  MetricValues Update(const RewardPipeline& reward) override { return inner_.Update(reward); }
  std::vector<std::string> MetricNames() const override { return inner_.MetricNames(); }
  double Gamma() const override { return inner_.Gamma(); }
  void SetProgress(double fraction) override { inner_.SetProgress(fraction); }
  void Save(const h5::Group& g) const override { inner_.Save(g); }
  void Load(const h5::Group& g) override { inner_.Load(g); }

  const Vec& Min() const { return min_; }
  const Vec& Max() const { return max_; }
  bool Finite() const { return finite_; }

 private:
  Agent& inner_;
  Vec min_, max_;
  bool finite_ = true;
};

TEST_CASE("PPO sends the env only actions within the Box bounds - before and after learning",
          "[unit]") {
  // a wide initial std makes most Gaussian draws fall outside [-1, 1]
  const ExperimentConfig config = LoadExperimentConfig(
      "", {"env.id=MountainCarContinuous-v0", "env.num_envs=2", "total_steps=4096",
           "agent.type=ppo", "agent.num_steps=256", "agent.log_std_init=1.5", "agent.lr=3e-3",
           "eval.every_steps=2048", "eval.episodes=2"});
  std::unique_ptr<VecEnv> env = MakeVecEnv(config.env, config.seed);
  std::unique_ptr<VecEnv> eval_env = MakeVecEnv(config.env, config.seed, RngStream::kEvalEnv);
  const EnvSpec& spec = env->Spec();
  REQUIRE(spec.action.low[0] == -1.0);
  REQUIRE(spec.action.high[0] == 1.0);
  std::unique_ptr<Agent> ppo = FindAgent("ppo").make(config.agent, spec, 2, config.seed);
  ActionWatcher watcher(*ppo, 1);
  RewardPipeline reward;
  Trainer trainer({config.total_steps, config.eval.every_steps, config.eval.episodes, config.seed},
                  *env, eval_env.get(), watcher, reward);
  testing::Recorder recorder;
  trainer.AddHook(&recorder);
  trainer.Run();
  REQUIRE(recorder.updates.size() == 8);
  CHECK(watcher.Finite());
  // clipping happened (draws beyond the bounds exist), and nothing beyond the bounds got through
  CHECK(watcher.Min()[0] == -1.0);
  CHECK(watcher.Max()[0] == 1.0);

  // after learning: exploration and evaluation actions on far-out observations stay in bounds
  const Mat probe = testing::ProbeObs(2, 256, 50.0, 5);
  Mat eval_actions;
  ppo->Act(probe, ActMode::kEval, eval_actions);
  CHECK(eval_actions.minCoeff() >= -1.0);
  CHECK(eval_actions.maxCoeff() <= 1.0);
  Mat explore_actions;
  for (int i = 0; i < 8; ++i) {
    ppo->Act(probe.middleCols(2 * i, 2), ActMode::kExplore, explore_actions);
    CHECK(explore_actions.minCoeff() >= -1.0);
    CHECK(explore_actions.maxCoeff() <= 1.0);
  }
}

}  // namespace
}  // namespace rl
