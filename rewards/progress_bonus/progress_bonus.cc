#include "rewards/progress_bonus/progress_bonus.h"

#include <algorithm>

#include "rewards/reward_module.h"

namespace rl {

ProgressBonus::ProgressBonus(std::unique_ptr<Potential> progress, double bonus)
    : progress_(std::move(progress)), bonus_(bonus), bonus_max_(std::max(10.0, 10 * bonus)) {}

void ProgressBonus::Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const {
  next_.resize(batch.Size());
  progress_->Evaluate(batch.next_obs, next_);
  progress_->Evaluate(batch.obs, out);
  out = static_cast<float>(bonus_) * (next_ - out).cwiseMax(0.0f);
}

std::vector<RewardParam> ProgressBonus::Params() { return {{"bonus", &bonus_, 0.0, bonus_max_}}; }

void ProgressBonus::RewardGradient(const RewardBatch& batch,
                                   Eigen::Ref<Eigen::MatrixXf> out) const {
  next_.resize(batch.Size());
  now_.resize(batch.Size());
  progress_->Evaluate(batch.next_obs, next_);
  progress_->Evaluate(batch.obs, now_);
  out.row(0) = (next_ - now_).cwiseMax(0.0f).transpose();
}

Eigen::VectorXf ProgressBonus::RewardParamVector() const {
  return Eigen::VectorXf::Constant(1, static_cast<float>(bonus_));
}

void ProgressBonus::SetRewardParamVector(const Eigen::Ref<const Eigen::VectorXf>& phi) {
  if (phi.size() != 1) {
    throw UserError("reward module 'progress_bonus' has one parameter (bonus); got " +
                    std::to_string(phi.size()) + " values for φ");
  }
  bonus_ = phi(0);
}

std::unique_ptr<RewardModule> MakeProgressBonus(const ProgressBonusConfig& config,
                                                const std::string& key,
                                                const RewardContext& context) {
  return std::make_unique<ProgressBonus>(
      MakePotential(config.progress, key, *context.env, context.gamma, context.load_state_values),
      config.bonus);
}

}  // namespace rl
