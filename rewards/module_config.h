// The fields every reward module's config shares: `type`, `name` and `weight`. A module's config
// derives from ModuleConfig<Self> (Self names its YAML type in `kType`) and lists the three with
// SharedFields first, so they are parsed, checked, written to the resolved config and documented
// by this one piece of code, and the registry takes a module's name and weight from its config:
//
//   struct PbrsConfig : ModuleConfig<PbrsConfig> {
//     static constexpr const char* kType = "pbrs";
//     double gamma = -1.0;
//     template <class V> void Fields(V& v) {
//       SharedFields(v, WeightSign::kAny, "any finite value: -Φ is a potential");
//       v("gamma", gamma, "shaping discount; -1 = the agent's", Check::Range(-1, 1));
//     }
//   };
#ifndef REWARDLAB_REWARDS_MODULE_CONFIG_H_
#define REWARDLAB_REWARDS_MODULE_CONFIG_H_

#include <string>
#include <string_view>

#include "core/config.h"

namespace rl {

// Which weights a module accepts.
enum class WeightSign {
  kNonNegative,  // >= 0: a negative weight would turn the module's reward into a cost
  kAny,          // any finite value
};

// The shared fields of the config of module `Self`, which declares `static constexpr const char*
// kType`.
template <class Self>
struct ModuleConfig {
  std::string type = Self::kType;  // the YAML `type`; only kType is accepted
  std::string name;                // output name; empty = the type
  double weight = 1.0;             // weight in the optimised reward

  // The output name: `name`, or the type when it is empty.
  const std::string& OutputName() const { return name.empty() ? type : name; }

 protected:
  // Lists type, name and weight; `weight_note`, when given, follows the weight's doc in brackets.
  template <class V>
  void SharedFields(V& v, WeightSign sign, std::string_view weight_note = "") {
    v("type", type, "module type", Check::OneOf({Self::kType}));
    v("name", name, "output name in the run file; empty = the type");
    std::string doc = "weight in the optimised reward";
    if (!weight_note.empty()) doc += " (" + std::string(weight_note) + ")";
    v("weight", weight, doc, sign == WeightSign::kNonNegative ? Check::Min(0) : Check{});
  }
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_MODULE_CONFIG_H_
