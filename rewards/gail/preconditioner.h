// Pessimistic reward preconditioning (algorithms.md §4.4): r̃(s, a) = ψ(s, a) · r(s, a) with
//   ψ = max(min_psi, exp(−g / s)),   g = max(0, ‖∇‖ − k)² ≥ 0 per transition,
// where ‖∇‖ is the input-gradient norm of the forward model f (dynamics variant, `gail_mod_f`:
// k = k_f, min_psi = 0.7) or of the discriminator D (reward-gradient variant, `gail_mod_r`:
// min_psi = 0, no clamp). Both variants divide by the same running scale s, the population std
// (np.std) of the last `window` (10) batch means of g, floored at `scale_floor`; ψ ≡ 1 while fewer
// than 2 batch means are known. The authors append the batch mean before rescaling, so call
// Observe(g) and then Psi(g) on the same batch to match them.
//
// Deviations from the authors' code, kept on purpose: there g is the batch MEAN of the penalty, so
// one ψ serves the whole batch (here ψ is per transition, as the paper's ψ(s, a)); and s is a
// cumulative RunningMeanStd into which the whole deque is merged at every call, std floored at 0.1
// and starting at 1 (here the plain std of the window, floor 1e-8 by default).
//
// Also the gamma2c Lipschitz diagnostic of §4.3.
#ifndef REWARDLAB_REWARDS_GAIL_PRECONDITIONER_H_
#define REWARDLAB_REWARDS_GAIL_PRECONDITIONER_H_

#include <Eigen/Dense>
#include <algorithm>
#include <vector>

#include "core/h5.h"

namespace rl::gail {

// ψ's floor of the dynamics variant, clamp(exp(−g_f / std), min = 0.7).
inline constexpr double kDynamicsMinPsi = 0.7;
// Number of batch means the running scale is taken over (the authors' deque(maxlen=10)).
inline constexpr int kPsiWindow = 10;
// Lower bound of the running scale s, so that ψ stays defined when the window's means coincide.
inline constexpr double kPsiScaleFloor = 1e-8;

// How ψ is formed.
struct PreconditionerOptions {
  double min_psi = 0.0;                 // floor of ψ: 0 reward-gradient, kDynamicsMinPsi dynamics
  int window = kPsiWindow;              // batch means kept for the scale
  double scale_floor = kPsiScaleFloor;  // s = max(scale_floor, std of the window)
};

// γ²·mod_2²·max(1, mod_3²), the gamma2c diagnostic of algorithms.md §4.3: mod_2 the forward
// model's input-gradient norm (a proxy for L_T), mod_3 the actor's (a proxy for L_π); the
// state-action value is locally Lipschitz when it is below 1.
inline double Gamma2C(double gamma, double mod2, double mod3) {
  return gamma * gamma * mod2 * mod2 * std::max(1.0, mod3 * mod3);
}

// The pessimistic multiplier ψ ∈ [min_psi, 1] of per-transition penalties g.
class Preconditioner {
 public:
  // No batch means known yet (ψ ≡ 1); throws std::invalid_argument on bad options.
  explicit Preconditioner(const PreconditionerOptions& options = {});

  // out = max(0, norms − k)² (B) of gradient norms (B).
  static void Excess(const Eigen::Ref<const Eigen::VectorXf>& norms, float k,
                     Eigen::Ref<Eigen::VectorXf> out);

  // Pushes the mean of penalties g (B) into the window, dropping the oldest beyond `window`;
  // an empty batch is ignored.
  void Observe(const Eigen::Ref<const Eigen::VectorXf>& g);
  // ψ (B) of penalties g (B) under the current scale; changes nothing.
  void Psi(const Eigen::Ref<const Eigen::VectorXf>& g, Eigen::Ref<Eigen::VectorXf> out) const;
  // The scale s = max(scale_floor, std of the window); 0 while fewer than 2 means are known.
  double Scale() const;
  // Number of batch means in the window.
  int NumMeans() const { return size_; }
  // The batch means, oldest first (NumMeans()).
  Eigen::VectorXd Means() const;
  // The options.
  const PreconditionerOptions& Options() const { return options_; }

  // Writes the window of batch means under g.
  void Save(const h5::Group& g) const;
  // Restores what Save wrote; throws UserError when the window length differs.
  void Load(const h5::Group& g);

 private:
  PreconditionerOptions options_;
  std::vector<double> means_;  // (window) ring buffer of batch means
  int oldest_ = 0;             // ring index of the oldest mean
  int size_ = 0;               // means held, <= window
};

}  // namespace rl::gail

#endif  // REWARDLAB_REWARDS_GAIL_PRECONDITIONER_H_
