#include "rewards/registry.h"

#include <algorithm>

#include "rewards/barfi/barfi.h"
#include "rewards/env_reward/env_reward.h"
#include "rewards/gail/gail.h"
#include "rewards/heron/heron.h"
#include "rewards/potential_shaping/pbrs.h"
#include "rewards/progress_bonus/progress_bonus.h"
#include "rewards/rnd/rnd.h"

namespace rl {
namespace {

// An entry for the module configured by C (of YAML type C::kType), built by
// `make(config, key, context)`; name and weight come from C's shared fields (module_config.h);
// `small` as RewardEntry::small.
template <class C, class F>
RewardEntry MakeRewardEntry(std::string summary, F make, std::vector<std::string> small = {}) {
  return {C::kType,
          std::move(summary),
          [make](const ConfigNode& section, const std::string& key,
                 const RewardContext& context) -> WeightedModule {
            const C config = ReadConfig<C>(section, key);
            return {config.OutputName(), config.weight, make(config, key, context)};
          },
          [](const ConfigNode& section, const std::string& key) {
            return ToNode(ReadConfig<C>(section, key));
          },
          [] { return Describe(C{}, "reward[i]"); },
          std::move(small)};
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
      MakeRewardEntry<EnvRewardConfig>("the env's reward, optionally re-weighting its terms",
                                       MakeEnvReward),
      MakeRewardEntry<PbrsConfig>("potential-based shaping gamma*Phi(s') - Phi(s)", MakePbrs),
      MakeRewardEntry<ProgressBonusConfig>(
          "bonus*max(0, Phi(s') - Phi(s)), a known-wrong non-potential bonus", MakeProgressBonus),
      MakeRewardEntry<RndConfig>("random network distillation novelty bonus of s'", MakeRnd,
                                 {"hidden=[8]", "output_dim=4", "window=64", "batch_size=16"}),
      MakeRewardEntry<HeronConfig>(
          "HERON: a reward model fitted to hierarchical preferences over ranked factors", MakeHeron,
          {"factors=[{term: angle}, {term: ctrl}]", "model.hidden=[8]", "pairs=32", "window=160"}),
      MakeRewardEntry<GailConfig>(
          "off-policy GAIL: a Lipschitz-penalised discriminator against expert demonstrations",
          MakeGail, {"demos={demos:Pendulum-v1}", "hidden=[8]", "batch_size=8"}),
      MakeRewardEntry<BarfiConfig>("BARFI: r_phi = phi^T f(s) x [1, r_p, r_aux], learned bi-level "
                                   "through the agent's oracle",
                                   MakeBarfi,
                                   {"features.order=1", "features.coupled=false", "approx=neumann",
                                    "neumann_terms=2", "guard_iters=2", "delta=1", "warmup=0"}),
  };
  return entries;
}

const RewardEntry& FindReward(const std::string& type) {
  for (const RewardEntry& e : RewardRegistry()) {
    if (e.type == type) return e;
  }
  const std::vector<std::string> types = RewardTypes();
  std::string list;
  for (const std::string& t : types) list += (list.empty() ? "" : ", ") + t;
  throw UserError("unknown reward module type '" + type + "'" + DidYouMean(type, types) +
                  " (types: " + list + ")");
}

std::vector<std::string> RewardTypes() {
  std::vector<std::string> types;
  for (const RewardEntry& e : RewardRegistry()) types.push_back(e.type);
  return types;
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
    for (const WeightedModule& m : modules) own.earlier.push_back({m.name, m.module.get()});
    WeightedModule module;
    try {
      module = entry.make(items[i], key, own);
    } catch (const UserError& e) {
      // a module's own checks name the key; add where the entry was written
      const std::string what = e.what();
      if (!what.starts_with("key '")) throw;
      throw UserError(items[i].loc.ToString() + ": " + what);
    }

    // names are unique among modules and env reward terms
    const std::string& name = module.name;
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
    modules.push_back(std::move(module));
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
