// PPO's minibatch loss and its gradients, computed over a contiguous range of the minibatch's
// columns (a shard) so that shards can run on separate threads and be summed in a fixed order.
//
//   L = mean_b [ max(-A_b ρ_b, -A_b clip(ρ_b, 1-ε, 1+ε)) ] - c_ent mean_b H_b
//       + c_vf mean_b ½ max((V_b - R_b)², (V_old,b + clip(V_b - V_old,b, ±ε) - R_b)²)
//   with ρ_b = π(a_b|s_b) / π_old(a_b|s_b); the value term is unclipped when clip_vloss is off.
//
// Every mean divides by the whole minibatch size m, so the shards' gradients add up to the
// minibatch gradient; their statistics are sums, divided by m by the caller.
#ifndef REWARDLAB_AGENTS_PPO_PPO_LOSS_H_
#define REWARDLAB_AGENTS_PPO_PPO_LOSS_H_

#include <Eigen/Dense>

#include "nn/distributions.h"
#include "nn/mlp.h"

namespace rl {

// A gathered minibatch, columns = transitions.
struct PpoMinibatch {
  Eigen::MatrixXf obs;        // (obs_dim x m) normalised observations, as the networks saw them
  Eigen::MatrixXf actions;    // (act_dim x m) sampled actions (class indices when discrete)
  Eigen::VectorXf logp;       // (m) log π_old(a|s)
  Eigen::VectorXf adv;        // (m) advantages, normalised if configured
  Eigen::VectorXf ret;        // (m) return targets
  Eigen::VectorXf old_value;  // (m) V_old(s)
};

// Coefficients of the loss.
struct PpoLossOptions {
  float clip = 0.2f;       // surrogate (and value) clipping ε
  float ent_coef = 0.0f;   // entropy bonus c_ent
  float vf_coef = 0.5f;    // value loss weight c_vf
  bool clip_vloss = true;  // clipped value loss
  bool discrete = false;   // categorical policy (else diagonal Gaussian with log_std)
};

// One shard's gradients, statistics and scratch (reused across minibatches).
struct PpoShard {
  Eigen::VectorXf actor_grad;    // (actor params) dL/dθ_actor over the shard's columns
  Eigen::VectorXf critic_grad;   // (critic params) dL/dθ_critic
  Eigen::VectorXf log_std_grad;  // (act_dim) dL/dlog_std (continuous only)
  // sums over the shard's columns: ½-squared value error, surrogate, entropy, -log ρ,
  // ρ - 1 - log ρ, and the number of clipped ratios
  double value_loss = 0, policy_loss = 0, entropy = 0, old_kl = 0, kl = 0, clipped = 0;

  nn::MlpCache actor_cache, critic_cache;
  nn::Categorical categorical;
  nn::DiagGaussian gaussian;
  Eigen::MatrixXf dhead, dvalue;
  Eigen::VectorXf new_logp, entropies, dlogp, dent;
  Eigen::VectorXi class_actions;
};

// Fills the policy half of `shard` (actor_grad, log_std_grad, the surrogate, entropy, KL and
// clipping statistics) from columns [begin, end) of `mb`.
void PpoPolicyLoss(const nn::Mlp& actor, const Eigen::VectorXf& log_std, const PpoMinibatch& mb,
                   int begin, int end, const PpoLossOptions& options, PpoShard& shard);

// Fills the value half of `shard` (critic_grad, value_loss) from columns [begin, end) of `mb`.
// It touches no member the policy half writes, so the two halves may run on two threads.
void PpoValueLoss(const nn::Mlp& critic, const PpoMinibatch& mb, int begin, int end,
                  const PpoLossOptions& options, PpoShard& shard);

// Fills `shard` with both halves.
inline void PpoShardLoss(const nn::Mlp& actor, const nn::Mlp& critic,
                         const Eigen::VectorXf& log_std, const PpoMinibatch& mb, int begin, int end,
                         const PpoLossOptions& options, PpoShard& shard) {
  PpoPolicyLoss(actor, log_std, mb, begin, end, options, shard);
  PpoValueLoss(critic, mb, begin, end, options, shard);
}

}  // namespace rl

#endif  // REWARDLAB_AGENTS_PPO_PPO_LOSS_H_
