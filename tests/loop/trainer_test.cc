// The trainer loop with a scripted agent: evaluation splits episodes over slots as SB3 does, and
// episode records agree with what the env reported.
#include "loop/trainer.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <memory>
#include <vector>

#include "envs/vec_env.h"
#include "rewards/reward_pipeline.h"
#include "tests/support/training.h"

namespace rl {
namespace {

// A deterministic action for one observation.
using Policy = std::function<void(const Eigen::Ref<const Vec>& obs, Eigen::Ref<Vec> action)>;

// CartPole: left or right from the fourth decimal of the cart position, so episodes vary.
void JitterPolicy(const Eigen::Ref<const Vec>& obs, Eigen::Ref<Vec> action) {
  action[0] = static_cast<double>(static_cast<int64_t>(std::floor(obs[0] * 1e4)) & 1);
}

// CartPole: push towards where the pole falls; balances well past a handful of steps.
void BalancePolicy(const Eigen::Ref<const Vec>& obs, Eigen::Ref<Vec> action) {
  action[0] = obs[2] + 0.5 * obs[3] > 0 ? 1.0 : 0.0;
}

// An agent that never learns: actions from a fixed policy; it tallies every episode itself from
// the raw vector steps it observes.
class ScriptedAgent : public Agent {
 public:
  struct Episode {
    int64_t step;
    double env_return;
    int64_t length;
    bool terminated;
    bool truncated;
  };

  ScriptedAgent(Policy policy, int act_dim, int num_envs)
      : policy_(std::move(policy)),
        act_dim_(act_dim),
        returns_(Vec::Zero(num_envs)),
        lengths_(num_envs, 0) {}

  void Act(const Mat& obs, ActMode mode, Mat& action) override {
    (mode == ActMode::kEval ? eval_acts_ : explore_acts_) += obs.cols();
    action.resize(act_dim_, obs.cols());
    for (int j = 0; j < obs.cols(); ++j) policy_(obs.col(j), action.col(j));
  }
  void Observe(const Mat& obs, const Mat& /*action*/, const VecStep& step) override {
    steps_ += obs.cols();
    returns_ += step.reward;
    for (int i = 0; i < obs.cols(); ++i) {
      ++lengths_[i];
      if (!step.terminated[i] && !step.truncated[i]) continue;
      CHECK(step.episode_length[i] == lengths_[i]);
      episodes.push_back(
          {steps_, returns_[i], lengths_[i], step.terminated[i] != 0, step.truncated[i] != 0});
      returns_[i] = 0.0;
      lengths_[i] = 0;
    }
  }
  bool ReadyToUpdate() const override { return false; }
  MetricValues Update(const RewardPipeline& /*reward*/) override { return {}; }
  std::vector<std::string> MetricNames() const override { return {}; }
  double Gamma() const override { return 0.99; }
  void Save(const h5::Group& /*g*/) const override {}
  void Load(const h5::Group& /*g*/) override {}

  std::vector<Episode> episodes;
  int64_t eval_acts_ = 0, explore_acts_ = 0;

