#include "agents/registry.h"

#include "agents/ppo/ppo.h"
#include "agents/reinforce/reinforce.h"
#include "agents/sac/sac.h"

namespace rl {
namespace {

// An entry for agent A configured by C; `small` as AgentEntry::small; `check` rejects envs the
// agent cannot handle.
template <class A, class C>
AgentEntry MakeAgentEntry(std::string type, std::string summary,
                          std::vector<std::string> small = {},
                          std::function<void(const EnvSpec&)> check = nullptr) {
  return {type,
          std::move(summary),
          [check](const ConfigNode& section, const EnvSpec& spec, int num_envs,
                  uint64_t seed) -> std::unique_ptr<Agent> {
            const C config = ReadConfig<C>(section, "agent");
            if (check) check(spec);
            return std::make_unique<A>(config, spec, num_envs, seed);
          },
          [](const ConfigNode& section) { return ToNode(ReadConfig<C>(section, "agent")); },
          [] { return Describe(C{}, "agent"); },
          std::move(small)};
}

}  // namespace

const std::vector<AgentEntry>& AgentRegistry() {
  static const std::vector<AgentEntry> entries = {
      MakeAgentEntry<Ppo, PpoConfig>(
          "ppo", "PPO, clipped surrogate with GAE (Discrete or Box)",
          {"num_steps=16", "num_minibatches=2", "update_epochs=2", "net.hidden=[8]"}),
      MakeAgentEntry<Sac, SacConfig>(
          "sac", "SAC, twin Q with automatic entropy (Box only)",
          {"buffer_size=256", "batch_size=8", "learning_starts=16", "net.hidden=[8]"}),
      MakeAgentEntry<Reinforce, ReinforceConfig>(
          "reinforce", "REINFORCE, Monte-Carlo returns over whole episodes (Discrete or Box)",
          {"episodes_per_update=2", "net.hidden=[8]"}),
  };
  return entries;
}

const AgentEntry& FindAgent(const std::string& type) {
  std::vector<std::string> types;
  for (const AgentEntry& e : AgentRegistry()) {
    if (e.type == type) return e;
    types.push_back(e.type);
  }
  throw UserError("unknown agent type '" + type + "'" + DidYouMean(type, types) +
                  " (types: " + AgentTypes(", ") + ")");
}

std::string AgentTypes(const std::string& separator) {
  std::string list;
  for (const AgentEntry& e : AgentRegistry()) list += (list.empty() ? "" : separator) + e.type;
  return list;
}

}  // namespace rl
