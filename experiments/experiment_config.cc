#include "experiments/experiment_config.h"

#include "envs/registry.h"

namespace rl {

ExperimentConfig LoadExperimentConfig(const std::string& path,
                                      const std::vector<std::string>& overrides,
                                      ConfigNode* resolved) {
  ConfigNode root;
  root.kind = ConfigNode::Kind::kMap;
  if (!path.empty()) root = LoadConfigFile(path);
  for (const std::string& o : overrides) ApplyOverride(root, o);
  ExperimentConfig config = ReadConfig<ExperimentConfig>(root, "");

  // env options are checked by the env's own options struct
  const ConfigNode* env = root.Find("env");
  const ConfigNode* id = env ? env->Find("id") : nullptr;
  try {
    FindEnv(config.env.id);
  } catch (const UserError& e) {
    throw UserError((id ? id->loc.ToString() + ": key 'env.id': " : std::string()) + e.what());
  }
  FindEnv(config.env.id).make(config.env.options, "env.options");
  if (resolved) *resolved = ToNode(config);
  return config;
}

}  // namespace rl
