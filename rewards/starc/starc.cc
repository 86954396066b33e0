#include "rewards/starc/starc.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"
#include "envs/grid/value_iteration.h"

namespace rl {
namespace {

void CheckTable(const TabularMdp& mdp, const TransitionRewardTable& r) {
  bool ok = static_cast<int>(r.size()) == mdp.num_actions;
  for (const Eigen::MatrixXd& m : r) {
    ok = ok && m.rows() == mdp.num_states && m.cols() == mdp.num_states;
  }
  if (!ok) {
    throw UserError("reward table does not fit the MDP: expected " +
                    std::to_string(mdp.num_actions) + " entries of " +
                    std::to_string(mdp.num_states) + " x " + std::to_string(mdp.num_states));
  }
}

// The largest |R(s,a,s')| over transitions that can happen from non-terminal states.
double ReachableScale(const TabularMdp& mdp, const TransitionRewardTable& r) {
  double scale = 0.0;
  for (int a = 0; a < mdp.num_actions; ++a) {
    for (int s = 0; s < mdp.num_states; ++s) {
      if (mdp.terminal[s]) continue;
      for (int t = 0; t < mdp.num_states; ++t) {
        if (mdp.P[a](s, t) > 0.0) scale = std::max(scale, std::abs(r[a](s, t)));
      }
    }
  }
  return scale;
}

}  // namespace

Eigen::MatrixXd UniformPolicy(const TabularMdp& mdp) {
  return Eigen::MatrixXd::Constant(mdp.num_states, mdp.num_actions, 1.0 / mdp.num_actions);
}

Eigen::MatrixXd ExpectedReward(const TabularMdp& mdp, const TransitionRewardTable& r) {
  CheckTable(mdp, r);
  Eigen::MatrixXd out(mdp.num_states, mdp.num_actions);
  for (int a = 0; a < mdp.num_actions; ++a) {
    out.col(a) = mdp.P[a].cwiseProduct(r[a]).rowwise().sum();
  }
  for (int s = 0; s < mdp.num_states; ++s) {
    if (mdp.terminal[s]) out.row(s).setZero();
  }
  return out;
}

Eigen::MatrixXd Canonicalize(const TabularMdp& mdp, const TransitionRewardTable& r, double gamma,
                             const Eigen::MatrixXd& policy) {
  // policy evaluation under R; terminal states keep V = 0 and get Q = A = 0
  TabularMdp m = mdp;
  m.R = ExpectedReward(mdp, r);
  const Eigen::MatrixXd pi = policy.size() == 0 ? UniformPolicy(mdp) : policy;
  const Eigen::VectorXd v = EvaluatePolicy(m, pi, gamma);
  return QFromV(m, v, gamma).colwise() - v;
}

double WeightedNorm(const Eigen::MatrixXd& x, const Eigen::MatrixXd& weights) {
  if (weights.size() == 0) return x.norm();
  return std::sqrt(weights.cwiseProduct(x.cwiseAbs2()).sum());
}

Eigen::MatrixXd Standardize(const Eigen::MatrixXd& c, const Eigen::MatrixXd& weights,
                            double zero_norm) {
  const double norm = WeightedNorm(c, weights);
  if (norm <= zero_norm) return Eigen::MatrixXd::Zero(c.rows(), c.cols());
  return c / norm;
}

Eigen::MatrixXd StandardizedReward(const TabularMdp& mdp, const TransitionRewardTable& r,
                                   const StarcOptions& options) {
  const Eigen::MatrixXd c = Canonicalize(mdp, r, options.gamma, options.policy);
  // rounding leaves c ~ 1e-16 * |R| for pure shaping; that must not become a unit vector
  const double floor = options.zero_tolerance * ReachableScale(mdp, r);
  if (c.cwiseAbs().maxCoeff() <= floor) return Eigen::MatrixXd::Zero(c.rows(), c.cols());
  return Standardize(c, options.weights);
}

double StarcDistance(const TabularMdp& mdp, const TransitionRewardTable& r1,
                     const TransitionRewardTable& r2, const StarcOptions& options) {
  return StarcDistanceMatrix(mdp, {r1, r2}, options)(0, 1);
}

Eigen::MatrixXd StarcDistanceMatrix(const TabularMdp& mdp,
                                    const std::vector<TransitionRewardTable>& rewards,
                                    const StarcOptions& options) {
  const int n = static_cast<int>(rewards.size());
  std::vector<Eigen::MatrixXd> s;
  for (const TransitionRewardTable& r : rewards) s.push_back(StandardizedReward(mdp, r, options));
  Eigen::MatrixXd d = Eigen::MatrixXd::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    for (int j = i + 1; j < n; ++j) d(i, j) = d(j, i) = WeightedNorm(s[i] - s[j], options.weights);
  }
  return d;
}

