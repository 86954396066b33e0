// The critic of a trained run, for reward modules that take one (the `value_function` potential
// of pbrs and progress_bonus): experiments/ loads the run's config and newest checkpoint, builds
// its agent and hands its V(s) to the module's factory through RewardContext, so rewards/ includes
// nothing from agents/, loop/ or experiments/.
#ifndef REWARDLAB_EXPERIMENTS_VALUE_FUNCTION_H_
#define REWARDLAB_EXPERIMENTS_VALUE_FUNCTION_H_

#include <memory>
#include <string>

#include "envs/env.h"
#include "rewards/reward_module.h"

namespace rl {

// Loads V(s) of the newest checkpoint of run folder `run` (an agent with a critic, e.g. PPO) for
// `env`; `key` is the config key naming the folder, for errors. Throws UserError when the folder
// has no checkpoint or its run trained on another env. Fits RewardContext::load_state_values.
std::unique_ptr<StateValueFunction> LoadStateValues(const std::string& run, const std::string& key,
                                                    const Env& env);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_VALUE_FUNCTION_H_
