#include "rewards/registry.h"

#include <algorithm>

#include "rewards/env_reward/env_reward.h"
#include "rewards/potential_shaping/pbrs.h"
#include "rewards/progress_bonus/progress_bonus.h"
#include "rewards/rnd/rnd.h"

namespace rl {
namespace {

// An entry for a module configured by C and built by `make(config, key, context)`.
template <class C, class F>
RewardEntry MakeRewardEntry(std::string type, std::string summary, F make) {
  return {type, std::move(summary),
          [make](const ConfigNode& section, const std::string& key,
                 const RewardContext& context) -> std::unique_ptr<RewardModule> {
            return make(ReadConfig<C>(section, key), key, context);
          },
          [](const ConfigNode& section, const std::string& key) {
            return ToNode(ReadConfig<C>(section, key));
          },
          [] { return Describe(C{}, "reward[i]"); }};
}

// The `type` of list entry `item`, checked.
const RewardEntry& EntryOf(const ConfigNode& item, const std::string& key) {
  const ConfigNode* type = item.IsMap() ? item.Find("type") : nullptr;
  if (!type || !type->IsScalar()) {
    throw UserError(item.loc.ToString() + ": key '" + key + ".type': missing; each reward entry " +
                    "is a map with a type (`rewardlab config describe reward`)");
  }
  try {
    return FindReward(type->scalar);
  } catch (const UserError& e) {
    throw UserError(type->loc.ToString() + ": key '" + key + ".type': " + e.what());
  }
}

// The list of a `reward:` section, checked.
const std::vector<ConfigNode>& ItemsOf(const ConfigNode& section) {
  if (!section.IsSeq() || section.seq.empty()) {
    throw UserError(section.loc.ToString() +
                    ": key 'reward': expected a non-empty list of modules, e.g. [{type: env}]");
  }
  return section.seq;
}

}  // namespace

const std::vector<RewardEntry>& RewardRegistry() {
  static const std::vector<RewardEntry> entries = {
      MakeRewardEntry<EnvRewardConfig>("env", "the env's reward, optionally re-weighting its terms",
                                       MakeEnvReward),
      MakeRewardEntry<PbrsConfig>("pbrs", "potential-based shaping gamma*Phi(s') - Phi(s)",
                                  MakePbrs),
      MakeRewardEntry<ProgressBonusConfig>(
          "progress_bonus", "bonus*max(0, Phi(s') - Phi(s)), a known-wrong non-potential bonus",
          MakeProgressBonus),
      MakeRewardEntry<RndConfig>("rnd", "random network distillation novelty bonus of s'", MakeRnd),
  };
  return entries;
}

const RewardEntry& FindReward(const std::string& type) {
  std::vector<std::string> types;
  for (const RewardEntry& e : RewardRegistry()) {
    if (e.type == type) return e;
    types.push_back(e.type);
  }
  std::string list;
  for (const std::string& t : types) list += (list.empty() ? "" : ", ") + t;
  throw UserError("unknown reward module type '" + type + "'" + DidYouMean(type, types) +
                  " (types: " + list + ")");
}

ConfigNode DefaultRewardSection() {
  ConfigNode env;
  env.Set("type", ConfigNode::Scalar("env"));
  ConfigNode list;
  list.kind = ConfigNode::Kind::kSeq;
  list.seq.push_back(env);
  return list;
}

RewardPipeline MakeRewardPipeline(const ConfigNode& section, const RewardContext& context) {
  const std::vector<ConfigNode>& items = ItemsOf(section);
  const EnvSpec& spec = context.env->Spec();
  std::vector<WeightedModule> modules;
  std::vector<std::string> names;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string key = "reward[" + std::to_string(i) + "]";
    const RewardEntry& entry = EntryOf(items[i], key);
    RewardContext own = context;
    own.index = static_cast<int>(i);
    std::unique_ptr<RewardModule> module;
    try {
      module = entry.make(items[i], key, own);
    } catch (const UserError& e) {
      // a module's own checks name the key; add where the entry was written
      const std::string what = e.what();
      if (!what.starts_with("key '")) throw;
      throw UserError(items[i].loc.ToString() + ": " + what);
    }

    // name and weight, common to every module's config
    const ConfigNode resolved = entry.resolve(items[i], key);
    std::string name = resolved.Find("name")->scalar;
    if (name.empty()) name = entry.type;
    double weight = 1.0;
    config_detail::Parse(*resolved.Find("weight"), key + ".weight", weight);
    const ConfigNode* where = items[i].Find("name") ? items[i].Find("name") : &items[i];
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      throw UserError(where->loc.ToString() + ": key '" + key + ".name': two reward modules are " +
                      "named '" + name + "'; give each a distinct name:");
    }
    if (std::find(spec.reward_terms.begin(), spec.reward_terms.end(), name) !=
        spec.reward_terms.end()) {
      throw UserError(where->loc.ToString() + ": key '" + key + ".name': '" + name + "' is also " +
                      "a reward term of " + spec.id + " (both go to /episodes/terms/); rename it");
    }
    names.push_back(name);
    modules.push_back({name, weight, std::move(module)});
  }
  return RewardPipeline(std::move(modules), spec.observation.Dim(), spec.action.Dim(),
                        static_cast<int>(spec.reward_terms.size()));
}

ConfigNode ResolveRewardSection(const ConfigNode& section) {
  ConfigNode list;
  list.kind = ConfigNode::Kind::kSeq;
  const std::vector<ConfigNode>& items = ItemsOf(section);
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string key = "reward[" + std::to_string(i) + "]";
    list.seq.push_back(EntryOf(items[i], key).resolve(items[i], key));
  }
  return list;
}

}  // namespace rl
