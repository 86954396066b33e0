#include "rewards/progress_bonus/progress_bonus.h"

#include "rewards/registry.h"

namespace rl {

ProgressBonus::ProgressBonus(std::unique_ptr<Potential> progress, double bonus)
    : progress_(std::move(progress)), bonus_(static_cast<float>(bonus)) {}

void ProgressBonus::Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const {
  next_.resize(batch.Size());
  progress_->Evaluate(batch.next_obs, next_);
  progress_->Evaluate(batch.obs, out);
  out = bonus_ * (next_ - out).cwiseMax(0.0f);
}

std::unique_ptr<RewardModule> MakeProgressBonus(const ProgressBonusConfig& config,
                                                const std::string& key,
                                                const RewardContext& context) {
  return std::make_unique<ProgressBonus>(
      MakePotential(config.progress, key, *context.env, context.gamma), config.bonus);
}

}  // namespace rl
