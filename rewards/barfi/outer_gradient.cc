#include "rewards/barfi/outer_gradient.h"

#include <algorithm>
#include <cmath>

namespace rl::barfi {

double NegHessianScale(PolicyGradientOracle& oracle, const OracleVec& rewards, double gamma,
                       const OracleVec& start, int iters) {
  Eigen::VectorXd w = start.normalized(), hw;
  double lambda = 0.0;
  for (int i = 0; i < iters; ++i) {
    oracle.HessianVector(rewards, gamma, w, hw);
    hw = -hw;
    lambda = w.dot(hw);
    const double norm = hw.norm();
    if (!(norm > 0) || !std::isfinite(norm)) break;
    w = hw / norm;
  }
  return lambda;
}

void OuterGradient(PolicyGradientOracle& oracle, const OracleVec& rewards, double gamma,
                   const OracleVec& outer_grad, const OuterGradientOptions& options,
                   OuterGradientResult& result) {
  ImplicitGradientOptions series{options.neumann_terms, options.neumann_alpha};
  result.alpha = options.neumann_alpha;
  result.lambda = 0.0;
  result.diverging = false;
  if (options.neumann_terms > 0 && options.guard_iters > 0 && outer_grad.norm() > 0) {
    result.lambda = NegHessianScale(oracle, rewards, gamma, outer_grad, options.guard_iters);
    result.diverging = result.alpha * result.lambda >= 2.0 || result.lambda < 0.0;
    if (options.shrink_alpha && result.lambda > 0 && result.alpha * result.lambda >= 2.0) {
      result.alpha = 1.0 / result.lambda;
      series.neumann_alpha = result.alpha;
    }
  }

  // u ≈ H⁻¹ ∇θ J_p, then dJ_p/dr = −∇_r⟨∇θ J_r, u⟩
  Eigen::VectorXd u;
  NeumannInverseHvp(oracle, rewards, gamma, outer_grad, series, u);
  oracle.RewardGradientOfDot(rewards, gamma, u, result.reward_grad);
  result.reward_grad = -result.reward_grad;

  // dJ_p/dγ = −∂γ⟨∇θ J_{r,γ}, u⟩ by central differences in γ (one-sided at the ends of [0, 1])
  result.gamma_grad = 0.0;
  if (options.gamma_grad) {
    const double h = 1e-3;
    const double hi = std::min(gamma + h, 1.0), lo = std::max(gamma - h, 0.0);
    Eigen::VectorXd g_hi, g_lo;
    oracle.Gradient(rewards, hi, g_hi);
    oracle.Gradient(rewards, lo, g_lo);
    result.gamma_grad = -(g_hi - g_lo).dot(u) / (hi - lo);
  }
}

}  // namespace rl::barfi
