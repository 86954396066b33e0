// The agent registry: every agent type, its config struct and its factory; the list itself is
// agents/registry.cc, one line per type.
#ifndef REWARDLAB_AGENTS_REGISTRY_H_
#define REWARDLAB_AGENTS_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "core/config.h"

namespace rl {

// One registered agent type.
struct AgentEntry {
  std::string type;     // the YAML `agent.type`
  std::string summary;  // one line for `config describe`
  // Builds the agent from its `agent:` section for env `spec` with `num_envs` slots; throws
  // UserError for bad options or an env it cannot handle.
  std::function<std::unique_ptr<Agent>(const ConfigNode& section, const EnvSpec& spec, int num_envs,
                                       uint64_t seed)>
      make;
  // The section with every default filled in (the resolved config).
  std::function<ConfigNode(const ConfigNode& section)> resolve;
  // The fields, defaults and docs.
  std::function<std::vector<FieldDoc>()> describe;
  // `key=value` overrides of the section (keys below `agent.`) that make the agent small and
  // quick to update: tiny networks, a short rollout or an early start. The contract tests
  // (tests/contract/agent_contract_test.cc) run every agent with them.
  std::vector<std::string> small;
};

// All registered agents.
const std::vector<AgentEntry>& AgentRegistry();
// The entry for `type`; throws UserError naming the closest types when there is none.
const AgentEntry& FindAgent(const std::string& type);
// The registered agent types in registry order, joined by `separator` ("ppo|sac").
std::string AgentTypes(const std::string& separator = "|");

}  // namespace rl

#endif  // REWARDLAB_AGENTS_REGISTRY_H_
