// The planning phase of reward-free exploration and its evaluation (algorithms.md §5.3, §5.5).
//
// Given any reward r(s, a) and the exploration data alone, plan by backward induction on the
// empirical model (P^, r) over the horizon H:
//
//   Q^_h(s, a) = r(s, a) + sum_s' P^(s' | s, a) V^_{h+1}(s'),   V^_h = max_a Q^_h,   V^_H = 0,
//   pi^_h(s) = argmax_a Q^_h(s, a).
//
// The quality of pi^ is measured in the TRUE MDP, exactly:
//
//   SubOpt(r) = V*_1(s_1; r) - V^{pi^}_1(s_1; r)   (averaged over the start distribution).
//
// A reward may mark states where acting ends the episode ("stops"): the first-entry goal rewards
// of §5.5 pay 1 for acting in the goal g and then nothing, so the return is at most 1. Stops are
// modelled by sending the transitions out of a stop state to an extra absorbing zero-reward sink,
// in the empirical and the true model alike; the existing planners (envs/grid/value_iteration.h)
// then do the rest.
#ifndef REWARDLAB_REWARDS_REWARD_FREE_PLANNING_H_
#define REWARDLAB_REWARDS_REWARD_FREE_PLANNING_H_

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/grid/tabular.h"
#include "rewards/reward_free/exploration_data.h"

namespace rl {

// A reward function for the planning phase.
struct RewardFunction {
  std::string name;         // e.g. "goal_17" or "dense_3", for reports
  Eigen::MatrixXd r;        // (S x A) reward for acting a in s
  std::vector<bool> stops;  // (S) or empty: acting in s ends the episode (first-entry rewards)
};

// A non-stationary deterministic policy: H entries (S), the action at step h in state s.
using StepPolicy = std::vector<std::vector<int>>;

// Throws UserError unless `reward` fits an S-state, A-action MDP and is finite.
void CheckReward(const RewardFunction& reward, int num_states, int num_actions);

// `dynamics` with R = reward.r and the stops of `reward` routed to an extra absorbing sink state
// (index S, reward 0). The result has S + 1 states.
TabularMdp WithReward(const TabularMdp& dynamics, const RewardFunction& reward);

// The policy planned on the empirical model of `data` for `reward`, over data.horizon steps.
StepPolicy PlanFromData(const ExplorationData& data, const RewardFunction& reward);

// V*_1 - V^pi_1 in `mdp` (the true model) for `reward` over policy.size() steps, averaged over
// mdp.initial. `v_star` may pass V*_1 (S + 1 entries, from OptimalValue) to skip recomputing it.
double SubOptimality(const TabularMdp& mdp, const RewardFunction& reward, const StepPolicy& policy,
                     const Eigen::VectorXd* v_star = nullptr);
// V*_1 of `reward` in `mdp` over `horizon` steps (S + 1 entries, the sink last).
Eigen::VectorXd OptimalValue(const TabularMdp& mdp, const RewardFunction& reward, int horizon);

// `n` first-entry goal rewards: r(g, .) = 1 and g stops, for goals g drawn without replacement
// (while they last) from the non-terminal states that are not start states.
std::vector<RewardFunction> RandomGoalRewards(const TabularMdp& mdp, int n, Rng& rng);
// `n` dense rewards r(s, a) ~ U[0, 1] / horizon, so the return is at most 1.
std::vector<RewardFunction> RandomDenseRewards(const TabularMdp& mdp, int n, int horizon, Rng& rng);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REWARD_FREE_PLANNING_H_