Eigen::MatrixXd OccupancyWeights(const TabularMdp& mdp, const Eigen::MatrixXd& policy,
                                 double gamma) {
  if (policy.rows() != mdp.num_states || policy.cols() != mdp.num_actions) {
    throw UserError("occupancy weights: the policy must be S x A = " +
                    std::to_string(mdp.num_states) + " x " + std::to_string(mdp.num_actions));
  }
  // expected discounted visits x of live states: x = mu0 + gamma * P_pi^T x, restricted to them
  std::vector<int> live;
  for (int s = 0; s < mdp.num_states; ++s) {
    if (!mdp.terminal[s]) live.push_back(s);
  }
  const int n = static_cast<int>(live.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);
  Eigen::VectorXd b(n);
  for (int i = 0; i < n; ++i) {
    b[i] = mdp.initial[live[i]];
    for (int j = 0; j < n; ++j) {
      for (int k = 0; k < mdp.num_actions; ++k) {
        a(i, j) -= gamma * policy(live[j], k) * mdp.P[k](live[j], live[i]);
      }
    }
  }
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(a);
  if (!lu.isInvertible()) {
    throw UserError("occupancy weights with gamma = 1 need a policy that reaches a terminal state");
  }
  const Eigen::VectorXd x = lu.solve(b);
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(mdp.num_states, mdp.num_actions);
  for (int i = 0; i < n; ++i) w.row(live[i]) = std::max(x[i], 0.0) * policy.row(live[i]);
  return w / w.sum();
}

TransitionRewardTable ShapeWithPotential(const TabularMdp& mdp, const TransitionRewardTable& r,
                                         const Eigen::VectorXd& phi, double gamma) {
  CheckTable(mdp, r);
  Eigen::VectorXd p = phi;
  for (int s = 0; s < mdp.num_states; ++s) {
    if (mdp.terminal[s]) p[s] = 0.0;
  }
  // F(s, s') = gamma * Phi(s') - Phi(s), the same for every action
  const Eigen::MatrixXd f =
      gamma * p.transpose().replicate(mdp.num_states, 1) - p.replicate(1, mdp.num_states);
  TransitionRewardTable out = r;
  for (Eigen::MatrixXd& m : out) m += f;
  return out;
}

TransitionRewardTable ScaleReward(const TransitionRewardTable& r, double k) {
  TransitionRewardTable out = r;
  for (Eigen::MatrixXd& m : out) m *= k;
  return out;
}

TransitionRewardTable RedistributeNextStates(const TabularMdp& mdp, const TransitionRewardTable& r,
                                             const TransitionRewardTable& d) {
  CheckTable(mdp, r);
  CheckTable(mdp, d);
  TransitionRewardTable out = r;
  for (int a = 0; a < mdp.num_actions; ++a) {
    const Eigen::VectorXd mean = mdp.P[a].cwiseProduct(d[a]).rowwise().sum();
    out[a] += d[a] - mean.replicate(1, mdp.num_states);
  }
  return out;
}

TransitionRewardTable RandomReward(const TabularMdp& mdp, Rng& rng) {
  TransitionRewardTable out(mdp.num_actions, Eigen::MatrixXd::Zero(mdp.num_states, mdp.num_states));
  for (int a = 0; a < mdp.num_actions; ++a) {
    for (int s = 0; s < mdp.num_states; ++s) {
      if (mdp.terminal[s]) continue;
      for (int t = 0; t < mdp.num_states; ++t) out[a](s, t) = rng.Normal();
    }
  }
  return out;
}

}  // namespace rl
