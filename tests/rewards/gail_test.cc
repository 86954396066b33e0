// GAIL's discriminator and module: the penalty's parameter gradient through the module's own path
// (standardised inputs, penalty points) against a double reference and its finite differences
// for every penalty type and form, separation of a synthetic expert from noise, SAC relabelling
// every sampled minibatch with the current discriminator, and bad configs refused with one line.
#include "rewards/gail/gail.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "agents/registry.h"
#include "core/config_node.h"
#include "envs/registry.h"
#include "rewards/reward_pipeline.h"
#include "tests/nn/grad_check.h"
#include "tests/support/cli.h"
#include "tests/support/demos.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using Eigen::MatrixXd;
using Eigen::MatrixXf;
using Eigen::VectorXd;
using Eigen::VectorXf;

// The synthetic expert's action in Pendulum's observation (cos θ, sin θ, θ'): a fixed function.
double ExpertAction(const Eigen::Ref<const Eigen::VectorXd>& obs) { return 1.5 * obs(1); }

// A random Pendulum-like observation.
Eigen::Vector3d RandomObs(Rng& rng) {
  const double theta = rng.Uniform(-M_PI, M_PI);
  return {std::cos(theta), std::sin(theta), rng.Uniform(-8.0, 8.0)};
}

// `episodes` expert episodes of `steps` steps taking ExpertAction (the states are random draws).
DemoDataset SyntheticExpert(int episodes, int steps, Rng& rng) {
  DemoDataset d;
  for (int k = 0; k < episodes; ++k) {
    DemoEpisode e;
    e.obs.resize(3, steps + 1);
    e.actions.resize(1, steps);
    e.rewards.setZero(steps);
    for (int t = 0; t <= steps; ++t) e.obs.col(t) = RandomObs(rng);
    for (int t = 0; t < steps; ++t) e.actions(0, t) = ExpertAction(e.obs.col(t));
    e.terminations.assign(steps, 0);
    e.truncations.assign(steps, 0);
    e.truncations.back() = 1;
    d.episodes.push_back(std::move(e));
  }
  d.total_episodes = episodes;
  return d;
}

// An agent store of `n` transitions with random states and uniformly random actions in [-2, 2].
TransitionStore NoiseStore(int n, Rng& rng) {
  TransitionStore store(n, 3, 1, 3);
  Mat obs(3, 1), action(1, 1);
  VecStep step;
  step.final_obs.resize(3, 1);
  step.reward.setZero(1);
  step.terms.setZero(3, 1);
  step.terminated = {0};
  step.truncated = {0};
  for (int i = 0; i < n; ++i) {
    obs.col(0) = RandomObs(rng);
    action(0, 0) = rng.Uniform(-2.0, 2.0);
    step.final_obs.col(0) = RandomObs(rng);
    store.Add(obs, action, step);
  }
  return store;
}

// Pendulum-v1's spec.
const EnvSpec& PendulumSpec() {
  static const EnvSpec spec = FindEnv("Pendulum-v1").make({}, "env.options")->Spec();
  return spec;
}

// A small discriminator over (s, a) without absorbing states.
GailConfig SmallConfig() {
  GailConfig c;
  c.demos = "unused";
  c.hidden = {16, 16};
  c.stride = 1;
  c.absorbing = false;
  return c;
}

// λ · mean_b h(‖∇ D(x̂_b)‖ − k) in double at the points, for parameters `params`.
double PenaltyDouble(const nn::Mlp& net, const VectorXd& params, const MatrixXd& points,
                     const gail::DiscriminatorOptions& o) {
  const MatrixXd g = nn::testing::InputGradDouble(net, params, points);
  double sum = 0.0;
  for (int b = 0; b < g.cols(); ++b) {
    double excess = g.col(b).norm() - o.penalty_target;
    if (o.penalty_form == nn::PenaltyForm::kOneSided) excess = std::max(excess, 0.0);
    sum += excess * excess;
  }
  return o.penalty_scale * sum / static_cast<double>(g.cols());
}

