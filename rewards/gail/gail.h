// Off-policy GAIL with a Lipschitz reward (Blondé, Strasser & Kalousis, "Lipschitzness Is All You
// Need To Tame Off-policy Generative Adversarial Imitation Learning", arXiv 2006.16785, Machine
// Learning 2022; algorithms.md §4). A discriminator logit D(x), x = (s, a) or (s, s'), is trained
// to tell expert transitions (label 1) from the agent's (label 0) with a gradient penalty that
// keeps it locally Lipschitz (rewards/gail/discriminator.h), and the agent is trained on
//   minimax:  r(x) = −log(1 − sigmoid(D(x)) + 1e-8)  ∈ [0, 18.4]  (a survival bonus), or
//   airl:     r(x) = log sigmoid(D(x)) − log(1 − sigmoid(D(x))) = D(x)  (signed).
// Sign: higher r is more expert-like; weight >= 0.
//
// Expert data: the Minari dataset `demos` (envs/demo_dataset.h), its first num_demos episodes,
// each subsampled every `stride` steps from a random offset. Fit (every fit_every env steps, or
// before every agent update) runs d_steps discriminator updates, each on batch_size expert
// transitions drawn uniformly and as many policy transitions drawn uniformly from the agent's own
// store (FitContext::agent_store: SAC's replay buffer, PPO's rollout). Compute never changes
// state, so SAC relabels every sampled minibatch with the current discriminator (historical
// patching).
//
// Inputs: x = (s, a) with a Discrete action one-hot, or (s, s'). With absorbing states (DAC,
// §4.5; `absorbing`, on by default) each part gets an indicator bit, x = (s, b, a, b) or
// (s, b, s', b'): a real transition has bits 0, the absorbing self-loop is (0…0, 1, 0…0, 1), and
// in (s, s') a true termination's s' is the absorbing state (0…0, 1). The agent samples one
// self-loop per stored termination (TransitionStore::SampleAbsorbing) and bootstraps into it;
// every expert episode that terminated (not truncated) is wrapped the same way, its self-loop
// kept whatever the stride. The bits are never standardised, and absorbing inputs never feed
// the input statistics.
//
// Pessimistic preconditioning (§4.4; `preconditioning`): the reward is multiplied by
// ψ = exp(−g / s) per transition, g = max(0, ‖∇‖ − k)² of the discriminator's input gradient
// (reward_gradient, k = penalty_target) or of a forward model f(s, a) → s' (dynamics,
// k = dynamics_target, ψ >= 0.7), s the std of the last 10 fits' mean g on policy minibatches
// (rewards/gail/preconditioner.h); absorbing self-loops keep ψ = 1. The forward model is trained
// once per fit on the policy minibatch; it also gives the γ²C diagnostic (§4.3),
// γ²·mean‖∇f‖²·max(1, mean‖∇π‖²) with ‖∇π‖ from FitContext::policy_input_grad_norms.
#ifndef REWARDLAB_REWARDS_GAIL_GAIL_H_
#define REWARDLAB_REWARDS_GAIL_GAIL_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/demo_dataset.h"
#include "envs/env.h"
#include "rewards/gail/discriminator.h"
#include "rewards/gail/forward_model.h"
#include "rewards/gail/gail_config.h"
#include "rewards/gail/preconditioner.h"
#include "rewards/reward_module.h"

namespace rl {

// The GAIL reward.
class Gail : public RewardModule {
 public:
  // A discriminator over the env's (s, a) or (s, s') and the expert transitions of `demos`
  // (subsampled with draws from `rng`); metrics named "<name>/*"; `gamma` (the agent's) for γ²C.
  Gail(const GailConfig& config, const DemoDataset& demos, const EnvSpec& spec,
       const std::string& name, Rng rng, double gamma = 0.99);

  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override;
  bool Absorbing() const override { return config_.absorbing; }
  bool Learned() const override { return true; }
  std::vector<double> Fit(const FitContext& context) override;
  std::vector<std::string> MetricNames() const override;
  void Save(const h5::Group& g) const override;
  void Load(const h5::Group& g) override;

  // Width of the discriminator's inputs.
  int InputDim() const { return disc_.InputDim(); }
  // The raw discriminator inputs of each transition (in_dim x B).
  void Inputs(const RewardBatch& batch, Eigen::MatrixXf& x) const;
  // The reward of each logit (B), in place.
  void RewardOfLogits(Eigen::Ref<Eigen::VectorXf> logits) const;
  // The expert's raw discriminator inputs (in_dim x N), after subsampling.
  const Eigen::MatrixXf& ExpertInputs() const { return expert_; }
  // The discriminator.
  gail::Discriminator& Disc() { return disc_; }
  // The discriminator, read-only.
  const gail::Discriminator& Disc() const { return disc_; }

 private:
  GailConfig config_;
  std::string name_;
  int obs_dim_;
  int act_width_;  // width of the action part: act_dim, or n one-hot for a Discrete space
  bool discrete_;  // actions are Discrete indices
  Rng rng_;        // subsampling, then minibatches and penalty points
  gail::Discriminator disc_;
  Eigen::MatrixXf expert_;  // (in_dim x N) raw expert inputs
  double gamma_;
  std::optional<gail::ForwardModel> forward_;  // with dynamics preconditioning or γ²C
  gail::Preconditioner precond_;
  int64_t last_fit_step_ = 0;
  int64_t fits_ = 0;

  // ψ (B) of each transition of `batch` whose discriminator inputs are x (in_dim x B).
  void Psi(const RewardBatch& batch, const Eigen::MatrixXf& x,
           Eigen::Ref<Eigen::VectorXf> psi) const;
  // The penalties g (B) of the preconditioner at (s, a) (obs_dim x B, act_dim x B) whose
  // discriminator inputs are x (in_dim x B).
  void Excess(const Eigen::Ref<const Eigen::MatrixXf>& s,
              const Eigen::Ref<const Eigen::MatrixXf>& a,
              const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::Ref<Eigen::VectorXf> g) const;
  // After the discriminator updates: trains the forward model on the real rows of the last
  // policy minibatch, feeds their g to the preconditioner; returns the forward loss, ψ mean (1
  // without preconditioning) and γ²C (NaN where not computed).
  std::array<double, 3> FitLipschitz(const FitContext& context);
  // Writes the absorbing self-loop's input (s_abs, a_abs) or (s_abs, s_abs) into x (in_dim).
  void SelfLoopInput(Eigen::Ref<Eigen::VectorXf> x) const;

  // scratch
  mutable Eigen::MatrixXf x_;
  mutable Eigen::VectorXf psi_;                  // (B) of Compute      // (in_dim x B) of Compute
  Eigen::MatrixXf expert_batch_;                 // (in_dim x batch_size)
  Eigen::MatrixXf policy_x_;                     // (in_dim x batch_size)
  Eigen::VectorXf policy_reward_;                // (batch_size)
  TransitionBatch policy_batch_;                 // sampled from the agent's store
  mutable Eigen::VectorXf norms_, g_;            // (B) of Psi
  Eigen::MatrixXf real_s_, real_a_, real_next_;  // real rows of the last policy minibatch
  Eigen::MatrixXf real_x_;                       // (in_dim x B') their discriminator inputs
  Eigen::VectorXf real_g_, real_psi_, real_norms_;  // (B')
};

// Builds the module for `context`: loads `demos` for the env (its errors name `key`.demos).
std::unique_ptr<RewardModule> MakeGail(const GailConfig& config, const std::string& key,
                                       const RewardContext& context);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_GAIL_GAIL_H_
