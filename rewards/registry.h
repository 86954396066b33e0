// The reward-module registry: every module type, its config struct and its factory; the list
// itself is rewards/registry.cc, one line per type. A pipeline is configured as
//   reward: [{type: env}, {type: pbrs, weight: 1, potential: {type: grid_distance}}]
// (default: [{type: env}]).
#ifndef REWARDLAB_REWARDS_REGISTRY_H_
#define REWARDLAB_REWARDS_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "envs/env.h"
#include "rewards/reward_pipeline.h"

namespace rl {

// One registered module type.
struct RewardEntry {
  std::string type;     // the YAML `type`
  std::string summary;  // one line for `config describe`
  // Builds the module with its name and weight from its section (`key` is its dotted key, e.g.
  // "reward[1]", for errors); throws UserError for bad options or an env it does not fit.
  std::function<WeightedModule(const ConfigNode& section, const std::string& key,
                               const RewardContext& context)>
      make;
  // The section with every default filled in.
  std::function<ConfigNode(const ConfigNode& section, const std::string& key)> resolve;
  // The fields, defaults and docs.
  std::function<std::vector<FieldDoc>()> describe;
  // `key=value` overrides of the entry (keys below `reward[i].`) that make a learned module small
  // and quick to fit: tiny networks, a short window. The contract tests
  // (tests/contract/reward_contract_test.cc) run every module with them. `{demos:ENV_ID}` in a
  // value stands for a small dataset of random-action episodes of ENV_ID that the tests write
  // (tests/support/demos.h, RandomDemos).
  std::vector<std::string> small;
};

// All registered module types.
const std::vector<RewardEntry>& RewardRegistry();
// The entry for `type`; throws UserError naming the closest types when there is none.
const RewardEntry& FindReward(const std::string& type);
// The registered module types, in registry order.
std::vector<std::string> RewardTypes();

// The default `reward:` section, [{type: env}].
ConfigNode DefaultRewardSection();
// Builds the pipeline of a `reward:` list (each entry: type, optional name and weight, options)
// for `context.env`. Throws UserError with file:line and key on a bad entry, a NaN or a negative
// weight, or duplicate names (modules and env reward terms share /episodes/terms/).
RewardPipeline MakeRewardPipeline(const ConfigNode& section, const RewardContext& context);
// The list with every module's defaults filled in (the resolved config).
ConfigNode ResolveRewardSection(const ConfigNode& section);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REGISTRY_H_
