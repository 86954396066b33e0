// REINFORCE's options, the YAML `agent:` section of `type: reinforce`.
#ifndef REWARDLAB_AGENTS_REINFORCE_REINFORCE_CONFIG_H_
#define REWARDLAB_AGENTS_REINFORCE_REINFORCE_CONFIG_H_

#include <cstdint>
#include <string>

#include "agents/ppo/ppo_config.h"
#include "core/config.h"
#include "envs/feature_map.h"

namespace rl {

// REINFORCE (Williams 1992): Monte-Carlo returns over whole episodes, optional baseline.
struct ReinforceConfig {
  std::string type = "reinforce";
  int episodes_per_update = 8;         // completed episodes (all env slots) per update
  double gamma = 0.99;                 // discount of the Monte-Carlo returns
  double lr = 1e-3;                    // Adam learning rate of the policy
  double adam_eps = 1e-8;              // Adam epsilon
  double ent_coef = 0.0;               // entropy bonus
  double max_grad_norm = 0.0;          // policy gradient-norm clip; 0 = none
  std::string policy = "mlp";          // linear | mlp
  std::string baseline = "mean";       // none | mean | value
  double value_lr = 1e-3;              // Adam learning rate of the value baseline
  int value_epochs = 5;                // full-batch value steps per update
  bool bootstrap_truncated = true;     // with baseline: value, G_t adds γ^(T-t) V(final obs)
  double log_std_init = 0.0;           // initial log-std (continuous actions)
  NetConfig net = {{64, 64}, "tanh"};  // MLP policy and value baseline
  int64_t max_stored_steps = 0;        // transition store capacity; 0 = ReinforceStoreCapacity
  // fixed features f(s) the policy reads instead of s; type none = s
  FeatureMapConfig features = FeatureMapConfig::None();

  template <class V>
  void Fields(V& v) {
    v("type", type, "agent type", Check::OneOf({"reinforce"}));
    v("episodes_per_update", episodes_per_update,
      "update after this many completed episodes, counted over all env slots",
      Check::Range(1, 1 << 20));
    v("gamma", gamma, "discount of the Monte-Carlo returns", Check::Range(0, 1));
    v("lr", lr, "Adam learning rate of the policy", Check::Positive());
    v("adam_eps", adam_eps, "Adam epsilon", Check::Positive());
    v("ent_coef", ent_coef, "entropy bonus coefficient", Check::Min(0));
    v("max_grad_norm", max_grad_norm, "policy gradient-norm clip; 0 = none", Check::Min(0));
    v("policy", policy, "policy head: linear in the observation, or an MLP (net)",
      Check::OneOf({"linear", "mlp"}));
    v("features", features,
      "fixed features f(s) the policy reads instead of s, e.g. {type: fourier, order: 3} for "
      "BARFI's linear softmax over a Fourier basis; type none = the observation");
    v("baseline", baseline,
      "subtracted from the returns: none, the batch's mean return, or a learned value MLP",
      Check::OneOf({"none", "mean", "value"}));
    v("value_lr", value_lr, "Adam learning rate of the value baseline", Check::Positive());
    v("value_epochs", value_epochs, "full-batch value-baseline steps per update",
      Check::Range(1, 1 << 16));
    v("bootstrap_truncated", bootstrap_truncated,
      "with baseline: value, a truncated episode's returns add gamma^(T-t) V(final obs); "
      "otherwise (and always with other baselines) returns stop at the truncation");
    v("log_std_init", log_std_init, "initial log-std of continuous actions");
    v("net", net, "hidden layers of the MLP policy and of the value baseline");
    v("max_stored_steps", max_stored_steps,
      "transitions kept for the batch and the running episodes; 0 = num_envs x "
      "(ceil(episodes_per_update / num_envs) + 1) x the env's max_episode_steps (2^20 without one)",
      Check::Range(0, int64_t{1} << 31));
  }
};

// Capacity of REINFORCE's transition store: max_stored_steps if set, else room for the batch and
// the running episodes when every episode ends within `max_episode_steps` (L) and the agent
// updates as soon as it is ready: fewer than ceil(K / N) episodes per slot end between updates,
// so everything still needed started less than (ceil(K / N) + 1) L env steps ago. Without a time
// limit (L = 0) it is 2^20 transitions.
inline int64_t ReinforceStoreCapacity(const ReinforceConfig& config, int num_envs,
                                      int max_episode_steps) {
  if (config.max_stored_steps > 0) return config.max_stored_steps;
  if (max_episode_steps <= 0) return int64_t{1} << 20;
  const int64_t n = num_envs, k = config.episodes_per_update;
  return n * ((k + n - 1) / n + 1) * max_episode_steps;
}

}  // namespace rl

#endif  // REWARDLAB_AGENTS_REINFORCE_REINFORCE_CONFIG_H_
