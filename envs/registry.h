// The env registry: every environment id, its options struct and its factory. The list itself is
// envs/registry.cc, one line per id.
#ifndef REWARDLAB_ENVS_REGISTRY_H_
#define REWARDLAB_ENVS_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "envs/env.h"

namespace rl {

// One registered environment.
struct EnvEntry {
  std::string id;       // the YAML `env.id`, e.g. "CartPole-v1"
  std::string summary;  // one line for `rewardlab envs`
  // Builds the env from its options map (`env.options`); `key` names that map in errors.
  std::function<std::unique_ptr<Env>(const ConfigNode& options, const std::string& key)> make;
  // The options' fields, defaults and docs.
  std::function<std::vector<FieldDoc>()> describe;
};

// An entry for env class E constructed from options struct C, whose defaults are `defaults`.
template <class E, class C>
EnvEntry MakeEnvEntry(std::string id, std::string summary, C defaults = {}) {
  return {std::move(id), std::move(summary),
          [defaults](const ConfigNode& options, const std::string& key) -> std::unique_ptr<Env> {
            return std::make_unique<E>(ReadConfig(options, key, defaults));
          },
          [defaults] { return Describe(defaults, "env.options"); }};
}

// All registered environments, in listing order.
const std::vector<EnvEntry>& EnvRegistry();
// The entry for `id`; throws UserError naming the closest ids when there is none.
const EnvEntry& FindEnv(std::string_view id);
// Builds env `id` with `options` (a map or null for defaults).
std::unique_ptr<Env> MakeEnv(std::string_view id, const ConfigNode& options = {},
                             const std::string& key = "env.options");

}  // namespace rl

#endif  // REWARDLAB_ENVS_REGISTRY_H_
