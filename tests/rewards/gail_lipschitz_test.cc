// GAIL's Lipschitz machinery in the module (algorithms.md §4.3, §4.4): the preconditioned reward
// is ψ times the plain one with ψ in its variant's range, Compute stays const, γ²C is wired as
// γ² mod_2² max(1, mod_3²), and SAC's policy input gradient matches finite differences.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "agents/registry.h"
#include "core/config_node.h"
#include "envs/registry.h"
#include "rewards/gail/gail.h"

namespace rl {
namespace {

using Eigen::MatrixXf;
using Eigen::VectorXf;

const EnvSpec& PendulumSpec() {
  static const EnvSpec spec = FindEnv("Pendulum-v1").make({}, "env.options")->Spec();
  return spec;
}

// `episodes` episodes of 50 random Pendulum-like steps (a = sin θ), truncated.
DemoDataset Expert(int episodes, Rng& rng) {
  DemoDataset d;
  for (int k = 0; k < episodes; ++k) {
    DemoEpisode e;
    e.obs.resize(3, 51);
    e.actions.resize(1, 50);
    for (int t = 0; t <= 50; ++t) {
      const double theta = rng.Uniform(-M_PI, M_PI);
      e.obs.col(t) << std::cos(theta), std::sin(theta), rng.Uniform(-8.0, 8.0);
    }
    for (int t = 0; t < 50; ++t) e.actions(0, t) = e.obs(1, t);
    e.rewards.setZero(50);
    e.terminations.assign(50, 0);
    e.truncations.assign(50, 0);
    e.truncations.back() = 1;
    d.episodes.push_back(std::move(e));
  }
  d.total_episodes = episodes;
  return d;
}

// A store of `n` random transitions with s' = s + 0.1 a (smooth dynamics for the forward model).
TransitionStore RandomStore(int n, Rng& rng) {
  TransitionStore store(n, 3, 1, 0);
  VecStep step;
  step.reward.setZero(1);
  step.terms.resize(0, 1);
  step.terminated = {0};
  step.truncated = {0};
  Mat obs(3, 1), action(1, 1);
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < 3; ++k) obs(k, 0) = rng.Uniform(-2.0, 2.0);
    action(0, 0) = rng.Uniform(-2.0, 2.0);
    step.final_obs = obs.array() + 0.1 * action(0, 0);
    store.Add(obs, action, step);
  }
  return store;
}

GailConfig Config(const std::string& preconditioning) {
  GailConfig c;
  c.demos = "unused";
  c.hidden = {16, 16};
  c.stride = 1;
  c.absorbing = false;
  c.preconditioning = preconditioning;
  c.dynamics_target = 0.0;  // every gradient counts, so ψ < 1 shows
  c.penalty_target = 0.0;
  return c;
}

// Fits `gail` 20 times on `store` with a policy whose input-gradient norm is `policy_norm`;
// returns the last metrics.
std::vector<double> FitMany(Gail& gail, const TransitionStore& store, float policy_norm) {
  const PolicyInputGradNorms policy = [policy_norm](const Eigen::Ref<const MatrixXf>&,
                                                    Eigen::Ref<VectorXf> out) {
    out.setConstant(policy_norm);
  };
  std::vector<double> m;
  for (int k = 0; k < 20; ++k) m = gail.Fit({k, nullptr, nullptr, &store, policy});
  return m;
}

TEST_CASE("gail's preconditioned reward is psi times the plain reward, psi in its range",
          "[gail][unit]") {
  Rng rng(1);
  const DemoDataset demos = Expert(4, rng);
  const TransitionStore store = RandomStore(256, rng);
  TransitionBatch batch;
  store.Segment(0, 256, batch);
  const RewardBatch rb = ToRewardBatch(batch);
  for (const std::string variant : {"reward_gradient", "dynamics"}) {
    INFO(variant);
    Gail gail(Config(variant), demos, PendulumSpec(), "gail", Rng(2));
    const std::vector<double> m = FitMany(gail, store, 0.5f);
    VectorXf pre(256), again(256), plain(256);
    gail.Compute(rb, pre);
    gail.Compute(rb, again);
    CHECK(pre == again);  // Compute changes nothing
    MatrixXf x;
    gail.Inputs(rb, x);
    gail.Disc().Logits(x, plain);
    gail.RewardOfLogits(plain);
    const VectorXf psi = pre.cwiseQuotient(plain);
    const float floor = variant == "dynamics" ? 0.7f : 0.0f;
    CHECK(psi.maxCoeff() <= 1.0f + 1e-5f);
    CHECK(psi.minCoeff() >= floor - 1e-5f);
    CHECK(psi.minCoeff() < 0.99f);  // the preconditioner acts
    const double psi_mean = m[8];
    CHECK(psi_mean >= floor - 1e-6);
    CHECK(psi_mean < 1.0);
  }
  // without preconditioning ψ ≡ 1
  Gail none(Config("none"), demos, PendulumSpec(), "gail", Rng(2));
  CHECK(FitMany(none, store, 0.5f)[8] == 1.0);
}

TEST_CASE("gail's gamma2c is gamma^2 mod2^2 max(1, mod3^2)", "[gail][unit]") {
  Rng rng(3);
  const DemoDataset demos = Expert(4, rng);
  const TransitionStore store = RandomStore(256, rng);
  // the same module with policies of norm 0.5 (max(1, ·) = 1) and 2 (= 4): a ratio of 4
  Gail low(Config("none"), demos, PendulumSpec(), "gail", Rng(4), 0.9);
  Gail high(Config("none"), demos, PendulumSpec(), "gail", Rng(4), 0.9);
  const double g_low = FitMany(low, store, 0.5f)[9], g_high = FitMany(high, store, 2.0f)[9];
  CHECK(g_low > 0.0);
  CHECK(g_high / g_low == Approx(4.0).epsilon(1e-9));
  // without the agent's input gradients it is not computed
  Gail none(Config("none"), demos, PendulumSpec(), "gail", Rng(4));
  CHECK(std::isnan(none.Fit({0, nullptr, nullptr, &store})[9]));
}

TEST_CASE("sac's policy input gradient matches finite differences of its deterministic action",
          "[gail][unit]") {
  const std::unique_ptr<Agent> sac = FindAgent("sac").make(
      ParseYaml("{type: sac, net: {hidden: [16, 16]}}", "sac.yaml"), PendulumSpec(), 1, 5);
  const PolicyInputGradNorms probe = sac->PolicyInputGrad();
  REQUIRE(probe);
  Rng rng(6);
  Mat obs(3, 4);
  for (int j = 0; j < 4; ++j) {
    for (int i = 0; i < 3; ++i) obs(i, j) = rng.Uniform(-3.0, 3.0);
  }
  VectorXf norms(4);
  probe(obs.cast<float>(), norms);
  const double h = 1e-3;
  for (int j = 0; j < 4; ++j) {
    Eigen::Vector3d fd;
    for (int i = 0; i < 3; ++i) {
      Mat plus = obs.col(j), minus = obs.col(j), ap, am;
      plus(i, 0) += h;
      minus(i, 0) -= h;
      sac->Act(plus, ActMode::kEval, ap);
      sac->Act(minus, ActMode::kEval, am);
      fd[i] = (ap.sum() - am.sum()) / (2 * h);
    }
    INFO("column " << j << ": " << norms[j] << " vs " << fd.norm());
    CHECK(norms[j] == Approx(fd.norm()).epsilon(2e-2).margin(1e-5));
  }
  CHECK(norms.maxCoeff() > 1e-4f);
}

}  // namespace
}  // namespace rl