 private:
  Policy policy_;
  int act_dim_;
  int64_t steps_ = 0;
  Vec returns_;
  std::vector<int64_t> lengths_;
};

// The returns evaluation `index` must report: slot i of `slots` runs (episodes + i) / slots
// episodes from its own stream, one env at a time.
std::vector<double> ReferenceEvalReturns(const EnvConfig& config, uint64_t seed, int index,
                                         int episodes, int slots, const Policy& policy) {
  std::vector<double> out;
  EnvConfig one = config;
  one.num_envs = 1;
  for (int i = 0; i < slots; ++i) {
    std::unique_ptr<VecEnv> vec = MakeVecEnv(one, seed, RngStream::kEvalEnv);
    Env& env = vec->At(0);
    env.SetRng(Rng(seed, RngStream::kEvalEnv, (static_cast<uint64_t>(index) << 20) + i));
    Vec obs(env.Spec().observation.Dim()), action(env.Spec().action.Dim());
    StepResult result;
    env.ResizeFor(result);
    for (int e = 0; e < (episodes + i) / slots; ++e) {
      env.Reset(obs);
      double ret = 0.0;
      do {
        policy(obs, action);
        env.Step(action, result);
        ret += result.reward;
        obs = result.obs;
      } while (!result.terminated && !result.truncated);
      out.push_back(ret);
    }
  }
  return out;
}

TEST_CASE("evaluation runs exactly eval_episodes - split over the slots as SB3 does", "[unit]") {
  struct Case {
    int episodes, slots, index;
  };
  for (const Case c : {Case{7, 3, 0}, Case{2, 3, 1}, Case{5, 1, 4}, Case{12, 4, 2}}) {
    INFO("episodes " << c.episodes << ", slots " << c.slots << ", index " << c.index);
    EnvConfig config;
    config.num_envs = c.slots;
    std::unique_ptr<VecEnv> train = MakeVecEnv(config, 11);
    std::unique_ptr<VecEnv> eval = MakeVecEnv(config, 11, RngStream::kEvalEnv);
    ScriptedAgent agent(JitterPolicy, 1, c.slots);
    RewardPipeline reward;
    Trainer trainer({1000, 0, c.episodes, 11}, *train, eval.get(), agent, reward);
    const EvalRecord record = trainer.Evaluate(500, c.index);
    CHECK(record.step == 500);
    REQUIRE(static_cast<int>(record.returns.size()) == c.episodes);

    std::vector<double> expected =
        ReferenceEvalReturns(config, 11, c.index, c.episodes, c.slots, JitterPolicy);
    std::vector<double> got = record.returns;
    std::sort(expected.begin(), expected.end());
    std::sort(got.begin(), got.end());
    CHECK(got == expected);
    // the episodes vary, so the split is visible in the returns
    CHECK(expected.front() != expected.back());

    double mean = 0.0, var = 0.0;
    for (double r : record.returns) mean += r / c.episodes;
    for (double r : record.returns) var += (r - mean) * (r - mean) / c.episodes;
    CHECK(record.mean == Approx(mean).epsilon(1e-12));
    CHECK(record.std == Approx(std::sqrt(var)).epsilon(1e-9));
    CHECK(agent.explore_acts_ == 0);
  }
}

// Runs a scripted agent for `total` steps and checks every EpisodeRecord against the agent's own
// tally of the raw steps.
std::vector<ScriptedAgent::Episode> RunAndCompare(const EnvConfig& config, int64_t total,
                                                  const Policy& policy) {
  std::unique_ptr<VecEnv> env = MakeVecEnv(config, 3);
  ScriptedAgent agent(policy, env->Spec().action.Dim(), config.num_envs);
  RewardPipeline reward;
  Trainer trainer({total, 0, 1, 3}, *env, nullptr, agent, reward);
  testing::Recorder recorder;
  trainer.AddHook(&recorder);
  trainer.Run();
  CHECK(trainer.GlobalStep() == total);
  CHECK(recorder.evals.empty());
  CHECK(recorder.updates.empty());
  REQUIRE(recorder.episodes.size() == agent.episodes.size());
  for (size_t k = 0; k < agent.episodes.size(); ++k) {
    INFO("episode " << k);
    const testing::EpisodeRow& got = recorder.episodes[k];
    const ScriptedAgent::Episode& want = agent.episodes[k];
    CHECK(got.step == want.step);
    CHECK(got.env_return == want.env_return);
    CHECK(got.length == want.length);
    CHECK(got.terminated == want.terminated);
    CHECK(got.terminated != want.truncated);
    // the env's terms add up to the reward; the default pipeline's one module, "env", optimises
    // the env reward
    const int num_terms = static_cast<int>(env->Spec().reward_terms.size());
    REQUIRE(got.term_sums.size() == static_cast<size_t>(num_terms + 1));
    double env_terms = 0.0;
    for (int i = 0; i < num_terms; ++i) env_terms += got.term_sums[i];
    CHECK(env_terms == Approx(want.env_return).epsilon(1e-9));
    CHECK(got.term_sums.back() == Approx(want.env_return).epsilon(1e-5));
    CHECK(got.optimized_return == Approx(want.env_return).epsilon(1e-5));
  }
  return agent.episodes;
}

TEST_CASE("episode records match the env's returns - lengths and end flags", "[unit]") {
  SECTION("Pendulum-v1 cut at 50 steps: every episode truncated") {
    EnvConfig config;
    config.id = "Pendulum-v1";
    config.num_envs = 3;
    config.max_episode_steps = 50;
    const auto episodes = RunAndCompare(config, 600, [](const auto& obs, auto action) {
      action[0] = std::clamp(-2.0 * obs[1] - 0.5 * obs[2], -2.0, 2.0);
    });
    REQUIRE(episodes.size() == 12);
    for (const auto& e : episodes) {
      CHECK(e.length == 50);
      CHECK(e.truncated);
      CHECK_FALSE(e.terminated);
      CHECK(e.env_return < 0.0);
    }
  }
  SECTION("CartPole-v1 cut at 5 steps with a balancing policy: every episode truncated") {
    EnvConfig config;
    config.num_envs = 2;
    config.max_episode_steps = 5;
    const auto episodes = RunAndCompare(config, 100, BalancePolicy);
    REQUIRE(episodes.size() == 20);
    for (const auto& e : episodes) {
      CHECK(e.length == 5);
      CHECK(e.env_return == 5.0);
      CHECK(e.truncated);
    }
  }
  SECTION("CartPole-v1 always pushing right: every episode terminated early") {
    EnvConfig config;
    config.num_envs = 2;
    const auto episodes =
        RunAndCompare(config, 200, [](const auto&, auto action) { action[0] = 1.0; });
    REQUIRE(episodes.size() >= 10);
    for (const auto& e : episodes) {
      CHECK(e.terminated);
      CHECK(e.length < 30);
      CHECK(e.env_return == static_cast<double>(e.length));
    }
  }
}

}  // namespace
}  // namespace rl
