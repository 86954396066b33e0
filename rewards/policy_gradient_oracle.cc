#include "rewards/policy_gradient_oracle.h"

#include <string>

#include "core/error.h"

namespace rl {

void NeumannInverseHvp(PolicyGradientOracle& oracle, const OracleVec& rewards, double gamma,
                       const OracleVec& v, const ImplicitGradientOptions& options,
                       Eigen::VectorXd& u) {
  if (v.size() != oracle.NumParams()) {
    throw UserError("implicit gradient: a vector of " + std::to_string(v.size()) +
                    " entries for a policy of " + std::to_string(oracle.NumParams()) +
                    " parameters");
  }
  if (options.neumann_terms <= 0) {
    u = -v;
    return;
  }
  // p ← p + αHp, acc ← acc + p, K times (BarfiNeumann); then u = −α·acc
  const double alpha = options.neumann_alpha;
  Eigen::VectorXd p = v, acc = v, hp;
  for (int j = 0; j < options.neumann_terms; ++j) {
    oracle.HessianVector(rewards, gamma, p, hp);
    p += alpha * hp;
    acc += p;
  }
  u = -alpha * acc;
}

void ImplicitRewardGradient(PolicyGradientOracle& oracle, const OracleVec& rewards, double gamma,
                            const OracleVec& outer_grad, const ImplicitGradientOptions& options,
                            Eigen::VectorXd& out) {
  Eigen::VectorXd u;
  NeumannInverseHvp(oracle, rewards, gamma, outer_grad, options, u);
  oracle.RewardGradientOfDot(rewards, gamma, u, out);
  out = -out;
}

}  // namespace rl
