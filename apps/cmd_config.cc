// `rewardlab config describe [COMPONENT]` and `rewardlab config show [CONFIG] [--set k=v]...`.
#include <iostream>
#include <memory>

#include "agents/registry.h"
#include "apps/commands.h"
#include "envs/registry.h"
#include "experiments/experiment_config.h"
#include "rewards/registry.h"

namespace rl {
namespace {

void DescribeComponent(const std::string& component) {
  // the experiment as a whole, one of its sections, or one env's options
  if (component.empty() || component == "experiment") {
    std::cout << "experiment config (top level of a config file):\n"
              << FormatFieldDocs(Describe(ExperimentConfig{}))
              << "\ncomponents: experiment, env, every agent type (" << AgentTypes(", ")
              << "), reward, every reward module type, and every env id (its env.options); "
                 "`rewardlab envs` lists the ids\n";
    return;
  }
  if (component == "env") {
    std::cout << "env section:\n" << FormatFieldDocs(Describe(EnvConfig{}, "env"));
    return;
  }
  for (const AgentEntry& agent : AgentRegistry()) {
    if (agent.type == component) {
      std::cout << "agent section, type " << agent.type << " (" << agent.summary << "):\n"
                << FormatFieldDocs(agent.describe());
      return;
    }
  }
  if (component == "reward") {
    std::cout << "reward section: a list of modules, each {type, name, weight, options}; the "
                 "optimised reward is the weighted sum of their outputs. Module types:\n";
    for (const RewardEntry& r : RewardRegistry())
      std::cout << "  " << r.type << "  " << r.summary << "\n";
    return;
  }
  for (const RewardEntry& r : RewardRegistry()) {
    if (r.type == component) {
      std::cout << "reward module, type " << r.type << " (" << r.summary << "):\n"
                << FormatFieldDocs(r.describe());
      return;
    }
  }
  const EnvEntry& entry = FindEnv(component);
  const auto rows = entry.describe();
  std::cout << entry.id << " options (env.options):\n";
  if (rows.empty())
    std::cout << "  (none)\n";
  else
    std::cout << FormatFieldDocs(rows);
}

}  // namespace

void AddConfigCommands(CLI::App& app) {
  CLI::App* config =
      app.add_subcommand("config", "describe config fields or show a resolved config");
  config->require_subcommand(1);

  auto component = std::make_shared<std::string>();
  CLI::App* describe = config->add_subcommand("describe", "print fields, defaults and docs");
  describe->add_option("component", *component,
                       "experiment | env | " + AgentTypes(" | ") +
                           " | reward | MODULE_TYPE | ENV_ID (default: experiment)");
  describe->callback([component] { DescribeComponent(*component); });

  auto path = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  CLI::App* show = config->add_subcommand("show", "validate a config and print it fully resolved");
  show->add_option("config", *path, "YAML config file (default: the built-in defaults)");
  show->add_option("--set", *sets, "override key.path=value (repeatable)");
  show->callback([path, sets] {
    ConfigNode resolved;
    LoadExperimentConfig(*path, *sets, &resolved);
    std::cout << resolved.ToYaml();
  });
}

}  // namespace rl
