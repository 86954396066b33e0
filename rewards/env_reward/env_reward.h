// The env's own reward as a module: r = sum_i w_i * term_i over the env's named reward terms
// (Gymnasium v5-style `info` terms such as forward, ctrl, healthy), with every w_i = 1 by default,
// which is exactly the env reward. Sign convention: as the env reports it (costs are negative
// terms). Code computes the terms; config owns the weights (DESIGN §1 rule 2).
#ifndef REWARDLAB_REWARDS_ENV_REWARD_ENV_REWARD_H_
#define REWARDLAB_REWARDS_ENV_REWARD_ENV_REWARD_H_

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "rewards/reward_module.h"

namespace rl {

// Options of the `env` module.
struct EnvRewardConfig {
  std::string type = "env";
  std::string name;     // output name; empty = the type
  double weight = 1.0;  // weight in the optimised reward
  ConfigNode terms;     // map term -> weight; unnamed terms keep weight 1

  template <class V>
  void Fields(V& v) {
    v("type", type, "module type", Check::OneOf({"env"}));
    v("name", name, "output name in the run file; empty = the type");
    v("weight", weight, "weight in the optimised reward (>= 0: a negative env reward is a cost)",
      Check::Min(0));
    v("terms", terms, "weights of the env's named reward terms, e.g. {ctrl: 0}; others keep 1");
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

 private:
  std::vector<float> term_weights_;  // empty = the env reward as reported
};

// Builds the module for `context.env`; throws UserError naming `key` for an unknown term.
std::unique_ptr<RewardModule> MakeEnvReward(const EnvRewardConfig& config, const std::string& key,
                                            const RewardContext& context);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_ENV_REWARD_ENV_REWARD_H_
