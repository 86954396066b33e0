// BARFI's outer gradient (algorithms.md §2.1, §2.5) through the agent's PolicyGradientOracle:
//   dJ_p/dr = −∇_r⟨∇θ J_r, u⟩,   u ≈ H⁻¹ ∇θ J_p,   H = ∇²θ J_r,
// with u = −∇θ J_p (first order, H⁻¹ ≈ −I) or the Neumann series of NeumannInverseHvp; a module
// with rewards r_φ chains it with ∂r/∂φ. The guard estimates λ, the Rayleigh quotient of −H at
// the power-iteration vector started from ∇θ J_p (the eigenvalue of −H of largest magnitude): the
// series diverges when α·λ >= 2 or λ < 0 (H not negative definite).
#ifndef REWARDLAB_REWARDS_BARFI_OUTER_GRADIENT_H_
#define REWARDLAB_REWARDS_BARFI_OUTER_GRADIENT_H_

#include <Eigen/Dense>

#include "rewards/policy_gradient_oracle.h"

namespace rl::barfi {

// How the inverse Hessian is approximated.
struct OuterGradientOptions {
  int neumann_terms = 0;        // K; 0 = first order (H⁻¹ ≈ −I)
  double neumann_alpha = 5e-4;  // α of the series
  int guard_iters = 0;          // power iterations on −H; 0 = no guard
  bool shrink_alpha = false;    // α ← 1/λ for this evaluation when α·λ >= 2
  bool gamma_grad = true;       // also differentiate with respect to the inner discount
};

// One evaluation of the outer gradient.
struct OuterGradientResult {
  Eigen::VectorXd reward_grad;  // (T) dJ_p/dr_k
  double gamma_grad = 0.0;      // dJ_p/dγ of the inner discount (through ⟨∇θ J_r, u⟩)
  double alpha = 0.0;           // the α the series used
  double lambda = 0.0;          // the guard's estimate of λmax(−H); 0 without a guard
  bool diverging = false;       // the guard found α·λ >= 2 or λ < 0
};

// The Rayleigh quotient of −H (H = ∇²θ J_r) at the `iters`-th power-iteration vector started
// from `start` (P, nonzero).
double NegHessianScale(PolicyGradientOracle& oracle, const OracleVec& rewards, double gamma,
                       const OracleVec& start, int iters);

// dJ_p/dr (and dJ_p/dγ) for inner rewards r (T) and discount γ, from outer_grad = ∇θ J_p (P).
void OuterGradient(PolicyGradientOracle& oracle, const OracleVec& rewards, double gamma,
                   const OracleVec& outer_grad, const OuterGradientOptions& options,
                   OuterGradientResult& result);

}  // namespace rl::barfi

#endif  // REWARDLAB_REWARDS_BARFI_OUTER_GRADIENT_H_
