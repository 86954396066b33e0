// The learned dynamics f(s, a) ≈ s' of algorithms.md §4.4 (dynamics-based pessimistic reward
// preconditioning, the authors' `gail_mod_f`): an MLP over the concatenation x = (s, a), hidden
// 100-100 LeakyReLU(0.1), output obs_dim, trained by Adam on the MSE (mean over every entry, as
// F.mse_loss) against the raw next state.
//
// Input space: the network sees x̃ = (x − μ) / σ, μ and σ running statistics of its training
// inputs (no clipping). InputGradNorms differentiates in that SAME standardised space, ∇_x̃, so the
// norms do not move when a feature's units change; in raw units ∂/∂x_i = (1/σ_i) ∂/∂x̃_i. (The
// authors standardise only s, with the agent's statistics clamped to [−5, 5], and differentiate
// w.r.t. the raw inputs.)
//
// Inference and InputGradNorms use mutable scratch: allocation-free after warm-up, not
// thread-safe per object.
#ifndef REWARDLAB_REWARDS_GAIL_FORWARD_MODEL_H_
#define REWARDLAB_REWARDS_GAIL_FORWARD_MODEL_H_

#include <Eigen/Dense>
#include <vector>

#include "core/h5.h"
#include "core/rng.h"
#include "nn/adam.h"
#include "nn/mlp.h"
#include "nn/running_stats.h"

namespace rl::gail {

// LeakyReLU's slope in the forward model (the authors' PredNet, as the discriminator's).
inline constexpr float kForwardLeakySlope = 0.1f;
// Gain of the forward model's output-layer orthogonal init (the authors' head weight scale).
inline constexpr float kForwardHeadGain = 0.01f;

// A learned forward model f(s, a) → s' with its optimiser and input statistics.
class ForwardModel {
 public:
  // A network over obs_dim + act_dim inputs drawn from `rng`, Adam with step size `lr`.
  ForwardModel(int obs_dim, int act_dim, double lr, Rng& rng,
               const std::vector<int>& hidden = {100, 100});

  // Observation width (and output width).
  int ObsDim() const { return obs_dim_; }
  // Action width.
  int ActDim() const { return act_dim_; }
  // Input width obs_dim + act_dim.
  int InputDim() const { return net_.InputDim(); }

  // Standardised inputs x̃ (in x B) of states s (obs_dim x B) and actions a (act_dim x B).
  void Normalize(const Eigen::Ref<const Eigen::MatrixXf>& s,
                 const Eigen::Ref<const Eigen::MatrixXf>& a, Eigen::Ref<Eigen::MatrixXf> out) const;
  // Predicted next states f(s, a) (obs_dim x B).
  void Predict(const Eigen::Ref<const Eigen::MatrixXf>& s,
               const Eigen::Ref<const Eigen::MatrixXf>& a, Eigen::Ref<Eigen::MatrixXf> out) const;
  // Merges (s, a) into the input statistics, then one Adam step on the MSE against next_s
  // (obs_dim x B); returns the loss before the step.
  double Train(const Eigen::Ref<const Eigen::MatrixXf>& s,
               const Eigen::Ref<const Eigen::MatrixXf>& a,
               const Eigen::Ref<const Eigen::MatrixXf>& next_s);
  // Per column b, ‖∇_x̃ Σ_i f_i(x̃_b)‖₂ (B): the gradient of the SUM of the outputs (the authors'
  // ones grad_output), not a Jacobian norm, in the standardised input space.
  void InputGradNorms(const Eigen::Ref<const Eigen::MatrixXf>& s,
                      const Eigen::Ref<const Eigen::MatrixXf>& a,
                      Eigen::Ref<Eigen::VectorXf> out) const;

  // The network.
  nn::Mlp& Net() { return net_; }
  // The network, read-only.
  const nn::Mlp& Net() const { return net_; }
  // The input statistics, (in).
  const nn::RunningMeanStd& InputStats() const { return stats_; }

  // Writes network, optimiser and input statistics under g.
  void Save(const h5::Group& g) const;
  // Restores what Save wrote; throws UserError when the sizes differ.
  void Load(const h5::Group& g);

 private:
  // Checks the shapes and writes [s; a] into x_.
  void Stack(const Eigen::Ref<const Eigen::MatrixXf>& s,
             const Eigen::Ref<const Eigen::MatrixXf>& a) const;

  int obs_dim_;
  int act_dim_;
  nn::Mlp net_;
  nn::Adam adam_;
  nn::RunningMeanStd stats_;  // (in) of training inputs

  // scratch
  mutable Eigen::MatrixXf x_, x_norm_, y_;  // (in x B), (in x B), (obs_dim x B)
  mutable Eigen::MatrixXf ones_, gx_;       // (obs_dim x B), (in x B)
  mutable nn::MlpCache grad_cache_;         // InputGradNorms' forward pass
  Eigen::MatrixXf dy_;                      // (obs_dim x B) dL/df
  Eigen::VectorXf grad_;                    // (params)
  nn::MlpCache cache_;                      // Train's forward pass
};

}  // namespace rl::gail

#endif  // REWARDLAB_REWARDS_GAIL_FORWARD_MODEL_H_
