#include "envs/registry.h"

namespace rl {

const std::vector<EnvEntry>& EnvRegistry() {
  static const std::vector<EnvEntry> entries = {
  };
  return entries;
}

const EnvEntry& FindEnv(std::string_view id) {
  std::vector<std::string> ids;
  for (const EnvEntry& e : EnvRegistry()) {
    if (e.id == id) return e;
    ids.push_back(e.id);
  }
  throw UserError("unknown env id '" + std::string(id) + "'" + DidYouMean(id, ids) +
                  "; `rewardlab envs` lists them all");
}

std::unique_ptr<Env> MakeEnv(std::string_view id, const ConfigNode& options, const std::string& key) {
  return FindEnv(id).make(options, key);
}

}  // namespace rl
