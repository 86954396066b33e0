#include "experiments/config_limits.h"

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "agents/ppo/ppo_config.h"
#include "agents/reinforce/reinforce_config.h"
#include "agents/sac/sac_config.h"
#include "core/error.h"
#include "envs/transition_store.h"
#include "rewards/rnd/rnd.h"

namespace rl {
namespace {

constexpr double kFloat = 4;   // agents store float32 (Eigen::MatrixXf)
constexpr double kDouble = 8;  // envs step in float64 (envs/vec_env.h Mat, Vec)
constexpr double kIntMax = std::numeric_limits<int>::max();

// Where `key` was written, or the nearest section above it that was.
std::string LocOf(const ConfigNode& root, const std::string& key) {
  const ConfigNode* node = &root;
  std::string where = root.loc.ToString();
  size_t start = 0;
  while (node != nullptr && node->IsMap()) {
    const size_t dot = key.find('.', start);
    node = node->Find(key.substr(start, dot == std::string::npos ? dot : dot - start));
    if (node != nullptr) where = node->loc.ToString();
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return where;
}

[[noreturn]] void Cap(const ConfigNode& root, const std::string& key, const std::string& what) {
  throw UserError(LocOf(root, key) + ": key '" + key + "': " + what);
}

// Parameters of a fully connected network in -> hidden... -> out.
double NetParams(double in, const std::vector<int>& hidden, double out) {
  double params = 0, prev = in;
  for (int h : hidden) {
    params += (prev + 1) * h;
    prev = h;
  }
  return params + (prev + 1) * out;
}

// Floats of one batch column in a network's training caches: activations and two scratches.
double CacheFloats(double in, const std::vector<int>& hidden, double out) {
  double sum = in + out, widest = std::max(in, out);
  for (int h : hidden) {
    sum += h;
    widest = std::max<double>(widest, h);
  }
  return sum + 2 * widest;
}

void RequireIntParams(const ConfigNode& root, double params, const std::string& net) {
  if (params > kIntMax) {
    Cap(root, "agent.net.hidden",
        net + " would have " + std::to_string(static_cast<int64_t>(params)) +
            " parameters; at most 2147483647 are supported, use narrower layers");
  }
}

void AddPpo(const ExperimentConfig& config, const ConfigNode& root, const EnvSpec& spec,
            std::vector<MemoryItem>& items) {
  const PpoConfig ppo = ReadConfig<PpoConfig>(config.agent, "agent");
  const double obs = spec.observation.Dim(), act = spec.action.Dim();
  const double out = spec.action.IsDiscrete() ? spec.action.n : act;
  const double terms = static_cast<double>(spec.reward_terms.size());
  const double actor = NetParams(obs, ppo.net.hidden, out),
               critic = NetParams(obs, ppo.net.hidden, 1);
  RequireIntParams(root, actor, "the actor");
  // parameters, gradient and two Adam moments per network, plus one gradient per shard
  items.push_back({"agent.net.hidden", "the actor and critic networks (with Adam and gradients)",
                   kFloat * (actor + critic) * (4 + ppo.grad_shards), ""});

  const double columns = static_cast<double>(ppo.num_steps) * config.env.num_envs;
  if (columns > kIntMax) {
    Cap(root, "agent.num_steps",
        std::to_string(ppo.num_steps) + " steps x env.num_envs " +
            std::to_string(config.env.num_envs) + " = " +
            std::to_string(static_cast<int64_t>(columns)) +
            " rollout steps; at most 2147483647, lower num_steps or env.num_envs");
  }
  // the rollout (a transition store, normalised obs, draws, 5 per-step floats), then a minibatch
  // with the networks' caches
  const double rollout =
      columns * (static_cast<double>(TransitionStore::BytesPerTransition(
                     static_cast<int>(obs), static_cast<int>(act), static_cast<int>(terms))) +
                 kFloat * (obs + act + 5));
  const double minibatch = std::ceil(columns / ppo.num_minibatches);
  const double caches = CacheFloats(obs, ppo.net.hidden, out) + CacheFloats(obs, ppo.net.hidden, 1);
  items.push_back({"agent.num_steps",
                   "a rollout of " + std::to_string(ppo.num_steps) + " steps x " +
                       std::to_string(config.env.num_envs) + " envs of " + spec.id,
                   rollout + minibatch * kFloat * (obs + act + 4 + caches + out + 4), ""});
}

void AddSac(const ExperimentConfig& config, const ConfigNode& root, const EnvSpec& spec,
            std::vector<MemoryItem>& items) {
  const SacConfig sac = ReadConfig<SacConfig>(config.agent, "agent");
  const double obs = spec.observation.Dim(), act = spec.action.Dim();
  const double terms = static_cast<double>(spec.reward_terms.size());
  const double actor = NetParams(obs, sac.net.hidden, 2 * act);
  const double critic = NetParams(obs + act, sac.net.hidden, 1);
  RequireIntParams(root, std::max(actor, critic), "each network");
  // actor: parameters, Adam moments, gradient and two shard gradients; each twin critic:
  // parameters, Adam moments, gradient and its target
  items.push_back({"agent.net.hidden", "the actor and twin critics (with targets and Adam)",
                   kFloat * (6 * actor + 2 * 5 * critic), ""});

  // a transition of the replay buffer's store (envs/transition_store.h)
  const double transition = static_cast<double>(TransitionStore::BytesPerTransition(
      static_cast<int>(obs), static_cast<int>(act), static_cast<int>(terms)));
  items.push_back({"agent.buffer_size",
                   std::to_string(sac.buffer_size) + " transitions of " + spec.id,
                   static_cast<double>(sac.buffer_size) * transition, ""});
  const double caches =
      2 * CacheFloats(obs, sac.net.hidden, 2 * act) + 2 * CacheFloats(obs + act, sac.net.hidden, 1);
  items.push_back(
      {"agent.batch_size", "minibatches of " + std::to_string(sac.batch_size) + " transitions",
       sac.batch_size * (transition + kFloat * (caches + 4 * (obs + act) + 12 * act)), ""});
}

void AddReinforce(const ExperimentConfig& config, const ConfigNode& root, const EnvSpec& spec,
                  std::vector<MemoryItem>& items) {
  const ReinforceConfig rf = ReadConfig<ReinforceConfig>(config.agent, "agent");
  const double obs = spec.observation.Dim(), act = spec.action.Dim();
  const double out = spec.action.IsDiscrete() ? spec.action.n : act;
  const double terms = static_cast<double>(spec.reward_terms.size());
  const std::vector<int> hidden = rf.policy == "linear" ? std::vector<int>{} : rf.net.hidden;
  const double policy = NetParams(obs, hidden, out), value = NetParams(obs, rf.net.hidden, 1);
  RequireIntParams(root, std::max(policy, value), "each network");
  // parameters, gradient and two Adam moments per network
  items.push_back({"agent.net.hidden", "the policy and value networks (with Adam and gradients)",
                   kFloat * 4 * (policy + (rf.baseline == "value" ? value : 0)), ""});

  // the store with the draws beside it, and the batch gathered from it with the networks' caches
  const double capacity =
      static_cast<double>(ReinforceStoreCapacity(rf, config.env.num_envs, spec.max_episode_steps));
  const double transition =
      static_cast<double>(TransitionStore::BytesPerTransition(
          static_cast<int>(obs), static_cast<int>(act), static_cast<int>(terms))) +
      kFloat * act;
  const double caches = CacheFloats(obs, hidden, out) + CacheFloats(obs, rf.net.hidden, 1);
  items.push_back({rf.max_stored_steps > 0 ? "agent.max_stored_steps" : "agent.episodes_per_update",
                   "a transition store of " + std::to_string(static_cast<int64_t>(capacity)) +
                       " steps of " + spec.id,
                   capacity * (2 * transition + kFloat * (caches + 8)), ""});
}

// Random network distillation modules: target and predictor networks, window and minibatches.
void AddRnd(const ExperimentConfig& config, const EnvSpec& spec, std::vector<MemoryItem>& items) {
  if (!config.reward.IsSeq()) return;
  const double obs = spec.observation.Dim();
  for (size_t i = 0; i < config.reward.seq.size(); ++i) {
    const ConfigNode& item = config.reward.seq[i];
    const ConfigNode* type = item.IsMap() ? item.Find("type") : nullptr;
    if (type == nullptr || type->scalar != "rnd") continue;
    const std::string key = "reward[" + std::to_string(i) + "]";
    const RndConfig rnd = ReadConfig<RndConfig>(item, key);
    const double params = NetParams(obs, rnd.hidden, rnd.output_dim);
    const ConfigNode* hidden = item.Find("hidden");
    const std::string where = (hidden ? hidden : &item)->loc.ToString();
    if (params > kIntMax) {
      throw UserError(where + ": key '" + key + ".hidden': the RND networks would have " +
                      std::to_string(static_cast<int64_t>(params)) +
                      " parameters each; at most 2147483647, use narrower layers");
    }
    const double batch = std::max(rnd.window, rnd.batch_size);
    items.push_back(
        {key + ".hidden", "the RND networks, window and minibatches",
         kFloat * (5 * params + batch * (3 * obs + rnd.output_dim +
                                         2 * CacheFloats(obs, rnd.hidden, rnd.output_dim))),
         where});
  }
}

}  // namespace

std::vector<MemoryItem> EstimateMemory(const ExperimentConfig& config, const ConfigNode& root,
                                       const EnvSpec& spec, double env_bytes) {
  std::vector<MemoryItem> items;
  // each env slot: the env itself and its share of the vectorised step buffers
  const double slot = env_bytes + kDouble * (2 * spec.observation.Dim() +
                                             static_cast<double>(spec.reward_terms.size()) + 4);
  items.push_back({"env.num_envs", std::to_string(config.env.num_envs) + " copies of " + spec.id,
                   config.env.num_envs * slot, ""});
  const int eval_envs =
      config.eval.num_envs > 0 ? config.eval.num_envs : std::min(config.eval.episodes, 10);
  items.push_back({config.eval.num_envs > 0 ? "eval.num_envs" : "eval.episodes",
                   std::to_string(eval_envs) + " evaluation copies of " + spec.id, eval_envs * slot,
                   ""});
  const ConfigNode* type = config.agent.Find("type");
  if (type != nullptr && type->scalar == "ppo") AddPpo(config, root, spec, items);
  if (type != nullptr && type->scalar == "sac") AddSac(config, root, spec, items);
  if (type != nullptr && type->scalar == "reinforce") AddReinforce(config, root, spec, items);
  AddRnd(config, spec, items);
  std::stable_sort(items.begin(), items.end(),
                   [](const MemoryItem& a, const MemoryItem& b) { return a.bytes > b.bytes; });
  return items;
}

double MemoryLimitBytes() {
  const double physical =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  const char* env = std::getenv("REWARDLAB_MEMORY_LIMIT");
  if (env == nullptr || *env == '\0') return physical;
  char* end = nullptr;
  double limit = std::strtod(env, &end);
  const std::string suffix = end;
  const std::string units = "KMGT";
  if (suffix.size() == 1 && units.find(suffix[0]) != std::string::npos)
    limit *= std::pow(1024.0, static_cast<double>(units.find(suffix[0]) + 1));
  else if (!suffix.empty())
    limit = -1;
  if (!(limit > 0) || !std::isfinite(limit)) {
    throw UserError(std::string("REWARDLAB_MEMORY_LIMIT=") + env +
                    ": expected bytes, optionally with K, M, G or T, e.g. 24G");
  }
  return std::min(limit, physical);
}

void CheckMemory(const std::vector<MemoryItem>& items, const ConfigNode& root, double limit) {
  double total = 0;
  for (const MemoryItem& item : items) total += item.bytes;
  if (total <= limit || items.empty()) return;
  const MemoryItem& top = items.front();
  const bool capped = std::getenv("REWARDLAB_MEMORY_LIMIT") != nullptr;
  throw UserError((top.where.empty() ? LocOf(root, top.key) : top.where) + ": key '" + top.key +
                  "': " + top.what + " need " + FormatBytes(top.bytes) +
                  " (the whole config about " + FormatBytes(total) + "); " +
                  (capped ? "REWARDLAB_MEMORY_LIMIT allows " : "this machine has ") +
                  FormatBytes(limit) + "; lower it (docs/config.md, Limits)");
}

double HeapBytesInUse() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks) + static_cast<double>(info.hblkhd);
}

std::string FormatBytes(double bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  char buf[48];
  std::snprintf(buf, sizeof(buf), bytes < 10 && u > 0 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
  return buf;
}

}  // namespace rl
