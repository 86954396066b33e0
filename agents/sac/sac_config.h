// SAC's options; the defaults are CleanRL's `sac_continuous_action.py`, the YAML `agent:` section.
#ifndef REWARDLAB_AGENTS_SAC_SAC_CONFIG_H_
#define REWARDLAB_AGENTS_SAC_SAC_CONFIG_H_

#include <string>

#include "agents/ppo/ppo_config.h"
#include "core/config.h"

namespace rl {

// Soft actor-critic (Haarnoja et al. 2018) with twin Q, target networks and automatic entropy.
struct SacConfig {
  std::string type = "sac";
  int64_t buffer_size = 1000000;     // replay capacity (transitions)
  int batch_size = 256;              // minibatch size
  int64_t learning_starts = 5000;    // env steps of uniform random actions before learning
  double gamma = 0.99;               // discount
  double tau = 0.005;                // target Polyak rate
  double policy_lr = 3e-4;           // actor learning rate
  double q_lr = 1e-3;                // critic (and entropy temperature) learning rate
  int train_freq = 1;                // update every this many VecEnv steps (SB3 train_freq)
  int gradient_steps = 1;            // critic steps per update (SB3 gradient_steps)
  int policy_frequency = 2;          // actor updates every this many steps, this many at once
  int target_network_frequency = 1;  // Polyak every this many steps
  bool autotune = true;  // learn alpha towards target entropy -|A| * target_entropy_scale
  double alpha = 0.2;    // fixed entropy coefficient when autotune is off
  double target_entropy_scale = 1.0;     // target entropy = -scale * action dims
  double log_std_min = -5.0;             // lower bound of the policy log-std
  double log_std_max = 2.0;              // upper bound of the policy log-std
  NetConfig net = {{256, 256}, "relu"};  // actor and both critics
  int threads = 1;  // threads for the twin critics (1 or 2; 0 = 2); results do not depend on it

  template <class V>
  void Fields(V& v) {
    v("type", type, "agent type", Check::OneOf({"sac"}));
    v("buffer_size", buffer_size, "replay capacity in transitions", Check::Min(1));
    v("batch_size", batch_size, "minibatch size", Check::Min(1));
    v("learning_starts", learning_starts, "env steps of uniform random actions before learning",
      Check::Min(0));
    v("gamma", gamma, "discount factor", Check::Range(0, 1));
    v("tau", tau, "target network Polyak rate", Check::Range(0, 1));
    v("policy_lr", policy_lr, "actor learning rate", Check::Positive());
    v("q_lr", q_lr, "critic and alpha learning rate", Check::Positive());
    v("train_freq", train_freq, "update every this many VecEnv steps (SB3 train_freq)",
      Check::Min(1));
    v("gradient_steps", gradient_steps, "gradient steps per update (SB3 gradient_steps)",
      Check::Min(1));
    v("policy_frequency", policy_frequency,
      "update the actor every this many steps, this many times (delayed, as CleanRL)",
      Check::Min(1));
    v("target_network_frequency", target_network_frequency, "Polyak update every this many steps",
      Check::Min(1));
    v("autotune", autotune, "learn the entropy coefficient alpha");
    v("alpha", alpha, "entropy coefficient when autotune is off", Check::Min(0));
    v("target_entropy_scale", target_entropy_scale, "target entropy = -scale * action dims");
    v("log_std_min", log_std_min, "lower bound of the policy log-std");
    v("log_std_max", log_std_max, "upper bound of the policy log-std");
    v("net", net, "actor and critic networks");
    v("threads", threads,
      "threads running the twin critics side by side (1 or 2, 0 = 2); results do not depend on it",
      Check::Range(0, 2));
  }
};

}  // namespace rl

#endif  // REWARDLAB_AGENTS_SAC_SAC_CONFIG_H_
