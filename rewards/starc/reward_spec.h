// Reward functions of a gridworld named by short spec strings, for `rewardlab compare-rewards` and
// other reward analyses. Every spec kind is resolved in LoadRewardSpec; add new kinds there.
//
//   env                  the env's own reward (TransitionRewards)
//   env*K, scale:K       K times the env's reward (K finite; K > 0 keeps the policy order)
//   shaped:distance      env + gamma*Phi(s') - Phi(s), Phi = -(shortest-path steps to a goal)
//   shaped:random:SEED   env + shaping with a standard normal random potential
//   random:SEED          independent standard normal R(s,a,s') (0 from terminal states)
//   FILE.csv             rows s,a,s_next,r (optional header, '#' comments); missing rows are 0
//   pipeline:[...]       a reward pipeline (rewards/registry.h) tabulated on the env, e.g.
//                        'pipeline:[{type: env}, {type: pbrs, potential: {type: optimal_value}}]'
//   FILE.yaml            the same from a file: a `reward:` list or a config that has one
#ifndef REWARDLAB_REWARDS_STARC_REWARD_SPEC_H_
#define REWARDLAB_REWARDS_STARC_REWARD_SPEC_H_

#include <Eigen/Dense>
#include <string>

#include "envs/grid/grid_world.h"
#include "envs/grid/tabular.h"
#include "rewards/reward_module.h"
#include "rewards/starc/starc.h"

namespace rl {

// What a spec may depend on besides the env.
struct RewardSpecOptions {
  double gamma = 0.99;                 // discount of the shaping in shaped:* specs
  StateValueLoader load_state_values = nullptr;  // pipeline specs: value_function loader
};

// One line listing the accepted spec forms, for help texts and errors.
const char* RewardSpecHelp();

// The reward named by `spec` on `env`; throws UserError (with FILE:LINE for CSV files) on bad
// input.
TransitionRewardTable LoadRewardSpec(const std::string& spec, const GridWorld& env,
                                     const RewardSpecOptions& options = {});

// Reads a reward CSV with rows s,a,s_next,r for `env`; entries without a row are 0.
TransitionRewardTable ReadRewardCsv(const std::string& path, const GridWorld& env);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_STARC_REWARD_SPEC_H_