TEST_CASE("gail's penalty gradient matches finite differences in the standardised space",
          "[gail][unit]") {
  for (const std::string penalty : {"wgan", "dragan", "nagard"}) {
    for (const std::string form : {"two_sided", "one_sided"}) {
      INFO(penalty << " " << form);
      Rng rng(3);
      GailConfig config = SmallConfig();
      config.hidden = {6, 5};
      config.penalty = penalty;
      config.penalty_form = form;
      config.penalty_noise = penalty == "wgan" ? 10.0 : 0.5;  // points near the data: norms ~ k
      Gail gail(config, SyntheticExpert(2, 8, rng), PendulumSpec(), "gail", Rng(5));
      gail::Discriminator& disc = gail.Disc();
      // features on very different scales, so raw and standardised spaces differ a lot
      MatrixXf expert = gail.ExpertInputs().leftCols(8);
      expert.row(2) *= 100.0f;
      MatrixXf policy = MatrixXf::Random(4, 8);
      policy.row(2) *= 300.0f;
      disc.InputStats().Update(expert);
      disc.InputStats().Update(policy);

      MatrixXf expert_n(4, 8), policy_n(4, 8), points;
      disc.Normalize(expert, expert_n);
      disc.Normalize(policy, policy_n);
      Rng draw(11), replay(11);
      disc.PenaltyPointsOf(expert_n, policy_n, draw, points);
      REQUIRE(points.cols() == 8);
      // the points, drawn as documented from the standardised inputs
      const float s = static_cast<float>(config.penalty_noise);
      for (int j = 0; j < 8; ++j) {
        VectorXf want(4);
        if (penalty == "wgan") {
          const float eps = static_cast<float>(replay.Uniform());
          want = eps * policy_n.col(j) + (1.0f - eps) * expert_n.col(j);
        } else {
          want = penalty == "dragan" ? expert_n.col(j) : policy_n.col(j);
          for (int i = 0; i < 4; ++i) want(i) += s * static_cast<float>(replay.Normal());
        }
        CHECK((points.col(j) - want).cwiseAbs().maxCoeff() < 1e-5f);
      }

      VectorXf grad = VectorXf::Zero(disc.Net().NumParams());
      MatrixXf input_grad;
      // scale the head (∇ₓD is linear in it) so that about half the norms exceed k = 1
      disc.Penalty(points, grad, &input_grad);
      std::vector<float> norms(8);
      for (int j = 0; j < 8; ++j) norms[j] = input_grad.col(j).norm();
      std::nth_element(norms.begin(), norms.begin() + 4, norms.end());
      disc.Net().Weight(disc.Net().NumLayers() - 1) *= 1.1f / norms[4];
      grad.setZero();
      const double p = disc.Penalty(points, grad, &input_grad);  // updates u, v first
      const VectorXd params = disc.Net().Params().cast<double>();
      const MatrixXd x = points.cast<double>();
      const gail::DiscriminatorOptions& o = disc.Options();
      CHECK(p * o.penalty_scale == Approx(PenaltyDouble(disc.Net(), params, x, o)).epsilon(1e-4));
      const MatrixXd g = nn::testing::InputGradDouble(disc.Net(), params, x);
      CHECK((input_grad.cast<double>() - g).cwiseAbs().maxCoeff() < 1e-4 * g.cwiseAbs().maxCoeff());
      const VectorXd fd = nn::testing::FiniteDiff(
          [&](const VectorXd& q) { return PenaltyDouble(disc.Net(), q, x, o); }, params);
      nn::testing::RequireGradClose(grad, fd);
    }
  }
}

// The discriminator's logits on fresh expert and noise transitions: the fractions with D > 0 and
// D < 0, and the mean reward of each.
struct Separation {
  double expert_accuracy = 0, noise_accuracy = 0, expert_reward = 0, noise_reward = 0;
};

