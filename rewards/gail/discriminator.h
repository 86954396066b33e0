// The GAIL discriminator of algorithms.md §4.1–§4.2: an MLP D(x) giving a logit (no sigmoid
// inside) on standardised inputs x̃ = (x − μ) / σ (running statistics of its training batches, no
// clipping), trained by Adam on
//   L = mean_expert BCE(D, 1 − smoothing) + mean_policy BCE(D, 0) − c_ent · mean H(sigmoid(D))
//       + λ · mean_b h(‖∇_x̃ D(x̂_b)‖₂ − k),   h(u) = u² (two-sided) or max(0, u)² (one-sided),
// with the penalty points x̂ in the SAME standardised space D sees (algorithms.md §4.7):
//   wgan    x̂ = ε x̃_policy + (1 − ε) x̃_expert, one ε ~ U[0, 1] per sample for the whole vector;
//   dragan  x̂ = x̃_expert + N(0, s²);   nagard  x̂ = x̃_policy + N(0, s²)   (s = 10 by default).
// The penalty's parameter gradient is Mlp::GradientPenalty's analytic double backprop.
#ifndef REWARDLAB_REWARDS_GAIL_DISCRIMINATOR_H_
#define REWARDLAB_REWARDS_GAIL_DISCRIMINATOR_H_

#include <Eigen/Dense>
#include <vector>

#include "core/h5.h"
#include "core/rng.h"
#include "nn/adam.h"
#include "nn/mlp.h"
#include "nn/running_stats.h"

namespace rl::gail {

// Where the gradient penalty is taken.
enum class PenaltyPoints { kNone, kWgan, kDragan, kNagard };

// LeakyReLU's slope in the paper's discriminator (algorithms.md §4.1).
inline constexpr float kLeakySlope = 0.1f;
// Gain of the output layer's orthogonal init (the paper's head init scale).
inline constexpr float kHeadGain = 0.01f;

// How the discriminator is built and trained.
struct DiscriminatorOptions {
  std::vector<int> hidden = {100, 100};                       // hidden widths
  nn::Activation activation = nn::Activation::kLeakyRelu;     // hidden nonlinearity
  bool spectral_norm = true;                                  // W/σ(W) on hidden layers
  bool normalize_inputs = true;                               // standardise inputs
  double lr = 5e-4;                                           // Adam step size
  float label_smoothing = 0.0f;                               // expert label 1 − this
  float ent_coef = 0.001f;                                    // entropy bonus weight
  PenaltyPoints penalty = PenaltyPoints::kWgan;               // penalty points
  nn::PenaltyForm penalty_form = nn::PenaltyForm::kTwoSided;  // h
  float penalty_target = 1.0f;                                // k
  float penalty_scale = 10.0f;                                // λ
  float penalty_noise = 10.0f;                                // s of dragan / nagard
  // input rows left unstandardised (absorbing indicator bits); a column whose first such row is
  // set is an absorbing input and never feeds the statistics
  std::vector<int> raw_rows;
};

// What one update measured (before its Adam step).
struct UpdateStats {
  double bce = 0.0;              // the BCE part of the loss (both means summed)
  double expert_accuracy = 0.0;  // fraction of expert inputs with D > 0
  double policy_accuracy = 0.0;  // fraction of policy inputs with D < 0
  double grad_norm = 0.0;        // mean ‖∇_x̃ D‖₂ at the expert and policy inputs
  double penalty = 0.0;  // mean_b h(‖∇_x̃ D(x̂_b)‖ − k), unscaled; 0 without a penalty
};

// The discriminator: network, optimiser and input statistics.
class Discriminator {
 public:
  // A network over `in_dim` inputs drawn from `rng`.
  Discriminator(int in_dim, const DiscriminatorOptions& options, Rng& rng);

  // Input width.
  int InputDim() const { return net_.InputDim(); }
  // Standardised inputs (in x B) of raw inputs x (in x B), raw_rows kept; x itself without
  // normalisation.
  void Normalize(const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::Ref<Eigen::MatrixXf> out) const;
  // Logits D(x̃) (B) of raw inputs x (in x B); inference, allocation-free after warm-up.
  void Logits(const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::Ref<Eigen::VectorXf> out) const;
  // ‖∇_x̃ D(x̃)‖₂ (B) of raw inputs x (in x B), in the standardised space; inference.
  void InputGradNorms(const Eigen::Ref<const Eigen::MatrixXf>& x,
                      Eigen::Ref<Eigen::VectorXf> out) const;
  // One Adam step on an expert and a policy batch of raw inputs (in x B each, the same B):
  // merges both (less absorbing inputs) into the input statistics, then BCE, entropy and penalty
  // from `rng`.
  UpdateStats Update(const Eigen::Ref<const Eigen::MatrixXf>& expert,
                     const Eigen::Ref<const Eigen::MatrixXf>& policy, Rng& rng);
  // The penalty points (in x B) of standardised expert and policy inputs (in x B each).
  void PenaltyPointsOf(const Eigen::Ref<const Eigen::MatrixXf>& expert,
                       const Eigen::Ref<const Eigen::MatrixXf>& policy, Rng& rng,
                       Eigen::MatrixXf& points) const;
  // The unscaled penalty at standardised points (in x B); adds λ · its parameter gradient into
  // grad (NumParams()) and writes ∇_x̃ D (in x B) into input_grad when non-null. A training
  // forward: it runs spectral normalisation's power iteration.
  double Penalty(const Eigen::Ref<const Eigen::MatrixXf>& points, Eigen::Ref<Eigen::VectorXf> grad,
                 Eigen::MatrixXf* input_grad = nullptr);

  // The network.
  nn::Mlp& Net() { return net_; }
  // The network, read-only.
  const nn::Mlp& Net() const { return net_; }
  // The input statistics.
  nn::RunningMeanStd& InputStats() { return stats_; }
  // The options.
  const DiscriminatorOptions& Options() const { return options_; }

  // Writes network, optimiser and statistics under g.
  void Save(const h5::Group& g) const;
  // Restores what Save wrote; throws UserError when the sizes differ.
  void Load(const h5::Group& g);

 private:
  DiscriminatorOptions options_;
  nn::Mlp net_;
  nn::Adam adam_;
  nn::RunningMeanStd stats_;  // (in) of training inputs, expert and policy

  // Merges the columns of x that are not absorbing inputs into the input statistics.
  void MergeStats(const Eigen::Ref<const Eigen::MatrixXf>& x);

  // scratch
  mutable Eigen::MatrixXf x_norm_, y_;             // (in x B), (1 x B) of Logits
  mutable Eigen::MatrixXf probe_ones_, probe_gx_;  // (1 x B), (in x B) of InputGradNorms
  mutable nn::MlpCache probe_cache_;
  Eigen::MatrixXf x_, dy_, ones_, gx_;  // (in x 2B), (1 x 2B), (1 x 2B), (in x 2B)
  Eigen::MatrixXf points_;              // (in x B)
  Eigen::MatrixXf real_;                // (in x B') inputs that feed the statistics
  Eigen::VectorXf grad_;                // (params)
  nn::MlpCache cache_, penalty_cache_;
};

}  // namespace rl::gail

#endif  // REWARDLAB_REWARDS_GAIL_DISCRIMINATOR_H_
