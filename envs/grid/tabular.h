// Exact tabular model of a gridworld, for planners (value iteration), reward-free exploration
// (the true P for evaluation) and reward-equivalence checks (STARC, potential shaping).
//
// Conventions shared with GridWorld, so tabular results apply to the env one to one:
// - state s of the model is GridWorld state s (non-wall cells in row-major order), which is also
//   the index of the 1 in the "onehot" observation and the value of Reset's init_state;
// - action a is the env's action (0 up, 1 right, 2 down, 3 left);
// - r(s, a, s') is the reward Env::Step reports, slip included in P and R;
// - terminal states absorb with reward 0, so V = 0 there: the "Phi = 0 on termination" rule of
//   potential shaping and the "first entry into the goal, then absorbing" test rewards of
//   reward-free exploration need nothing extra;
// - the time limit (max_episode_steps) is not in the model: P and R are stationary and an
//   episode never ends except at a terminal state. Plan with BackwardInduction(mdp, H) to account
//   for a horizon H; discounted solutions ignore truncation.
//
// Example:
//   const GridWorld env(GridDefaults("FourRooms"));
//   const TabularMdp mdp = ExportTabular(env);
//   const ValueIterationResult vi = ValueIteration(mdp, 0.99);  // envs/grid/value_iteration.h
#ifndef REWARDLAB_ENVS_GRID_TABULAR_H_
#define REWARDLAB_ENVS_GRID_TABULAR_H_

#include <Eigen/Dense>
#include <vector>

#include "envs/grid/grid_world.h"

namespace rl {

// A finite MDP with expected rewards. Terminal states are absorbing: a self-loop with probability
// 1 and reward 0 under every action. The time limit is not part of the model (P is stationary);
// planners that need it use a finite horizon.
struct TabularMdp {
  int num_states = 0;              // S
  int num_actions = 0;             // A
  std::vector<Eigen::MatrixXd> P;  // A entries, each (S x S): P[a](s, s') = P(s' | s, a)
  Eigen::MatrixXd R;               // (S x A) expected reward sum_s' P(s'|s,a) r(s,a,s')
  Eigen::VectorXd initial;         // (S) start distribution
  std::vector<bool> terminal;      // (S) absorbing terminal states
};

// The exact model of `env` (its layout, slip and rewards; the current episode does not matter).
// r(s,a,s') is the env's reward: the in-order sum of TransitionTerms(s').
TabularMdp ExportTabular(const GridWorld& env);

// The reward of each transition, A entries (S x S): [a](s, s') = r(s, a, s'), defined for every s'
// (also where P is 0) and 0 for terminal s. R(s, a) = sum_s' P[a](s, s') * [a](s, s').
std::vector<Eigen::MatrixXd> TransitionRewards(const GridWorld& env);

// Phi(s) (S) = minus the fewest moves from s to a goal ('G' or 'g') through non-terminal cells,
// ignoring slip; states that cannot reach a goal get minus (the largest finite distance + 1).
Eigen::VectorXd GoalDistancePotential(const GridWorld& env);

}  // namespace rl

#endif  // REWARDLAB_ENVS_GRID_TABULAR_H_
