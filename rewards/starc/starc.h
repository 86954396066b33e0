// STARC reward distances on a tabular MDP (Skalse, Farnik, Motwani, Jenner, Gleave, Abate,
// "STARC: A General Framework For Quantifying Differences Between Reward Functions", ICLR 2024).
//
//   c(R)(s,a) = E_{s'~P(s,a)}[ R(s,a,s') + gamma * V^pi_R(s') ] - V^pi_R(s) = A^pi_R(s,a)
//   s(R)      = c(R) / ||c(R)||_w            (s(R) = 0 when c(R) = 0)
//   d(R1, R2) = ||s(R1) - s(R2)||_w          with ||x||_w = sqrt(sum_{s,a} w(s,a) x(s,a)^2)
//
// c is "value-adjusted levelling": the advantage of a fixed reference policy pi (uniform by
// default) under R. Sign convention: c(R) > 0 where an action is better than pi's average under
// R, so d(R, k*R) = 0 for k > 0 and d(R, -R) = 2 unless c(R) = 0. c is linear and removes
// exactly potential shaping (R + gamma*Phi(s') - Phi(s), the same gamma) and S'-redistribution
// (changes of R(s,a,.) that keep its mean under P(.|s,a)), so d is 0 exactly for rewards that
// differ by those and by positive scaling, and d lies in [0, 2].
//
// Terminal states follow envs/grid/tabular.h: they absorb with V = 0, and rewards leaving a
// terminal state are ignored (c = 0 there), so Phi is 0 at a terminal s' in shaping. The weights
// w are 1 everywhere by default, or the reference policy's state-action occupancy.
#ifndef REWARDLAB_REWARDS_STARC_STARC_H_
#define REWARDLAB_REWARDS_STARC_STARC_H_

#include <Eigen/Dense>
#include <vector>

#include "core/rng.h"
#include "envs/grid/tabular.h"

namespace rl {

// A reward of every transition: A entries (S x S), [a](s, s') = R(s, a, s') (TransitionRewards'
// layout).
using TransitionRewardTable = std::vector<Eigen::MatrixXd>;

// How STARC distances are measured.
struct StarcOptions {
  double gamma = 0.99;           // discount of the canonicalisation, in [0, 1]
  Eigen::MatrixXd policy;        // (S x A) reference policy pi; empty = uniform
  Eigen::MatrixXd weights;       // (S x A) non-negative weights w of the norm; empty = all 1
  double zero_tolerance = 1e-9;  // c(R) counts as 0 when max|c| <= this * max|R| (live states)
};

// The uniform policy (S x A) of `mdp`.
Eigen::MatrixXd UniformPolicy(const TabularMdp& mdp);
// The expected reward (S x A) sum_s' P(s'|s,a) R(s,a,s'), 0 at terminal states.
Eigen::MatrixXd ExpectedReward(const TabularMdp& mdp, const TransitionRewardTable& r);
// The canonical reward c(R) (S x A): the advantage of `policy` (S x A; empty = uniform) under R.
Eigen::MatrixXd Canonicalize(const TabularMdp& mdp, const TransitionRewardTable& r, double gamma,
                             const Eigen::MatrixXd& policy = {});
// ||x||_w for x (S x A) and weights (S x A; empty = all 1).
double WeightedNorm(const Eigen::MatrixXd& x, const Eigen::MatrixXd& weights = {});
// c / ||c||_w, or 0 when ||c||_w <= zero_norm.
Eigen::MatrixXd Standardize(const Eigen::MatrixXd& c, const Eigen::MatrixXd& weights = {},
                            double zero_norm = 0.0);
// The standardised reward s(R) (S x A).
Eigen::MatrixXd StandardizedReward(const TabularMdp& mdp, const TransitionRewardTable& r,
                                   const StarcOptions& options = {});
// The STARC distance d(R1, R2), in [0, 2].
double StarcDistance(const TabularMdp& mdp, const TransitionRewardTable& r1,
                     const TransitionRewardTable& r2, const StarcOptions& options = {});
// The symmetric (N x N) matrix of distances between N rewards.
Eigen::MatrixXd StarcDistanceMatrix(const TabularMdp& mdp,
                                    const std::vector<TransitionRewardTable>& rewards,
                                    const StarcOptions& options = {});
// Weights (S x A) d(s) * pi(a|s), d the normalised expected visits of non-terminal states from
// the start distribution under `policy` with discount gamma (gamma = 1 needs a proper policy).
Eigen::MatrixXd OccupancyWeights(const TabularMdp& mdp, const Eigen::MatrixXd& policy,
                                 double gamma);

// R(s,a,s') + gamma * Phi(s') - Phi(s) with Phi (S) taken as 0 at terminal states.
TransitionRewardTable ShapeWithPotential(const TabularMdp& mdp, const TransitionRewardTable& r,
                                         const Eigen::VectorXd& phi, double gamma);
// k * R.
TransitionRewardTable ScaleReward(const TransitionRewardTable& r, double k);
// R + D - E_{s'~P(s,a)}[D(s,a,s')]: moves reward between next states keeping each mean.
TransitionRewardTable RedistributeNextStates(const TabularMdp& mdp, const TransitionRewardTable& r,
                                             const TransitionRewardTable& d);
// A reward with independent standard normal entries, 0 where s is terminal.
TransitionRewardTable RandomReward(const TabularMdp& mdp, Rng& rng);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_STARC_STARC_H_
