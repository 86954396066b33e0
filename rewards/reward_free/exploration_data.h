// The data of reward-free exploration and the empirical model built from it.
//
// Exploration runs K episodes of H steps in the true MDP without observing a reward and keeps the
// transition counts N(s, a, s') (summed over the step h: the MDP is time-homogeneous). The planning
// phase sees these counts and nothing else. The empirical model is the maximum-likelihood estimate
//
//   P^(s' | s, a) = N(s, a, s') / N(s, a)   where N(s, a) > 0,
//   P^(s' | s, a) = 1[s' = s]               where (s, a) was never tried (a self-loop),
//
// so an unvisited pair promises no reward beyond what is paid in s itself (algorithms.md §5.3 (b),
// with the unvisited rows made stochastic).
#ifndef REWARDLAB_REWARDS_REWARD_FREE_EXPLORATION_DATA_H_
#define REWARDLAB_REWARDS_REWARD_FREE_EXPLORATION_DATA_H_

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "envs/grid/tabular.h"

namespace rl {

// Transition counts collected by reward-free exploration.
struct ExplorationData {
  int num_states = 0;                   // S
  int num_actions = 0;                  // A
  int horizon = 0;                      // H, steps per episode
  int64_t episodes = 0;                 // K, episodes run so far
  std::vector<Eigen::MatrixXd> counts;  // A entries (S x S): [a](s, s') = N(s, a, s')
  Eigen::VectorXd starts;               // (S) number of episodes that started in s

  // Empty counts for an S-state, A-action MDP explored with horizon H.
  ExplorationData(int num_states, int num_actions, int horizon);
  // Total number of recorded transitions (K * H once every episode is complete).
  double Total() const;
  // The visit counts N(s, a) as an (S x A) matrix.
  Eigen::MatrixXd PairCounts() const;
  // Number of (s, a) pairs tried at least once.
  int VisitedPairs() const;
};

// The maximum-likelihood model of `data`: P as above, R = 0, the empirical start distribution, no
// terminal flags (absorbing states show up as self-loops in the counts).
TabularMdp EmpiricalModel(const ExplorationData& data);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REWARD_FREE_EXPLORATION_DATA_H_