Separation Separate(const Gail& gail, Rng& rng) {
  const DemoDataset test = SyntheticExpert(1, 400, rng);
  const TransitionStore noise = NoiseStore(400, rng);
  MatrixXf expert_x(4, 400);
  expert_x.topRows(3) = test.episodes[0].obs.leftCols(400).cast<float>();
  expert_x.bottomRows(1) = test.episodes[0].actions.cast<float>();
  TransitionBatch batch;
  noise.Segment(0, 400, batch);
  MatrixXf noise_x;
  gail.Inputs(ToRewardBatch(batch), noise_x);
  VectorXf d_expert(400), d_noise(400), r_noise(400);
  gail.Disc().Logits(expert_x, d_expert);
  gail.Disc().Logits(noise_x, d_noise);
  gail.Compute(ToRewardBatch(batch), r_noise);
  Separation s;
  s.expert_accuracy = (d_expert.array() > 0).cast<double>().mean();
  s.noise_accuracy = (d_noise.array() < 0).cast<double>().mean();
  gail.RewardOfLogits(d_expert);
  s.expert_reward = d_expert.mean();
  s.noise_reward = r_noise.mean();
  CHECK(r_noise.minCoeff() >= 0.0f);  // minimax rewards are >= 0
  return s;
}

TEST_CASE("gail's discriminator separates a synthetic expert from noise", "[gail][unit]") {
  // without a penalty, 300 updates separate actions a = 1.5 sin θ from uniform ones
  Rng rng(1);
  GailConfig config = SmallConfig();
  config.hidden = {64, 64};
  config.d_steps = 300;
  config.lr = 3e-3;
  config.spectral_norm = false;
  config.penalty = "none";
  const DemoDataset demos = SyntheticExpert(10, 50, rng);
  const TransitionStore store = NoiseStore(2000, rng);
  Gail free(config, demos, PendulumSpec(), "gail", Rng(2));
  const PolicyInputGradNorms policy = [](const Eigen::Ref<const MatrixXf>&,
                                         Eigen::Ref<VectorXf> out) { out.setConstant(0.5f); };
  const std::vector<double> m_free = free.Fit({1000, nullptr, nullptr, &store, policy});
  REQUIRE(m_free.size() == free.MetricNames().size());
  for (double v : m_free) CHECK(std::isfinite(v));
  Rng test_rng(9);
  const Separation s = Separate(free, test_rng);
  INFO("expert " << s.expert_accuracy << " noise " << s.noise_accuracy);
  CHECK(0.5 * (s.expert_accuracy + s.noise_accuracy) > 0.9);
  CHECK(s.expert_reward > s.noise_reward + 1.0);
  CHECK(m_free[3] > 3.0);  // mean ‖∇ₓD‖ far above 1

  // the wgan penalty holds the input-gradient norm near k = 1 on the same data
  config.penalty = "wgan";
  Gail lipschitz(config, demos, PendulumSpec(), "gail", Rng(2));
  const std::vector<double> m = lipschitz.Fit({1000, nullptr, nullptr, &store});
  INFO("grad_norm " << m[3] << " penalty " << m[4]);
  CHECK(m[3] < 1.5);
  CHECK(m[4] < 0.5);
}

// A module that passes another's reward on and keeps every batch it labelled.
class Spy : public RewardModule {
 public:
  explicit Spy(const RewardModule& inner) : inner_(inner) {}
  void Compute(const RewardBatch& batch, Eigen::Ref<VectorXf> out) const override {
    inner_.Compute(batch, out);
    obs.emplace_back(batch.obs);
    action.emplace_back(batch.action);
    rewards.emplace_back(out);
  }
  mutable std::vector<MatrixXf> obs, action;  // (obs_dim x B), (act_dim x B) per call
  mutable std::vector<VectorXf> rewards;      // (B) per call

 private:
  const RewardModule& inner_;
};

