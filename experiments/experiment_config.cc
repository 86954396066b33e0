#include "experiments/experiment_config.h"

#include <algorithm>

#include "agents/registry.h"
#include "envs/registry.h"
#include "experiments/config_limits.h"
#include "experiments/value_function.h"
#include "rewards/registry.h"

namespace rl {

ConfigNode ExperimentConfig::DefaultAgent() {
  ConfigNode n;
  n.Set("type", ConfigNode::Scalar("ppo"));
  return n;
}

ConfigNode ExperimentConfig::DefaultReward() { return DefaultRewardSection(); }

void ConnectAbsorbing(Agent& agent, const RewardPipeline& reward, const ConfigNode& section) {
  const int k = reward.AbsorbingModule();
  if (k < 0) return;
  try {
    agent.UseAbsorbingStates();
  } catch (const UserError& e) {
    const bool listed = section.kind == ConfigNode::Kind::kSeq && k < std::ssize(section.seq);
    throw UserError((listed ? section.seq[k].loc : section.loc).ToString() + ": key 'reward[" +
                    std::to_string(k) + "].absorbing': module '" + reward.Names()[k] +
                    "' rewards absorbing states and " + e.what() + "; or set absorbing: false");
  }
}

void CheckAgentGamma(Agent& agent, const RewardPipeline& reward, const std::string& agent_type) {
  const int k = reward.AgentGammaModule();
  if (k < 0) return;
  // one discount for the agent: a second module asking for one is refused, not ignored
  for (int j = k + 1; j < reward.Size(); ++j) {
    if (reward.Module(j).AgentGamma() < 0) continue;
    throw UserError("key 'reward[" + std::to_string(j) + "].learn_gamma': reward modules '" +
                    reward.Names()[k] + "' (reward[" + std::to_string(k) + "]) and '" +
                    reward.Names()[j] + "' both learn the agent's discount; let one of them");
  }
  if (agent.SetGamma(agent.Gamma())) return;
  throw UserError("key 'reward[" + std::to_string(k) + "].learn_gamma': reward module '" +
                  reward.Names()[k] + "' learns the agent's discount, which agent '" + agent_type +
                  "' cannot change (Agent::SetGamma); use reinforce or ppo, or set false");
}

namespace {

// Refuses an agent without a policy-gradient oracle when a module's Fit needs one (BARFI).
void CheckOracle(Agent& agent, RewardPipeline& reward, const std::string& agent_type) {
  for (int k = 0; k < reward.Size(); ++k) {
    if (!reward.Module(k).NeedsOracle() || agent.Oracle()) continue;
    throw UserError("key 'agent.type': reward module '" + reward.Names()[k] + "' (reward[" +
                    std::to_string(k) + "]) learns through the agent's policy-gradient oracle, " +
                    "which agent '" + agent_type + "' does not serve; use reinforce or ppo");
  }
}

}  // namespace

std::string ExperimentConfig::AgentDoc() {
  return "the agent: type (" + AgentTypes() + ") and its options (`config describe ppo`)";
}

ExperimentConfig LoadExperimentConfig(const std::string& path,
                                      const std::vector<std::string>& overrides,
                                      ConfigNode* resolved, ValidatedParts* parts) {
  ConfigNode root;
  root.kind = ConfigNode::Kind::kMap;
  if (!path.empty()) root = LoadConfigFile(path);
  return ResolveExperimentConfig(std::move(root), overrides, resolved, parts);
}

ExperimentConfig ResolveExperimentConfig(ConfigNode root, const std::vector<std::string>& overrides,
                                         ConfigNode* resolved, ValidatedParts* parts) {
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
  std::unique_ptr<Env> env_probe;
  try {
    env_probe = FindEnv(config.env.id).make(config.env.options, "env.options");
  } catch (const UserError& e) {
    // an env's own checks may not say where; name the section
    const std::string what = e.what();
    if (what.find("env.options") != std::string::npos) throw;
    const ConfigNode* options = env ? env->Find("options") : nullptr;
    throw UserError((options ? options->loc : root.loc).ToString() +
                    ": key 'env.options': " + what);
  }
  env_probe->SetMaxEpisodeSteps(config.env.max_episode_steps);

  // the agent section is checked by its type's config struct, and against the env
  const ConfigNode* type = config.agent.Find("type");
  if (!config.agent.IsMap() || !type || !type->IsScalar()) {
    throw UserError(config.agent.loc.ToString() + ": key 'agent.type': missing; set it to one of " +
                    AgentTypes() + " (`rewardlab config describe ppo`)");
  }
  try {
    FindAgent(type->scalar);
  } catch (const UserError& e) {
    throw UserError(type->loc.ToString() + ": key 'agent.type': " + e.what());
  }
  const AgentEntry& agent = FindAgent(type->scalar);

  // sizes are checked against memory before the agent allocates anything; one more env measures
  // what an env takes
  const double heap_before = HeapBytesInUse();
  std::unique_ptr<Env> env_measure = FindEnv(config.env.id).make(config.env.options, "env.options");
  const double env_bytes = std::max(HeapBytesInUse() - heap_before, 1024.0);
  env_measure->SetMaxEpisodeSteps(config.env.max_episode_steps);
  CheckMemory(EstimateMemory(config, root, env_probe->Spec(), env_bytes), root, MemoryLimitBytes());
  std::unique_ptr<Agent> agent_probe =
      agent.make(config.agent, env_probe->Spec(), config.env.num_envs, config.seed);
  config.agent = agent.resolve(config.agent);

  // the reward modules are checked by their types' config structs, and against env and agent
  auto reward = std::make_unique<RewardPipeline>(MakeRewardPipeline(
      config.reward, {env_probe.get(), agent_probe->Gamma(), config.seed, 0, LoadStateValues}));
  ConnectAbsorbing(*agent_probe, *reward, config.reward);
  CheckOracle(*agent_probe, *reward, agent.type);
  CheckAgentGamma(*agent_probe, *reward, agent.type);
  config.reward = ResolveRewardSection(config.reward);
  if (resolved) *resolved = ToNode(config);
  // what was built is what the run uses (the resolved sections read back to the same values)
  if (parts) {
    *parts = {std::move(env_probe), std::move(env_measure), std::move(agent_probe),
              std::move(reward)};
  }
  return config;
}

}  // namespace rl
