// Checks of REINFORCE's analytic Hessian for the oracle test, kept out of Reinforce's public API.
#ifndef REWARDLAB_AGENTS_REINFORCE_REINFORCE_ORACLE_TESTING_H_
#define REWARDLAB_AGENTS_REINFORCE_REINFORCE_ORACLE_TESTING_H_

#include "agents/reinforce/reinforce.h"

namespace rl {

// Whether `agent`'s HessianVector is analytic (a linear softmax policy).
bool ReinforceAnalyticHessian(const Reinforce& agent);
// `agent`'s HessianVector by central differences of its Gradient (FiniteDifferenceHvp).
void ReinforceHessianVectorFd(Reinforce& agent, const OracleVec& rewards, double gamma,
                              const OracleVec& v, Eigen::VectorXd& hv);

}  // namespace rl

#endif  // REWARDLAB_AGENTS_REINFORCE_REINFORCE_ORACLE_TESTING_H_
