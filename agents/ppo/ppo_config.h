// PPO's options; the defaults are CleanRL's `ppo.py` (classic control), the YAML `agent:` section.
#ifndef REWARDLAB_AGENTS_PPO_PPO_CONFIG_H_
#define REWARDLAB_AGENTS_PPO_PPO_CONFIG_H_

#include <string>
#include <vector>

#include "core/config.h"
#include "nn/mlp.h"

namespace rl {

// The actor and critic networks.
struct NetConfig {
  std::vector<int> hidden = {64, 64};           // hidden layer widths
  std::string activation = "tanh";              // hidden nonlinearity
  double leaky_slope = nn::kDefaultLeakySlope;  // leaky_relu's slope below zero

  template <class V>
  void Fields(V& v) {
    v("hidden", hidden, "hidden layer widths", Check::Range(1, 1 << 16));
    v("activation", activation, "hidden nonlinearity",
      Check::OneOf({"tanh", "relu", "leaky_relu"}));
    v("leaky_slope", leaky_slope, "leaky_relu: slope below zero (PyTorch's default 0.01)",
      Check::Range(0, 1));
  }
  // The network options of these settings.
  nn::MlpOptions Options() const { return {.leaky_slope = static_cast<float>(leaky_slope)}; }
};

// Proximal policy optimisation (Schulman et al. 2017), clipped surrogate, GAE(λ).
struct PpoConfig {
  std::string type = "ppo";
  int num_steps = 128;              // rollout length per env
  int num_minibatches = 4;          // minibatches per epoch
  int update_epochs = 4;            // passes over each rollout
  double lr = 2.5e-4;               // Adam learning rate
  bool anneal_lr = true;            // linearly to 0 over total_steps
  double adam_eps = 1e-5;           // Adam epsilon (CleanRL)
  double gamma = 0.99;              // discount
  double gae_lambda = 0.95;         // GAE λ
  double clip_coef = 0.2;           // surrogate clipping ε
  bool anneal_clip = false;         // linearly to 0 with the learning rate (rl-zoo `lin_`)
  bool clip_vloss = true;           // clipped value loss
  double ent_coef = 0.01;           // entropy bonus
  double vf_coef = 0.5;             // value loss weight
  double max_grad_norm = 0.5;       // global gradient-norm clip
  bool norm_adv = true;             // normalise advantages per minibatch
  double target_kl = 0.0;           // stop the epochs past this approx KL; 0 = never
  bool bootstrap_truncated = true;  // bootstrap from V(s') on truncation; false = CleanRL
  bool normalize_obs = false;       // running mean/std observation normalisation
  bool normalize_reward = false;    // return-based reward scaling
  double clip_obs = 10.0;           // normalised observation clip
  double clip_reward = 10.0;        // scaled reward clip
  double log_std_init = 0.0;        // initial log-std (continuous actions)
  int grad_shards = 1;              // column shards of each minibatch gradient, summed in order
  int threads = 1;                  // threads computing the actor/critic halves of the shards
  int rollout_shards = 0;           // slot shards rolling out on their own; 0 = lockstep
  NetConfig net;                    // actor and critic networks (separate)

  template <class V>
  void Fields(V& v) {
    v("type", type, "agent type", Check::OneOf({"ppo"}));
    v("num_steps", num_steps, "rollout length per env", Check::Min(1));
    v("num_minibatches", num_minibatches, "minibatches per epoch", Check::Min(1));
    v("update_epochs", update_epochs, "passes over each rollout", Check::Min(1));
    v("lr", lr, "Adam learning rate", Check::Positive());
    v("anneal_lr", anneal_lr, "anneal the learning rate linearly to 0 over total_steps");
    v("adam_eps", adam_eps, "Adam epsilon", Check::Positive());
    v("gamma", gamma, "discount factor", Check::Range(0, 1));
    v("gae_lambda", gae_lambda, "GAE lambda", Check::Range(0, 1));
    v("clip_coef", clip_coef, "surrogate clipping epsilon", Check::Positive());
    v("anneal_clip", anneal_clip, "anneal clip_coef linearly to 0 (rl-zoo lin_ schedule)");
    v("clip_vloss", clip_vloss, "use the clipped value loss");
    v("ent_coef", ent_coef, "entropy bonus coefficient", Check::Min(0));
    v("vf_coef", vf_coef, "value loss coefficient", Check::Min(0));
    v("max_grad_norm", max_grad_norm, "global gradient-norm clip", Check::Positive());
    v("norm_adv", norm_adv, "normalise advantages per minibatch");
    v("target_kl", target_kl, "stop an update's epochs past this approx KL; 0 = never",
      Check::Min(0));
    v("bootstrap_truncated", bootstrap_truncated,
      "bootstrap from V(final obs) on truncation; false reproduces CleanRL PPO");
    v("normalize_obs", normalize_obs, "running mean/std observation normalisation");
    v("normalize_reward", normalize_reward,
      "return-based reward scaling (Gymnasium NormalizeReward)");
    v("clip_obs", clip_obs, "clip of normalised observations", Check::Positive());
    v("clip_reward", clip_reward, "clip of scaled rewards", Check::Positive());
    v("log_std_init", log_std_init, "initial log-std of continuous actions");
    v("grad_shards", grad_shards,
      "split each minibatch gradient into this many column shards, summed in a fixed order "
      "(results depend on it, not on threads)",
      Check::Range(1, 1024));
    v("threads", threads,
      "threads computing each minibatch's actor and critic halves of every gradient shard; 0 = "
      "one per core",
      Check::Range(0, 1024));
    v("rollout_shards", rollout_shards,
      "collect each rollout in this many fixed slot shards, each stepping its envs on its own "
      "(on env.threads) with no barrier between steps; the observation normaliser then updates "
      "once per rollout. 0 = all slots in lockstep (CleanRL, SB3). Results depend on it, not on "
      "threads",
      Check::Range(0, 65536));
    v("net", net, "actor and critic networks (separate)");
  }
};

}  // namespace rl

#endif  // REWARDLAB_AGENTS_PPO_PPO_CONFIG_H_
