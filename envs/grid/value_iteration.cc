#include "envs/grid/value_iteration.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace rl {
namespace {

void CheckGamma(double gamma) {
  if (!(gamma >= 0.0 && gamma <= 1.0)) {
    throw UserError("discount gamma = " + std::to_string(gamma) + " must be in [0, 1]");
  }
}

void CheckPolicy(const TabularMdp& mdp, const Eigen::MatrixXd& policy) {
  if (policy.rows() != mdp.num_states || policy.cols() != mdp.num_actions) {
    throw UserError("policy matrix is " + std::to_string(policy.rows()) + " x " +
                    std::to_string(policy.cols()) + ", expected S x A = " +
                    std::to_string(mdp.num_states) + " x " + std::to_string(mdp.num_actions));
  }
}

// P_pi(s, s') = sum_a pi(a|s) P[a](s, s').
Eigen::MatrixXd PolicyTransitions(const TabularMdp& mdp, const Eigen::MatrixXd& policy) {
  Eigen::MatrixXd p = Eigen::MatrixXd::Zero(mdp.num_states, mdp.num_states);
  for (int a = 0; a < mdp.num_actions; ++a) p += policy.col(a).asDiagonal() * mdp.P[a];
  return p;
}

}  // namespace

Eigen::MatrixXd QFromV(const TabularMdp& mdp, const Eigen::VectorXd& v, double gamma) {
  Eigen::MatrixXd q(mdp.num_states, mdp.num_actions);
  for (int a = 0; a < mdp.num_actions; ++a) q.col(a) = mdp.R.col(a) + gamma * (mdp.P[a] * v);
  return q;
}

std::vector<int> GreedyPolicy(const Eigen::MatrixXd& q) {
  std::vector<int> policy(q.rows(), 0);
  for (int s = 0; s < q.rows(); ++s) {
    const double best = q.row(s).maxCoeff();
    const double tie = 1e-9 * std::max(1.0, std::abs(best));
    for (int a = 0; a < q.cols(); ++a) {
      if (q(s, a) >= best - tie) {
        policy[s] = a;
        break;
      }
    }
  }
  return policy;
}

Eigen::MatrixXd PolicyMatrix(const std::vector<int>& policy, int num_actions) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(static_cast<int>(policy.size()), num_actions);
  for (size_t s = 0; s < policy.size(); ++s) m(s, policy[s]) = 1.0;
  return m;
}

ValueIterationResult ValueIteration(const TabularMdp& mdp, double gamma, double tolerance,
                                    int max_iterations) {
  CheckGamma(gamma);
  ValueIterationResult out;
  out.v = Eigen::VectorXd::Zero(mdp.num_states);
  while (out.iterations < max_iterations) {
    const Eigen::VectorXd next = QFromV(mdp, out.v, gamma).rowwise().maxCoeff();
    const double change = (next - out.v).lpNorm<Eigen::Infinity>();
    out.v = next;
    ++out.iterations;
    if (change <= tolerance) {
      out.converged = true;
      break;
    }
  }
  out.q = QFromV(mdp, out.v, gamma);
  out.policy = GreedyPolicy(out.q);
  return out;
}

FiniteHorizonResult BackwardInduction(const TabularMdp& mdp, int horizon, double gamma) {
  CheckGamma(gamma);
  if (horizon < 0) throw UserError("horizon must be >= 0, got " + std::to_string(horizon));
  FiniteHorizonResult out;
  out.v.assign(horizon + 1, Eigen::VectorXd::Zero(mdp.num_states));
  out.q.resize(horizon);
  out.policy.resize(horizon);
  for (int h = horizon - 1; h >= 0; --h) {
    out.q[h] = QFromV(mdp, out.v[h + 1], gamma);
    out.v[h] = out.q[h].rowwise().maxCoeff();
    out.policy[h] = GreedyPolicy(out.q[h]);
  }
  return out;
}

Eigen::VectorXd EvaluatePolicy(const TabularMdp& mdp, const Eigen::MatrixXd& policy, double gamma) {
  CheckGamma(gamma);
  CheckPolicy(mdp, policy);

  // solve (I - gamma P_pi) V = R_pi on the non-terminal states; terminal states keep V = 0
  std::vector<int> live;
  for (int s = 0; s < mdp.num_states; ++s) {
    if (!mdp.terminal[s]) live.push_back(s);
  }
  const int n = static_cast<int>(live.size());
  const Eigen::MatrixXd p = PolicyTransitions(mdp, policy);
  const Eigen::VectorXd r = mdp.R.cwiseProduct(policy).rowwise().sum();
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);
  Eigen::VectorXd b(n);
  for (int i = 0; i < n; ++i) {
    b[i] = r[live[i]];
    for (int j = 0; j < n; ++j) a(i, j) -= gamma * p(live[i], live[j]);
  }
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(a);
  if (!lu.isInvertible()) {
    throw UserError(
        "policy evaluation with gamma = 1: the policy does not reach a terminal "
        "state from every state; use gamma < 1");
  }
  const Eigen::VectorXd x = lu.solve(b);
  Eigen::VectorXd v = Eigen::VectorXd::Zero(mdp.num_states);
  for (int i = 0; i < n; ++i) v[live[i]] = x[i];
  return v;
}

Eigen::VectorXd EvaluatePolicy(const TabularMdp& mdp, const std::vector<int>& policy,
                               double gamma) {
  return EvaluatePolicy(mdp, PolicyMatrix(policy, mdp.num_actions), gamma);
}

std::vector<Eigen::VectorXd> EvaluatePolicyFiniteHorizon(const TabularMdp& mdp,
                                                         const std::vector<Eigen::MatrixXd>& policy,
                                                         double gamma) {
  CheckGamma(gamma);
  const int horizon = static_cast<int>(policy.size());
  std::vector<Eigen::VectorXd> v(horizon + 1, Eigen::VectorXd::Zero(mdp.num_states));
  for (int h = horizon - 1; h >= 0; --h) {
    CheckPolicy(mdp, policy[h]);
    const Eigen::MatrixXd q = QFromV(mdp, v[h + 1], gamma);
    v[h] = q.cwiseProduct(policy[h]).rowwise().sum();
  }
  return v;
}

}  // namespace rl
