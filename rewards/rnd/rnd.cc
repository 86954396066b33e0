#include "rewards/rnd/rnd.h"

#include <cmath>
#include <limits>
#include <numeric>

#include "core/checkpoint.h"
#include "envs/env.h"
#include "nn/serialize.h"
#include "rewards/reward_module.h"

namespace rl {
namespace {

constexpr double kEps = 1e-8;

}  // namespace

Rnd::Rnd(const RndConfig& config, int obs_dim, const std::string& name, Rng rng)
    : config_(config),
      name_(name),
      target_(nn::LayerSizes(obs_dim, config.hidden, config.output_dim), nn::Activation::kRelu,
              1.0f, rng),
      predictor_(nn::LayerSizes(obs_dim, config.hidden, config.output_dim), nn::Activation::kRelu,
                 1.0f, rng),
      adam_(predictor_.NumParams(), nn::AdamOptions{.lr = config.lr}),
      obs_stats_(obs_dim, 1e-4, config.obs_clip),
      bonus_stats_(1),
      rng_(rng),
      grad_(predictor_.NumParams()) {}

void Rnd::Inputs(const Eigen::Ref<const Eigen::MatrixXf>& next_obs, Eigen::MatrixXf& x) const {
  if (!config_.normalize_obs) {
    x = next_obs;
    return;
  }
  x.resize(next_obs.rows(), next_obs.cols());
  obs_stats_.Normalize(next_obs, x);
}

void Rnd::RawBonus(const Eigen::Ref<const Eigen::MatrixXf>& next_obs,
                   Eigen::Ref<Eigen::VectorXf> out) const {
  Inputs(next_obs, x_);
  target_.Forward(x_, f_);
  predictor_.Forward(x_, f_hat_);
  out = (f_hat_ - f_).colwise().squaredNorm().transpose();
}

void Rnd::Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const {
  RawBonus(batch.next_obs, out);
  if (config_.normalize_bonus) out /= static_cast<float>(std::sqrt(bonus_stats_.Var()[0] + kEps));
}

std::vector<double> Rnd::Fit(const FitContext& context) {
  constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
  if (!context.window || context.window->Size() == 0) return {kNan, kNan, kNan};
  const RewardBatch recent = ToRewardBatch(*context.window);
  const Eigen::Ref<const Eigen::MatrixXf>& next_obs = recent.next_obs;
  const int w = static_cast<int>(next_obs.cols());

  // inputs and fixed targets of the whole window
  if (config_.normalize_obs) obs_stats_.Update(next_obs);
  Inputs(next_obs, window_x_);
  target_.Forward(window_x_, window_f_);

  // shuffled minibatches; the loss is the mean bonus of the last pass
  order_.resize(w);
  double loss = 0.0;
  for (int epoch = 0; epoch < config_.fit_epochs; ++epoch) {
    std::iota(order_.begin(), order_.end(), 0);
    for (int i = w - 1; i > 0; --i) std::swap(order_[i], order_[rng_.UniformInt(i + 1)]);
    loss = 0.0;
    for (int start = 0; start < w; start += config_.batch_size) {
      const int b = std::min(config_.batch_size, w - start);
      batch_x_.resize(window_x_.rows(), b);
      batch_f_.resize(window_f_.rows(), b);
      for (int j = 0; j < b; ++j) {
        batch_x_.col(j) = window_x_.col(order_[start + j]);
        batch_f_.col(j) = window_f_.col(order_[start + j]);
      }
      predictor_.Forward(batch_x_, cache_);
      dy_ = cache_.Output() - batch_f_;
      loss += dy_.squaredNorm();
      dy_ *= 2.0f / static_cast<float>(b);
      grad_.setZero();
      predictor_.Backward(cache_, dy_, grad_);
      adam_.Step(predictor_.Params(), grad_);
    }
    loss /= w;
  }

  // bonuses after the update feed the normaliser
  window_bonus_.resize(w);
  RawBonus(next_obs, window_bonus_);
  bonus_stats_.Update(Eigen::Map<const Eigen::MatrixXf>(window_bonus_.data(), 1, w));
  return {loss, window_bonus_.mean(), std::sqrt(bonus_stats_.Var()[0])};
}

std::vector<std::string> Rnd::MetricNames() const {
  return {"reward/" + name_ + "_loss", "reward/" + name_ + "_bonus",
          "reward/" + name_ + "_bonus_std"};
}

void Rnd::Save(const h5::Group& g) const {
  nn::Save(g, "target", target_);
  nn::Save(g, "predictor", predictor_);
  nn::Save(g, "adam", adam_);
  nn::Save(g, "obs_stats", obs_stats_);
  nn::Save(g, "bonus_stats", bonus_stats_);
  ckpt::WriteRng(g, "rng", rng_);
}

void Rnd::Load(const h5::Group& g) {
  nn::Load(g, "target", target_);
  nn::Load(g, "predictor", predictor_);
  nn::Load(g, "adam", adam_);
  nn::Load(g, "obs_stats", obs_stats_);
  nn::Load(g, "bonus_stats", bonus_stats_);
  ckpt::ReadRng(g, "rng", rng_);
}

std::unique_ptr<RewardModule> MakeRnd(const RndConfig& config, const std::string& /*key*/,
                                      const RewardContext& context) {
  return std::make_unique<Rnd>(config, context.env->Spec().observation.Dim(), config.OutputName(),
                               Rng(context.seed, RngStream::kReward, context.index));
}

}  // namespace rl