TEST_CASE("sac labels every sampled minibatch with gail's current discriminator", "[gail][unit]") {
  const std::unique_ptr<Env> env = FindEnv("Pendulum-v1").make({}, "env.options");
  Rng rng(4);
  GailConfig config = SmallConfig();
  config.d_steps = 20;
  Gail gail(config, SyntheticExpert(4, 20, rng), PendulumSpec(), "gail", Rng(6));
  std::vector<WeightedModule> modules;
  modules.push_back({"spy", 1.0, std::make_unique<Spy>(gail)});
  const Spy& spy = dynamic_cast<const Spy&>(*modules[0].module);
  const RewardPipeline pipeline(std::move(modules), 3, 1, 3);
  const std::unique_ptr<Agent> sac = FindAgent("sac").make(
      ParseYaml("{type: sac, batch_size: 8, learning_starts: 0, net: {hidden: [8]}}", "sac.yaml"),
      env->Spec(), 1, 3);
  const TransitionStore noise = NoiseStore(64, rng);
  for (int64_t c = 0; c < noise.Size(); ++c) {
    VecStep step;
    step.final_obs = noise.NextObs().col(c).cast<double>();
    step.reward.setZero(1);
    step.terms.setZero(3, 1);
    step.terminated = {0};
    step.truncated = {0};
    sac->Observe(noise.Obs().col(c).cast<double>(), noise.Actions().col(c).cast<double>(), step);
  }

  // fit, update, fit again, update: the second minibatch is labelled by the refitted network
  gail.Fit({64, nullptr, nullptr, sac->Transitions()});
  sac->Update(pipeline);
  const Gail first = gail;
  gail.Fit({65, nullptr, nullptr, sac->Transitions()});
  sac->Update(pipeline);
  REQUIRE(spy.rewards.size() == 2);
  const MatrixXf x = (MatrixXf(4, 8) << spy.obs[1], spy.action[1]).finished();
  VectorXf now(8), before(8);
  gail.Disc().Logits(x, now);
  first.Disc().Logits(x, before);
  gail.RewardOfLogits(now);
  first.RewardOfLogits(before);
  CHECK(spy.rewards[1] == now);
  CHECK((spy.rewards[1] - before).cwiseAbs().maxCoeff() > 1e-4f);
}

TEST_CASE("bad gail configs are one-line errors with exit code 2 and no run folder",
          "[gail][smoke]") {
  testing::TempDir tmp;
  const std::string pendulum = testing::RandomDemos("Pendulum-v1");
  const auto train = [&](const std::string& gail) {
    const std::string out = (tmp.Path() / "run").string();
    const testing::CliResult r = testing::RunCli("train " + std::string(REWARDLAB_SOURCE_DIR) +
                                                 "/experiments/configs/pendulum_sac.yaml " +
                                                 "--out " + out + " --set 'reward=[" + gail + "]'");
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    CHECK(!std::filesystem::exists(out));
    return r.out;
  };
  const std::string missing = (tmp.Path() / "no_such_dataset").string();
  CHECK_THAT(train("{type: gail, demos: " + missing + "}"),
             Contains("reward[0].demos") && Contains("no_such_dataset"));
  CHECK_THAT(train("{type: gail, demos: " + testing::RandomDemos("MountainCarContinuous-v0") + "}"),
             Contains("reward[0].demos") && Contains("MountainCarContinuous-v0") &&
                 Contains("Pendulum-v1"));
  CHECK_THAT(train("{type: gail}"), Contains("reward[0].demos") && Contains("no expert"));
  CHECK_THAT(train("{type: gail, demos: " + pendulum + ", penalty_scale: -1}"),
             Contains("reward[0].penalty_scale") && Contains(">= 0"));
  CHECK_THAT(train("{type: gail, demos: " + pendulum + ", stride: 0}"),
             Contains("reward[0].stride") && Contains("in [1,"));
}

}  // namespace
}  // namespace rl
