// Configs for the contract tests over the agent and reward registries: every registered type,
// made small by its registry entry's `small` overrides, on a few envs that cover the spaces.
#ifndef REWARDLAB_TESTS_SUPPORT_CONTRACT_H_
#define REWARDLAB_TESTS_SUPPORT_CONTRACT_H_

#include <string>
#include <vector>

#include "agents/registry.h"
#include "core/config_node.h"
#include "experiments/experiment_config.h"
#include "tests/support/demos.h"

namespace rl::testing {

// Envs a contract runs on: Discrete control, a one-dimensional Box with finite bounds, a
// two-dimensional MuJoCo Box, a tabular gridworld.
inline const std::vector<std::string>& ContractEnvs() {
  static const std::vector<std::string> ids = {"CartPole-v1", "Pendulum-v1", "Reacher-v4",
                                               "Grid-Empty-5x5"};
  return ids;
}

// The map {type: `type`} with the `key=value` overrides `small` applied; `{demos:ENV_ID}` in a
// value becomes RandomDemos(ENV_ID).
inline ConfigNode SmallSection(const std::string& type, const std::vector<std::string>& small) {
  ConfigNode section;
  section.Set("type", ConfigNode::Scalar(type));
  for (std::string o : small) {
    const size_t at = o.find("{demos:");
    if (at != std::string::npos) {
      const size_t end = o.find('}', at);
      o.replace(at, end + 1 - at, RandomDemos(o.substr(at + 7, end - at - 7)));
    }
    ApplyOverride(section, o);
  }
  return section;
}

// A validated experiment: `agent` made small on `env_id` (2 envs, episodes cut at 16 steps so
// episode-based agents update) with the reward list `reward` (null: the default), `total_steps`
// steps and one evaluation episode at the end. Throws
// UserError where the agent or a module does not fit the env.
inline ExperimentConfig SmallExperiment(const std::string& env_id, const AgentEntry& agent,
                                        const ConfigNode& reward, uint64_t seed,
                                        int64_t total_steps = 64) {
  ConfigNode root;
  root.Set("agent", SmallSection(agent.type, agent.small));
  if (!reward.IsNull()) root.Set("reward", reward);
  return ResolveExperimentConfig(
      root, {"env.id=" + env_id, "env.num_envs=2", "env.max_episode_steps=16",
             "seed=" + std::to_string(seed), "total_steps=" + std::to_string(total_steps),
             "eval.every_steps=0", "eval.episodes=1", "checkpoint.every_steps=0"});
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_CONTRACT_H_
