#include "rewards/env_reward/env_reward.h"

#include <algorithm>

#include "envs/env.h"
#include "rewards/reward_module.h"

namespace rl {

std::unique_ptr<RewardModule> MakeEnvReward(const EnvRewardConfig& config, const std::string& key,
                                            const RewardContext& context) {
  if (config.terms.IsNull() || (config.terms.IsMap() && config.terms.map.empty())) {
    return std::make_unique<EnvReward>();
  }
  const std::vector<std::string>& names = context.env->Spec().reward_terms;
  if (!config.terms.IsMap()) {
    throw UserError(config.terms.loc.ToString() + ": key '" + key +
                    ".terms': expected a map term: weight, e.g. {ctrl: 0}");
  }
  // reward terms keep weight 1 and heuristic (aux) terms 0: unnamed terms are as the env sums them
  const EnvSpec& spec = context.env->Spec();
  std::vector<float> weights(names.size(), 1.0f);
  for (size_t i = spec.NumSummedTerms(); i < names.size(); ++i) weights[i] = 0.0f;
  for (const auto& [term, value] : config.terms.map) {
    const auto it = std::find(names.begin(), names.end(), term);
    if (it == names.end()) {
      throw UserError(value.loc.ToString() + ": key '" + key + ".terms." + term +
                      "': " + context.env->Spec().id + " has no reward term '" + term + "'" +
                      DidYouMean(term, names));
    }
    double w = 0.0;
    config_detail::Parse(value, key + ".terms." + term, w);
    weights[it - names.begin()] = static_cast<float>(w);
  }
  return std::make_unique<EnvReward>(std::move(weights));
}

void EnvReward::Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const {
  if (term_weights_.empty()) {
    out = batch.env_reward;
    return;
  }
  // in term order, as Env::Step sums them
  out.setZero();
  for (size_t i = 0; i < term_weights_.size(); ++i) {
    out += term_weights_[i] * batch.terms.row(static_cast<int>(i)).transpose();
  }
}

void EnvReward::RewardGradient(const RewardBatch& batch, Eigen::Ref<Eigen::MatrixXf> out) const {
  if (term_weights_.empty()) {
    throw UserError(
        "reward module 'env' is differentiable only in its term weights: give it terms, e.g. "
        "{type: env, terms: {ctrl: 1}} (unnamed terms keep weight 1)");
  }
  out = batch.terms.topRows(NumRewardParams());
}

Eigen::VectorXf EnvReward::RewardParamVector() const {
  return Eigen::Map<const Eigen::VectorXf>(term_weights_.data(), NumRewardParams());
}

void EnvReward::SetRewardParamVector(const Eigen::Ref<const Eigen::VectorXf>& phi) {
  if (phi.size() != NumRewardParams()) {
    throw UserError("reward module 'env' has " + std::to_string(NumRewardParams()) +
                    " term weights; got " + std::to_string(phi.size()) + " values for φ");
  }
  for (int i = 0; i < NumRewardParams(); ++i) term_weights_[i] = phi(i);
}

}  // namespace rl
