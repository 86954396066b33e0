// Exact planning and policy evaluation on a TabularMdp: discounted value iteration, finite-horizon
// backward induction and policy evaluation. Policies are (S x A) matrices of action probabilities
// (rows sum to 1) or, when deterministic, one action index per state.
#ifndef REWARDLAB_ENVS_GRID_VALUE_ITERATION_H_
#define REWARDLAB_ENVS_GRID_VALUE_ITERATION_H_

#include <Eigen/Dense>
#include <vector>

#include "envs/grid/tabular.h"

namespace rl {

// Optimal discounted values and a greedy policy.
struct ValueIterationResult {
  Eigen::VectorXd v;        // (S) V*
  Eigen::MatrixXd q;        // (S x A) Q* = R + gamma * P V*
  std::vector<int> policy;  // (S) greedy action, ties to the lowest index
  int iterations = 0;       // sweeps done
  bool converged = false;   // the last sweep changed V by at most the tolerance (sup norm)
};

// Optimal values and policies of an H-step episode; index h is the step, h = 0 the first.
struct FiniteHorizonResult {
  std::vector<Eigen::VectorXd> v;        // H + 1 entries (S): v[h] = V_h, v[H] = 0
  std::vector<Eigen::MatrixXd> q;        // H entries (S x A): q[h] = R + gamma * P v[h + 1]
  std::vector<std::vector<int>> policy;  // H entries (S): greedy action at step h
};

// Q = R + gamma * P V for a value vector `v` (S).
Eigen::MatrixXd QFromV(const TabularMdp& mdp, const Eigen::VectorXd& v, double gamma);
// The greedy policy of `q` (S x A); actions within 1e-9 * max(1, |max|) of the best tie, and ties
// go to the lowest index.
std::vector<int> GreedyPolicy(const Eigen::MatrixXd& q);
// The (S x A) one-hot matrix of a deterministic policy.
Eigen::MatrixXd PolicyMatrix(const std::vector<int>& policy, int num_actions);

// Value iteration from V = 0 until a sweep changes V by at most `tolerance` (sup norm) or after
// `max_iterations` sweeps. gamma in [0, 1]; gamma = 1 converges only when every policy that
// avoids the terminal states loses value (e.g. a negative step reward).
ValueIterationResult ValueIteration(const TabularMdp& mdp, double gamma, double tolerance = 1e-10,
                                    int max_iterations = 100000);
// Backward induction over `horizon` steps from V_H = 0, with discount gamma in [0, 1].
FiniteHorizonResult BackwardInduction(const TabularMdp& mdp, int horizon, double gamma = 1.0);

// The exact discounted value (S) of a stochastic policy (S x A), by a linear solve with V = 0 at
// terminal states. gamma = 1 needs a policy that reaches a terminal state from everywhere; throws
// UserError otherwise.
Eigen::VectorXd EvaluatePolicy(const TabularMdp& mdp, const Eigen::MatrixXd& policy, double gamma);
// The same for a deterministic policy (one action per state).
Eigen::VectorXd EvaluatePolicy(const TabularMdp& mdp, const std::vector<int>& policy, double gamma);
// The values v[h] (S), h = 0..H, of a non-stationary policy given per step (H entries, S x A),
// over H = policy.size() steps; v[H] = 0. Evaluates FiniteHorizonResult::policy via PolicyMatrix.
std::vector<Eigen::VectorXd> EvaluatePolicyFiniteHorizon(const TabularMdp& mdp,
                                                         const std::vector<Eigen::MatrixXd>& policy,
                                                         double gamma = 1.0);

}  // namespace rl

#endif  // REWARDLAB_ENVS_GRID_VALUE_ITERATION_H_
