// The reward-module contract over every registered module (rewards/registry.cc), each made small
// by its entry's `small` overrides, on every contract env it fits: finite outputs on random
// transitions, the same seed gives the same outputs and fits, a saved and reloaded module gives
// the same outputs and fits on identically, a bad value of any option is a one-line UserError
// naming its key, and a few training steps with every registered agent that accepts the env.
// A new module is covered by its registry line alone.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/h5.h"
#include "core/rng.h"
#include "envs/registry.h"
#include "rewards/registry.h"
#include "tests/support/agent_checks.h"
#include "tests/support/contract.h"
#include "tests/support/errors.h"
#include "tests/support/temp_dir.h"
#include "tests/support/training.h"

namespace rl {
namespace {

constexpr double kGamma = 0.99;

// Transitions of uniformly random actions, stored as agents store them (float32 columns).
struct Transitions {
  Eigen::MatrixXf obs, action, next_obs;  // (obs_dim x n), (act_dim x n), (obs_dim x n)
  Eigen::VectorXf reward;                 // (n)
  Eigen::MatrixXf terms;                  // (num_terms x n)
  std::vector<uint8_t> terminated, truncated;

  // Columns [first, first + n) as a batch.
  RewardBatch Batch(int first, int n) const {
    return {obs.middleCols(first, n), action.middleCols(first, n), next_obs.middleCols(first, n),
            reward.segment(first, n), terms.middleCols(first, n),  terminated.data() + first,
            truncated.data() + first};
  }
  // All of them.
  RewardBatch All() const { return Batch(0, static_cast<int>(reward.size())); }
};

// `steps` steps of `num_envs` copies of env `id` under random actions (episodes end often enough:
// CartPole falls, Pendulum's limit is cut short by the caller's max_episode_steps).
Transitions RandomTransitions(const std::string& id, int num_envs, int steps, uint64_t seed) {
  EnvConfig config;
  config.id = id;
  config.num_envs = num_envs;
  config.max_episode_steps = 20;
  std::unique_ptr<VecEnv> env = MakeVecEnv(config, seed);
  const Space& space = env->Spec().action;
  Rng rng(seed + 1);
  Mat obs, action(space.Dim(), num_envs);
  VecStep step;
  env->ResizeFor(step);
  env->Reset(obs);
  Transitions t;
  const int n = num_envs * steps;
  t.obs.resize(obs.rows(), n);
  t.action.resize(space.Dim(), n);
  t.next_obs.resize(obs.rows(), n);
  t.reward.resize(n);
  t.terms.resize(env->Spec().reward_terms.size(), n);
  for (int s = 0; s < steps; ++s) {
    for (int j = 0; j < num_envs; ++j) {
      for (int i = 0; i < space.Dim(); ++i) {
        action(i, j) = space.IsDiscrete() ? static_cast<double>(rng.UniformInt(space.n))
                                          : rng.Uniform(space.low[i], space.high[i]);
      }
    }
    env->Step(action, step);
    const int c = s * num_envs;
    t.obs.middleCols(c, num_envs) = obs.cast<float>();
    t.action.middleCols(c, num_envs) = action.cast<float>();
    t.next_obs.middleCols(c, num_envs) = step.final_obs.cast<float>();
    t.reward.segment(c, num_envs) = step.reward.cast<float>();
    t.terms.middleCols(c, num_envs) = step.terms.cast<float>();
    t.terminated.insert(t.terminated.end(), step.terminated.begin(), step.terminated.end());
    t.truncated.insert(t.truncated.end(), step.truncated.begin(), step.truncated.end());
    obs = step.obs;
  }
  return t;
}

// A module type on one env it fits.
struct ModuleCase {
  const RewardEntry* entry;
  std::string env_id;
  ConfigNode list;  // the `reward:` list holding the module alone, small
  std::unique_ptr<Env> env;
};

// Every (module, contract env) pair the module fits; an env it refuses is skipped with its
// reason, but each module must fit one.
std::vector<ModuleCase> ModuleCases() {
  std::vector<ModuleCase> cases;
  for (const RewardEntry& entry : RewardRegistry()) {
    ConfigNode list;
    list.kind = ConfigNode::Kind::kSeq;
    list.seq.push_back(testing::SmallSection(entry.type, entry.small));
    int fits = 0;
    for (const std::string& env_id : testing::ContractEnvs()) {
      std::unique_ptr<Env> env = MakeEnv(env_id, ConfigNode{});
      const std::string why = testing::ErrorOf([&] {
        MakeRewardPipeline(list, {env.get(), kGamma, 0, 0});
      });
      if (!why.empty()) {
        SUCCEED(entry.type << " skips " << env_id << ": " << why);
        continue;
      }
      cases.push_back({&entry, env_id, list, std::move(env)});
      ++fits;
    }
    INFO("reward module " << entry.type << " fits none of the contract envs");
    CHECK(fits > 0);
  }
  return cases;
}

// The case's pipeline for `seed`.
RewardPipeline Make(const ModuleCase& c, uint64_t seed) {
  return MakeRewardPipeline(c.list, {c.env.get(), kGamma, seed, 0});
}

// Feeds the transitions to the fitting window in steps of `num_envs`, as the trainer does, and
// to `agent_store` (an agent's own store, which Fit hands to modules) when it is given.
void TrackAll(RewardPipeline& p, const Transitions& t, int num_envs,
              TransitionStore* agent_store = nullptr) {
  VecStep step;
  for (int c = 0; c < t.reward.size(); c += num_envs) {
    const Mat obs = t.obs.middleCols(c, num_envs).cast<double>();
    const Mat action = t.action.middleCols(c, num_envs).cast<double>();
    step.final_obs = t.next_obs.middleCols(c, num_envs).cast<double>();
    step.reward = t.reward.segment(c, num_envs).cast<double>();
    step.terms = t.terms.middleCols(c, num_envs).cast<double>();
    step.terminated.assign(t.terminated.begin() + c, t.terminated.begin() + c + num_envs);
    step.truncated.assign(t.truncated.begin() + c, t.truncated.begin() + c + num_envs);
    p.Track(obs, action, step);
    if (agent_store) agent_store->Add(obs, action, step);
  }
}

// Module outputs (modules x n) and optimised rewards (n) of all transitions, checked finite.
Eigen::MatrixXf Outputs(const RewardPipeline& p, const Transitions& t) {
  Eigen::MatrixXf outputs;
  Eigen::VectorXf reward(t.reward.size());
  p.Outputs(t.All(), outputs, reward);
  CHECK(outputs.allFinite());
  CHECK(reward.allFinite());
  CHECK(p.DescribeNonFinite(t.All(), reward, "transition").empty());
  Eigen::VectorXf labelled(t.reward.size());
  p.Label(t.All(), labelled);
  CHECK(std::memcmp(labelled.data(), reward.data(), sizeof(float) * reward.size()) == 0);
  return outputs;
}

bool SameBits(const Eigen::MatrixXf& a, const Eigen::MatrixXf& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0;
}

// Fits `p` at `step` with `agent_store` as the agent's store and a policy whose input-gradient
// norm is 0.5 everywhere, checking the metrics are finite and named.
std::vector<double> Fit(RewardPipeline& p, int64_t step, const TransitionStore& agent_store) {
  const PolicyInputGradNorms policy = [](const Eigen::Ref<const Eigen::MatrixXf>&,
                                         Eigen::Ref<Eigen::VectorXf> out) {
    out.setConstant(0.5f);
  };
  const std::vector<double> metrics = p.Fit(step, nullptr, &agent_store, policy);
  REQUIRE(metrics.size() == p.MetricNames().size());
  for (double m : metrics) CHECK(std::isfinite(m));
  return metrics;
}

TEST_CASE("every registered reward module is finite, deterministic and round-trips its state",
          "[contract]") {
  for (const ModuleCase& c : ModuleCases()) {
    INFO(c.entry->type << " on " << c.env_id);
    const Transitions t = RandomTransitions(c.env_id, 4, 40, 17);
    RewardPipeline a = Make(c, 5), b = Make(c, 5);
    CHECK(SameBits(Outputs(a, t), Outputs(b, t)));
    TransitionStore store(t.reward.size(), t.obs.rows(), t.action.rows(), t.terms.rows());
    TrackAll(a, t, 4, &store);
    TrackAll(b, t, 4);
    if (a.Learned()) {
      CHECK(testing::SameBits(Fit(a, 160, store), Fit(b, 160, store)));
      CHECK(SameBits(Outputs(a, t), Outputs(b, t)));
    }

    // a module built from another seed becomes the saved one on Load
    testing::TempDir dir;
    const std::string path = (dir.Path() / "reward.h5").string();
    {
      h5::File f = h5::File::Create(path);
      a.Save(f.CreateGroup("reward"));
      f.Close();
    }
    RewardPipeline loaded = Make(c, 6);
    {
      h5::File f = h5::File::OpenReadOnly(path);
      loaded.Load(f.OpenGroup("reward"));
    }
    CHECK(SameBits(Outputs(a, t), Outputs(loaded, t)));
    if (a.Learned()) {
      // the window, optimiser and statistics carried over: the next fit agrees too
      CHECK(testing::SameBits(Fit(a, 320, store), Fit(loaded, 320, store)));
      CHECK(SameBits(Outputs(a, t), Outputs(loaded, t)));
    }
  }
}

// Dotted key of `row` inside the module's entry ("reward[i].potential.scale" -> potential.scale),
// a field of a list's items taken in its first item ("factors[].margin" -> factors[0].margin).
std::string OwnKey(const FieldDoc& row) {
  std::string key = row.key.substr(row.key.find('.') + 1);
  for (size_t at = key.find("[]"); at != std::string::npos; at = key.find("[]"))
    key.replace(at, 2, "[0]");
  return key;
}

// Whether -1 breaks the check text of a number ("> 0", ">= 1", "in [0, 1]"; "in [-1, 1]" not).
bool RejectsMinusOne(const std::string& check) {
  for (const char* prefix : {">= ", "> ", "in [", "in ("}) {
    if (!check.starts_with(prefix)) continue;
    const double lo = std::stod(check.substr(std::strlen(prefix)));
    const bool open = check[0] == '>' ? check[1] != '=' : check[3] == '(';
    return lo > -1 || (lo == -1 && open);
  }
  return false;
}

TEST_CASE("a bad value of any reward module option is a one-line error naming its key",
          "[contract]") {
  for (const ModuleCase& c : ModuleCases()) {
    for (const FieldDoc& row : c.entry->describe()) {
      // a word where a number or a flag is expected or outside a string option's choices, and a
      // number below an option's lower bound
      const bool number = row.type == "int" || row.type == "float";
      const bool choice = row.type == "string" && row.check.starts_with("one of");
      std::vector<std::string> values;
      if (number || row.type == "bool" || choice) values.push_back("oops");
      if (number && RejectsMinusOne(row.check)) values.push_back("-1");
      for (const std::string& value : values) {
        ConfigNode list = c.list;
        ApplyOverride(list.seq[0], OwnKey(row) + "=" + value);
        INFO(c.entry->type << " on " << c.env_id << ": " << OwnKey(row) << " = " << value);
        const std::string error = testing::ErrorOf([&] {
          MakeRewardPipeline(list, {c.env.get(), kGamma, 0, 0});
        });
        CHECK_THAT(error, Catch::Contains("'reward[0]." + OwnKey(row) + "'"));
        CHECK(error.find('\n') == std::string::npos);
      }
    }
  }
}

TEST_CASE("every registered reward module trains a few steps with every agent that fits",
          "[contract]") {
  for (const ModuleCase& c : ModuleCases()) {
    int trained = 0;
    for (const AgentEntry& agent : AgentRegistry()) {
      INFO(c.entry->type << " on " << c.env_id << " with " << agent.type);
      std::optional<ExperimentConfig> config;
      const std::string why = testing::ErrorOf(
          [&] { config = testing::SmallExperiment(c.env_id, agent, c.list, 1, 64); });
      if (!config) {
        // only the agent may refuse: the module fits this env
        CHECK_THAT(why, Catch::Contains("agent"));
        SUCCEED(agent.type << " skips " << c.env_id << ": " << why);
        continue;
      }
      testing::Session run(*config);
      run.Run();
      const testing::Recorder& events = run.Events();
      CHECK(!events.updates.empty());
      // agent metrics are finite at every update; a module's are NaN at updates it did not fit
      // at, never infinite, and each is measured at least once
      const size_t own = run.Reward().MetricNames().size();
      std::vector<bool> measured(own, false);
      for (const auto& [step, metrics] : events.updates) {
        REQUIRE(metrics.size() >= own);
        const size_t first = metrics.size() - own;
        for (size_t i = 0; i < first; ++i) CHECK(std::isfinite(metrics[i]));
        for (size_t i = first; i < metrics.size(); ++i) {
          CHECK(!std::isinf(metrics[i]));
          if (std::isfinite(metrics[i])) measured[i - first] = true;
        }
      }
      for (size_t i = 0; i < own; ++i) {
        INFO(run.Reward().MetricNames()[i]);
        CHECK(measured[i]);
      }
      for (const testing::EpisodeRow& e : events.episodes) {
        CHECK(std::isfinite(e.optimized_return));
        for (double s : e.term_sums) CHECK(std::isfinite(s));
      }
      REQUIRE(events.evals.size() == 1);
      ++trained;
    }
    INFO(c.entry->type << " on " << c.env_id << " trained with no agent");
    CHECK(trained > 0);
  }
}

TEST_CASE("reward module types are unique and described", "[contract]") {
  std::set<std::string> types;
  for (const RewardEntry& entry : RewardRegistry()) {
    INFO(entry.type);
    CHECK(types.insert(entry.type).second);
    CHECK(!entry.summary.empty());
    for (const FieldDoc& f : entry.describe()) CHECK(!f.doc.empty());
    // the shared fields come first, from one place (rewards/module_config.h)
    const std::vector<FieldDoc> rows = entry.describe();
    REQUIRE(rows.size() >= 3);
    CHECK(rows[0].key == "reward[i].type");
    CHECK(rows[1].key == "reward[i].name");
    CHECK(rows[2].key == "reward[i].weight");
  }
}

}  // namespace
}  // namespace rl
