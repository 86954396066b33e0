// Checks shared by the agent tests: bitwise comparison of results, checkpoint round trips and
// lockstep training of two agents on the same transitions.
#ifndef REWARDLAB_TESTS_SUPPORT_AGENT_CHECKS_H_
#define REWARDLAB_TESTS_SUPPORT_AGENT_CHECKS_H_

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "agents/registry.h"
#include "core/h5.h"
#include "core/rng.h"
#include "envs/vec_env.h"
#include "experiments/experiment_config.h"
#include "rewards/reward_pipeline.h"
#include "tests/support/temp_dir.h"
#include "tests/support/training.h"

namespace rl::testing {

// Same bits (NaN equals NaN, -0 differs from +0).
inline bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

inline bool SameBits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameBits(a[i], b[i])) return false;
  }
  return true;
}

inline bool SameBits(const Mat& a, const Mat& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0;
}

// Steps `env` from `obs` with the agent's exploring actions until the agent is ready to update
// (at most 10000 steps); `obs` ends as the next observation.
inline void CollectUntilReady(Agent& agent, VecEnv& env, Mat& obs) {
  Mat action;
  VecStep step;
  env.ResizeFor(step);
  for (int i = 0; !agent.ReadyToUpdate(); ++i) {
    REQUIRE(i < 10000);
    agent.Act(obs, ActMode::kExplore, action);
    env.Step(action, step);
    agent.Observe(obs, action, step);
    obs = step.obs;
  }
}

// Everything a run reported, bit for bit.
inline void CheckSameEvents(const Recorder& a, const Recorder& b) {
  REQUIRE(a.episodes.size() == b.episodes.size());
  for (size_t i = 0; i < a.episodes.size(); ++i) {
    INFO("episode " << i);
    CHECK(a.episodes[i] == b.episodes[i]);
  }
  REQUIRE(a.evals.size() == b.evals.size());
  for (size_t i = 0; i < a.evals.size(); ++i) {
    INFO("eval " << i);
    CHECK(a.evals[i].step == b.evals[i].step);
    CHECK(SameBits(a.evals[i].returns, b.evals[i].returns));
  }
  REQUIRE(a.updates.size() == b.updates.size());
  for (size_t i = 0; i < a.updates.size(); ++i) {
    INFO("update " << i);
    CHECK(a.updates[i].first == b.updates[i].first);
    CHECK(SameBits(a.updates[i].second, b.updates[i].second));
  }
}

// Observations to probe a policy with: n standard normal columns scaled by `scale`.
inline Mat ProbeObs(int obs_dim, int n, double scale, uint64_t seed) {
  Rng rng(seed);
  Mat obs(obs_dim, n);
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < obs_dim; ++i) obs(i, j) = scale * rng.Normal();
  }
  return obs;
}

// Saves `agent` into an HDF5 file and loads it into a new agent of the same config built with
// another seed (so nothing matches unless Load restores it).
inline std::unique_ptr<Agent> SaveAndReload(const ExperimentConfig& config, const EnvSpec& spec,
                                            const Agent& agent) {
  TempDir dir;
  const std::string path = (dir.Path() / "agent.h5").string();
  {
    h5::File f = h5::File::Create(path);
    agent.Save(f.CreateGroup("agent"));
    f.Close();
  }
  std::unique_ptr<Agent> loaded =
      FindAgent(config.agent.Find("type")->scalar)
          .make(config.agent, spec, config.env.num_envs, config.seed + 1000);
  h5::File f = h5::File::OpenReadOnly(path);
  loaded->Load(f.OpenGroup("agent"));
  return loaded;
}

// Drives two agents through the same env steps until each has updated `updates` times: the
// exploration actions and every update's metrics must agree bit for bit.
inline void TrainInLockstep(const ExperimentConfig& config, Agent& a, Agent& b, int updates) {
  std::unique_ptr<VecEnv> env = MakeVecEnv(config.env, config.seed + 77);
  RewardPipeline reward;
  Mat obs, act_a, act_b;
  VecStep step;
  env->ResizeFor(step);
  env->Reset(obs);
  int done = 0, steps = 0;
  while (done < updates) {
    REQUIRE(steps < 100000);
    const double progress = 0.5 + 1e-5 * steps;
    a.SetProgress(progress);
    b.SetProgress(progress);
    a.Act(obs, ActMode::kExplore, act_a);
    b.Act(obs, ActMode::kExplore, act_b);
    INFO("step " << steps);
    REQUIRE(SameBits(act_a, act_b));
    env->Step(act_a, step);
    a.Observe(obs, act_a, step);
    b.Observe(obs, act_b, step);
    obs = step.obs;
    ++steps;
    REQUIRE(a.ReadyToUpdate() == b.ReadyToUpdate());
    if (!a.ReadyToUpdate()) continue;
    const MetricValues ma = a.Update(reward), mb = b.Update(reward);
    INFO("update " << done);
    REQUIRE(SameBits(ma, mb));
    ++done;
  }
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_AGENT_CHECKS_H_
