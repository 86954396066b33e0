#include "rewards/potential_shaping/pbrs.h"

#include "rewards/reward_module.h"

namespace rl {

PotentialShaping::PotentialShaping(std::unique_ptr<Potential> potential, double gamma,
                                   bool zero_on_truncation)
    : potential_(std::move(potential)),
      gamma_(static_cast<float>(gamma)),
      zero_on_truncation_(zero_on_truncation) {}

void PotentialShaping::Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const {
  const int n = batch.Size();
  phi_next_.resize(n);
  potential_->Evaluate(batch.next_obs, phi_next_);
  potential_->Evaluate(batch.obs, out);
  // Φ(s') = 0 only where s' is terminal (and, wrongly, on truncation in the study variant)
  for (int b = 0; b < n; ++b) {
    const bool zero = batch.terminated[b] || (zero_on_truncation_ && batch.truncated[b]);
    out[b] = gamma_ * (zero ? 0.0f : phi_next_[b]) - out[b];
  }
}

std::unique_ptr<RewardModule> MakePbrs(const PbrsConfig& config, const std::string& key,
                                       const RewardContext& context) {
  const double gamma = config.gamma < 0 ? context.gamma : config.gamma;
  return std::make_unique<PotentialShaping>(
      MakePotential(config.potential, key, *context.env, gamma, context.load_state_values), gamma,
      config.zero_on_truncation);
}

}  // namespace rl
