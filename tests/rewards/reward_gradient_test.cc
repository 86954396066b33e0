// Differentiable rewards: RewardModule::RewardGradient (∂r/∂φ per transition) against central
// differences of Compute over RewardParamVector, for the modules that implement it.
#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "core/error.h"
#include "core/rng.h"
#include "rewards/env_reward/env_reward.h"
#include "rewards/progress_bonus/progress_bonus.h"

namespace rl {
namespace {

// Random raw transitions with `num_terms` env reward terms.
struct Batch {
  Batch(int obs_dim, int num_terms, int n, Rng& rng)
      : obs(Random(obs_dim, n, rng)),
        action(Random(1, n, rng)),
        next_obs(Random(obs_dim, n, rng)),
        env_reward(Random(n, 1, rng)),
        terms(Random(num_terms, n, rng)),
        flags(n, 0) {}
  static Eigen::MatrixXf Random(int rows, int cols, Rng& rng) {
    Eigen::MatrixXf m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.Normal());
    return m;
  }
  RewardBatch Get() const {
    return {obs, action, next_obs, env_reward, terms, flags.data(), flags.data()};
  }
  Eigen::MatrixXf obs, action, next_obs;
  Eigen::VectorXf env_reward;
  Eigen::MatrixXf terms;
  std::vector<uint8_t> flags;
};

// Central differences of Compute over φ, (num_params x B), in double from float rewards: with
// rewards linear in φ the truncation error is zero, so h = 0.25 keeps rounding at ~1e-6.
Eigen::MatrixXd FiniteDiff(RewardModule& module, const RewardBatch& batch, double h = 0.25) {
  const Eigen::VectorXf phi = module.RewardParamVector();
  Eigen::MatrixXd fd(phi.size(), batch.Size());
  Eigen::VectorXf up(batch.Size()), down(batch.Size());
  for (Eigen::Index i = 0; i < phi.size(); ++i) {
    Eigen::VectorXf p = phi;
    p(i) = static_cast<float>(phi(i) + h);
    module.SetRewardParamVector(p);
    module.Compute(batch, up);
    p(i) = static_cast<float>(phi(i) - h);
    module.SetRewardParamVector(p);
    module.Compute(batch, down);
    fd.row(i) = (up - down).cast<double>().transpose() / (2 * h);
  }
  module.SetRewardParamVector(phi);
  return fd;
}

void RequireGradientMatches(RewardModule& module, const RewardBatch& batch) {
  REQUIRE(module.NumRewardParams() > 0);
  REQUIRE(module.RewardParamVector().size() == module.NumRewardParams());
  Eigen::MatrixXf grad(module.NumRewardParams(), batch.Size());
  module.RewardGradient(batch, grad);
  const Eigen::MatrixXd fd = FiniteDiff(module, batch);
  REQUIRE(fd.cwiseAbs().maxCoeff() > 0.1);
  REQUIRE((grad.cast<double>() - fd).cwiseAbs().maxCoeff() < 1e-5 * (1 + fd.cwiseAbs().maxCoeff()));
}

TEST_CASE("env reward: the gradient in the term weights is the terms", "[unit]") {
  Rng rng(1);
  const Batch b(3, 4, 9, rng);
  EnvReward module({0.5f, -1.0f, 2.0f, 1.0f});
  REQUIRE(module.NumRewardParams() == 4);
  RequireGradientMatches(module, b.Get());

  // setting φ changes Compute; a wrong length is a one-line UserError
  module.SetRewardParamVector(Eigen::VectorXf::Zero(4));
  Eigen::VectorXf r(9);
  module.Compute(b.Get(), r);
  REQUIRE(r.isZero());
  REQUIRE_THROWS_AS(module.SetRewardParamVector(Eigen::VectorXf::Zero(3)), UserError);
}

TEST_CASE("env reward as reported and non-differentiable modules refuse RewardGradient", "[unit]") {
  Rng rng(2);
  const Batch b(3, 2, 5, rng);
  EnvReward as_reported;
  REQUIRE(as_reported.NumRewardParams() == 0);
  Eigen::MatrixXf out(0, 5);
  REQUIRE_THROWS_AS(as_reported.RewardGradient(b.Get(), out), UserError);

  // the interface's defaults
  struct Fixed : RewardModule {
    void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override {
      out = batch.env_reward;
    }
  } fixed;
  REQUIRE(fixed.NumRewardParams() == 0);
  REQUIRE(fixed.RewardParamVector().size() == 0);
  REQUIRE_THROWS_AS(fixed.RewardGradient(b.Get(), out), UserError);
  REQUIRE_THROWS_AS(fixed.SetRewardParamVector(Eigen::VectorXf::Ones(1)), UserError);
}

// Φ(s) = sum of the observation entries.
class SumPotential : public Potential {
 public:
  void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                Eigen::Ref<Eigen::VectorXf> out) const override {
    out = obs.colwise().sum().transpose();
  }
};

TEST_CASE("progress bonus: the gradient in the bonus is the clipped progress", "[unit]") {
  Rng rng(3);
  const Batch b(2, 1, 12, rng);
  ProgressBonus module(std::make_unique<SumPotential>(), 1.5);
  REQUIRE(module.NumRewardParams() == 1);
  RequireGradientMatches(module, b.Get());
  // some transitions move back (zero gradient), some forward
  Eigen::MatrixXf grad(1, 12);
  module.RewardGradient(b.Get(), grad);
  REQUIRE((grad.array() == 0.0f).any());
  REQUIRE((grad.array() > 0.0f).any());
  REQUIRE_THROWS_AS(module.SetRewardParamVector(Eigen::VectorXf::Ones(2)), UserError);
}

}  // namespace
}  // namespace rl
