// Absorbing states the DAC way (algorithms.md §4.5): GAIL's input bits and expert wrapping (true
// terminations only), input statistics never fed absorbing inputs, SAC bootstrapping terminal
// transitions into the absorbing state, and an agent without absorbing states refused.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "agents/registry.h"
#include "core/config_node.h"
#include "envs/registry.h"
#include "rewards/gail/gail.h"
#include "rewards/reward_pipeline.h"
#include "tests/support/cli.h"
#include "tests/support/demos.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using Eigen::MatrixXf;
using Eigen::VectorXf;

const EnvSpec& PendulumSpec() {
  static const EnvSpec spec = FindEnv("Pendulum-v1").make({}, "env.options")->Spec();
  return spec;
}

// Two expert episodes of 10 steps with obs t + 1 and action −t: the first terminated, the second
// truncated.
DemoDataset TwoEpisodes() {
  DemoDataset d;
  for (int k = 0; k < 2; ++k) {
    DemoEpisode e;
    e.obs.resize(3, 11);
    for (int t = 0; t <= 10; ++t) e.obs.col(t).setConstant(t + 1.0);
    e.actions = Mat::Zero(1, 10);
    for (int t = 0; t < 10; ++t) e.actions(0, t) = -t;
    e.rewards.setZero(10);
    e.terminations.assign(10, 0);
    e.truncations.assign(10, 0);
    (k == 0 ? e.terminations : e.truncations).back() = 1;
    d.episodes.push_back(std::move(e));
  }
  d.total_episodes = 2;
  return d;
}

GailConfig Config(const std::string& inputs) {
  GailConfig c;
  c.demos = "unused";
  c.hidden = {8};
  c.stride = 1;
  c.inputs = inputs;
  return c;
}

TEST_CASE("gail wraps terminated expert episodes with an absorbing self-loop, truncated not",
          "[gail][unit]") {
  // (s, b, a, b): 10 + 1 columns for the terminated episode, 10 for the truncated one
  const Gail sa(Config("state_action"), TwoEpisodes(), PendulumSpec(), "gail", Rng(1));
  const MatrixXf& x = sa.ExpertInputs();
  REQUIRE(x.rows() == 3 + 1 + 1 + 1);
  REQUIRE(x.cols() == 21);
  const VectorXf self_loop = (VectorXf(6) << 0, 0, 0, 1, 0, 1).finished();
  CHECK(x.col(10) == self_loop);
  CHECK(x.col(9) == (VectorXf(6) << 10, 10, 10, 0, -9, 0).finished());
  CHECK((x.row(3).sum() == 1.0f && x.row(5).sum() == 1.0f));  // the one self-loop

  // (s, b, s', b'): the terminated episode's last s' is the absorbing state, the truncated one's
  // is real
  const Gail ss(Config("state_next_state"), TwoEpisodes(), PendulumSpec(), "gail", Rng(1));
  const MatrixXf& y = ss.ExpertInputs();
  REQUIRE(y.rows() == 8);
  CHECK(y.col(9) == (VectorXf(8) << 10, 10, 10, 0, 0, 0, 0, 1).finished());
  CHECK(y.col(10) == (VectorXf(8) << 0, 0, 0, 1, 0, 0, 0, 1).finished());
  CHECK(y.col(20) == (VectorXf(8) << 10, 10, 10, 0, 11, 11, 11, 0).finished());

  // without absorbing states: 20 plain (s, a) columns
  GailConfig plain = Config("state_action");
  plain.absorbing = false;
  CHECK(Gail(plain, TwoEpisodes(), PendulumSpec(), "gail", Rng(1)).ExpertInputs().rows() == 4);
  CHECK(Gail(plain, TwoEpisodes(), PendulumSpec(), "gail", Rng(1)).ExpertInputs().cols() == 20);
}

TEST_CASE("gail's agent inputs mark self-loops and terminal next states; bits stay raw",
          "[gail][unit]") {
  Gail gail(Config("state_next_state"), TwoEpisodes(), PendulumSpec(), "gail", Rng(2));
  // a real step, a terminal step and a self-loop row
  const MatrixXf obs = (MatrixXf(3, 3) << 1, 2, 0, 1, 2, 0, 1, 2, 0).finished();
  const MatrixXf next = obs.array() + 5.0f;
  const MatrixXf action = MatrixXf::Zero(1, 3), terms(0, 3);
  const VectorXf reward = VectorXf::Zero(3);
  const std::vector<uint8_t> terminated = {0, 1, 0}, truncated = {0, 0, 0}, loop = {0, 0, 1};
  const RewardBatch batch{
      obs, action, next, reward, terms, terminated.data(), truncated.data(), loop.data()};
  MatrixXf x;
  gail.Inputs(batch, x);
  CHECK(x.col(0) == (VectorXf(8) << 1, 1, 1, 0, 6, 6, 6, 0).finished());
  CHECK(x.col(1) == (VectorXf(8) << 2, 2, 2, 0, 0, 0, 0, 1).finished());
  CHECK(x.col(2) == (VectorXf(8) << 0, 0, 0, 1, 0, 0, 0, 1).finished());

  // an update on expert inputs and a policy batch of self-loops only: the statistics count the
  // expert's columns alone, and standardising leaves the bits as they are
  gail::Discriminator& disc = gail.Disc();
  const double before = disc.InputStats().Count();
  const MatrixXf expert = gail.ExpertInputs().leftCols(3);
  const MatrixXf policy = x.col(2).replicate(1, 3);
  Rng rng(3);
  disc.Update(expert, policy, rng);
  CHECK(disc.InputStats().Count() == Approx(before + 3.0));
  MatrixXf z(8, 3);
  disc.Normalize(x, z);
  CHECK(z.row(3) == x.row(3));
  CHECK(z.row(7) == x.row(7));
  CHECK(z(0, 0) != x(0, 0));
}

