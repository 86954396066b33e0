// The env's own reward as a module: r = sum_i w_i * term_i over the env's named reward terms
// (Gymnasium v5-style `info` terms such as forward, ctrl, healthy), with w_i = 1 by default for the
// terms the env sums and 0 for its heuristic (aux) terms, which is exactly the env reward. Sign
// convention: as the env reports it (costs are negative terms). Code computes the terms; config
// owns the weights (DESIGN §1 rule 2).
#ifndef REWARDLAB_REWARDS_ENV_REWARD_ENV_REWARD_H_
#define REWARDLAB_REWARDS_ENV_REWARD_ENV_REWARD_H_

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "rewards/module_config.h"
#include "rewards/reward_module.h"

namespace rl {

// Options of the `env` module.
struct EnvRewardConfig : ModuleConfig<EnvRewardConfig> {
  static constexpr const char* kType = "env";  // the YAML `type`
  ConfigNode terms;                            // map term -> weight; unnamed terms keep weight 1

  template <class V>
  void Fields(V& v) {
    SharedFields(v, WeightSign::kNonNegative, ">= 0: a negative env reward is a cost");
    v("terms", terms,
      "weights of the env's named reward terms, e.g. {ctrl: 0}; others keep 1 (heuristic terms 0)");
  }
};

// The env reward, optionally with re-weighted terms.
class EnvReward : public RewardModule {
 public:
  // The env reward exactly.
  EnvReward() = default;
  // sum_i w_i term_i with term_weights (one per env term, in the env's order).
  explicit EnvReward(std::vector<float> term_weights) : term_weights_(std::move(term_weights)) {}

  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override;

  // φ = the term weights (none when the env reward is used as reported): ∂r/∂w_i = term_i.
  int NumRewardParams() const override { return static_cast<int>(term_weights_.size()); }
  // The terms themselves (num_terms x B); throws UserError without `terms`.
  void RewardGradient(const RewardBatch& batch, Eigen::Ref<Eigen::MatrixXf> out) const override;
  // The term weights.
  Eigen::VectorXf RewardParamVector() const override;
  // Sets the term weights; throws UserError on a wrong length.
  void SetRewardParamVector(const Eigen::Ref<const Eigen::VectorXf>& phi) override;

 private:
  std::vector<float> term_weights_;  // empty = the env reward as reported
};

// Builds the module for `context.env`; throws UserError naming `key` for an unknown term.
std::unique_ptr<RewardModule> MakeEnvReward(const EnvRewardConfig& config, const std::string& key,
                                            const RewardContext& context);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_ENV_REWARD_ENV_REWARD_H_
