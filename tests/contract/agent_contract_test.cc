// The agent contract over every registered agent (agents/registry.cc), each made small by its
// entry's `small` overrides, on every contract env it accepts: actions inside the action space in
// every mode, the same seed gives the same actions and update metrics, and a saved and reloaded
// agent continues exactly as the original. A new agent is covered by its registry line alone.
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <set>
#include <string>

#include "agents/registry.h"
#include "tests/support/agent_checks.h"
#include "tests/support/contract.h"
#include "tests/support/errors.h"

namespace rl {
namespace {

// An agent type on one env it accepts.
struct AgentCase {
  const AgentEntry* entry;
  ExperimentConfig config;  // validated, small
  EnvSpec spec;             // the env's spec
};

// Every (agent, contract env) pair the agent accepts; an env it refuses is skipped with its
// reason, but each agent must accept one.
std::vector<AgentCase> AgentCases() {
  std::vector<AgentCase> cases;
  for (const AgentEntry& entry : AgentRegistry()) {
    int accepted = 0;
    for (const std::string& env_id : testing::ContractEnvs()) {
      std::string why;
      try {
        const ExperimentConfig config =
            testing::SmallExperiment(env_id, entry, ConfigNode{}, /*seed=*/3);
        cases.push_back({&entry, config, MakeVecEnv(config.env, 0)->Spec()});
        ++accepted;
      } catch (const UserError& e) {
        why = e.what();
      }
      if (!why.empty()) SUCCEED(entry.type << " skips " << env_id << ": " << why);
    }
    INFO("agent " << entry.type << " accepts none of the contract envs");
    CHECK(accepted > 0);
  }
  return cases;
}

// Builds the case's agent with `seed`.
std::unique_ptr<Agent> Make(const AgentCase& c, uint64_t seed) {
  return c.entry->make(c.config.agent, c.spec, c.config.env.num_envs, seed);
}

// Every column of `action` is an element of `space`: within a Box's bounds, a valid index.
void CheckInside(const Space& space, const Mat& action, int cols, const char* mode) {
  INFO("mode " << mode << ", space " << space.ToString());
  REQUIRE(action.rows() == space.Dim());
  REQUIRE(action.cols() == cols);
  for (int j = 0; j < cols; ++j) {
    INFO("column " << j << ": " << action.col(j).transpose());
    CHECK(space.Contains(action.col(j)));
  }
}

// Acts on wide observations (scale 5, so unclipped Gaussian actions leave a Box) in every mode.
void CheckActionsInside(Agent& agent, const AgentCase& c, uint64_t seed) {
  const int n = c.config.env.num_envs;
  Mat action;
  const Mat obs = testing::ProbeObs(c.spec.observation.Dim(), n, 5.0, seed);
  agent.Act(obs, ActMode::kExplore, action);
  CheckInside(c.spec.action, action, n, "explore");
  const Mat wide = testing::ProbeObs(c.spec.observation.Dim(), 64, 5.0, seed + 1);
  agent.Act(wide, ActMode::kEval, action);
  CheckInside(c.spec.action, action, 64, "eval");
  agent.Act(wide, ActMode::kSample, action);
  CheckInside(c.spec.action, action, 64, "sample");
}

// Trains `agent` alone on its env until it has updated `updates` times, checking every
// exploration action and that every update metric is finite; returns the last update's metrics.
MetricValues Train(const AgentCase& c, Agent& agent, int updates) {
  std::unique_ptr<VecEnv> env = MakeVecEnv(c.config.env, c.config.seed + 5);
  RewardPipeline reward;
  Mat obs, action;
  MetricValues metrics;
  VecStep step;
  env->ResizeFor(step);
  env->Reset(obs);
  for (int done = 0, steps = 0; done < updates; ++steps) {
    REQUIRE(steps < 10000);
    agent.Act(obs, ActMode::kExplore, action);
    CheckInside(c.spec.action, action, env->Size(), "explore (training)");
    env->Step(action, step);
    agent.Observe(obs, action, step);
    obs = step.obs;
    if (!agent.ReadyToUpdate()) continue;
    metrics = agent.Update(reward);
    REQUIRE(metrics.size() == agent.MetricNames().size());
    for (size_t i = 0; i < metrics.size(); ++i) {
      INFO("metric " << agent.MetricNames()[i]);
      CHECK(std::isfinite(metrics[i]));
    }
    CHECK(agent.NonFinite(metrics).empty());
    ++done;
  }
  return metrics;
}

TEST_CASE("every registered agent acts inside its action space in every mode", "[contract]") {
  for (const AgentCase& c : AgentCases()) {
    INFO(c.entry->type << " on " << c.spec.id);
    std::unique_ptr<Agent> agent = Make(c, 3);
    CheckActionsInside(*agent, c, 11);
    Train(c, *agent, 2);
    CheckActionsInside(*agent, c, 12);
  }
}

TEST_CASE("every registered agent gives the same actions and updates for the same seed",
          "[contract]") {
  for (const AgentCase& c : AgentCases()) {
    INFO(c.entry->type << " on " << c.spec.id);
    std::unique_ptr<Agent> a = Make(c, 3), b = Make(c, 3);
    testing::TrainInLockstep(c.config, *a, *b, 3);
    Mat act_a, act_b;
    const Mat probe = testing::ProbeObs(c.spec.observation.Dim(), 16, 1.0, 5);
    a->Act(probe, ActMode::kEval, act_a);
    b->Act(probe, ActMode::kEval, act_b);
    CHECK(testing::SameBits(act_a, act_b));
    // the contract can fail: another seed learns differently
    std::unique_ptr<Agent> same = Make(c, 3), other = Make(c, 4);
    CHECK_FALSE(testing::SameBits(Train(c, *same, 1), Train(c, *other, 1)));
  }
}

TEST_CASE("every registered agent continues identically after a save and load", "[contract]") {
  for (const AgentCase& c : AgentCases()) {
    INFO(c.entry->type << " on " << c.spec.id);
    std::unique_ptr<Agent> agent = Make(c, 3);
    Train(c, *agent, 2);
    std::unique_ptr<Agent> loaded = testing::SaveAndReload(c.config, c.spec, *agent);
    Mat act_a, act_b;
    const Mat probe = testing::ProbeObs(c.spec.observation.Dim(), 16, 1.0, 6);
    agent->Act(probe, ActMode::kEval, act_a);
    loaded->Act(probe, ActMode::kEval, act_b);
    CHECK(testing::SameBits(act_a, act_b));
    // exploration draws, rollouts or replay, optimisers and counters all carry over
    testing::TrainInLockstep(c.config, *agent, *loaded, 2);
  }
}

TEST_CASE("agent types are unique, described, and unknown types name the registered ones",
          "[contract]") {
  std::set<std::string> types;
  for (const AgentEntry& entry : AgentRegistry()) {
    INFO(entry.type);
    CHECK(types.insert(entry.type).second);
    CHECK(!entry.summary.empty());
    CHECK(AgentTypes().find(entry.type) != std::string::npos);
    for (const FieldDoc& f : entry.describe()) CHECK(!f.doc.empty());
  }
  const std::string error = testing::ErrorOf([] { FindAgent("no_such_agent"); });
  for (const AgentEntry& entry : AgentRegistry()) CHECK_THAT(error, Catch::Contains(entry.type));
}

}  // namespace
}  // namespace rl