// Rewards 1 on absorbing self-loop rows and 0 everywhere else.
class AbsorbingBonus : public RewardModule {
 public:
  void Compute(const RewardBatch& batch, Eigen::Ref<VectorXf> out) const override {
    for (int b = 0; b < batch.Size(); ++b) out[b] = batch.absorbing && batch.absorbing[b];
  }
  bool Absorbing() const override { return true; }
};

// Mean Q over SAC's last 100 minibatches when every stored transition terminates and only the
// absorbing self-loop pays 1 (γ = 0.5).
double MeanQ(bool absorbing) {
  const std::unique_ptr<Env> env = FindEnv("Pendulum-v1").make({}, "env.options");
  const std::unique_ptr<Agent> sac =
      FindAgent("sac").make(ParseYaml("{type: sac, batch_size: 64, learning_starts: 0, gamma: 0.5, "
                                      "q_lr: 0.003, net: {hidden: [32]}}",
                                      "sac.yaml"),
                            env->Spec(), 1, 3);
  if (absorbing) sac->UseAbsorbingStates();
  std::vector<WeightedModule> modules;
  modules.push_back({"bonus", 1.0, std::make_unique<AbsorbingBonus>()});
  const RewardPipeline pipeline(std::move(modules), 3, 1, 3);
  Rng rng(4);
  VecStep step;
  step.reward.setZero(1);
  step.terms.setZero(3, 1);
  step.terminated = {1};
  step.truncated = {0};
  step.episode_length = {1};
  Mat obs(3, 1), action(1, 1);
  step.final_obs.resize(3, 1);
  for (int i = 0; i < 200; ++i) {
    for (int k = 0; k < 3; ++k) {
      obs(k, 0) = rng.Uniform(-1.0, 1.0);
      step.final_obs(k, 0) = rng.Uniform(-1.0, 1.0);
    }
    action(0, 0) = rng.Uniform(-1.0, 1.0);
    sac->Observe(obs, action, step);
  }
  double q = 0.0;
  for (int k = 0; k < 1500; ++k) {
    const MetricValues m = sac->Update(pipeline);
    if (k >= 1400) q += m[0] / 100.0;  // losses/qf1_values
  }
  return q;
}

TEST_CASE("sac bootstraps terminal transitions into the absorbing state", "[gail][unit]") {
  // V(s_abs) = 1 / (1 − γ) = 2; a terminal transition's Q = γ V = 1 and the self-loop's
  // 1 + γ V = 2, sampled half and half: mean Q 1.5. Without absorbing states, Q = 0.
  const double with = MeanQ(true), without = MeanQ(false);
  INFO("mean Q with absorbing states " << with << ", without " << without);
  CHECK(with == Approx(1.5).margin(0.15));
  CHECK(std::abs(without) < 0.1);
}

TEST_CASE("gail's absorbing states need an agent that models them", "[gail][smoke]") {
  testing::TempDir tmp;
  const std::string demos = testing::RandomDemos("CartPole-v1");
  const auto train = [&](const std::string& extra) {
    const std::string out = (tmp.Path() / "run").string();
    return testing::RunCli("train " + std::string(REWARDLAB_SOURCE_DIR) +
                           "/experiments/configs/cartpole_ppo.yaml --out " + out +
                           " --set total_steps=256 --set 'reward=[{type: gail, demos: " + demos +
                           extra + "}]'");
  };
  const testing::CliResult refused = train("");
  INFO(refused.out);
  CHECK(refused.code == 2);
  CHECK(std::count(refused.out.begin(), refused.out.end(), '\n') == 1);
  CHECK_THAT(refused.out, Contains("reward[0].absorbing") && Contains("absorbing: false"));
  CHECK(!std::filesystem::exists(tmp.Path() / "run"));

  // PPO without absorbing states, on a Discrete env (one-hot actions): trains
  const testing::CliResult ok = train(", absorbing: false");
  INFO(ok.out);
  CHECK(ok.code == 0);
}

}  // namespace
}  // namespace rl
