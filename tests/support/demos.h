// Small demonstration datasets written by the tests themselves (docs/demos.md's layout).
#ifndef REWARDLAB_TESTS_SUPPORT_DEMOS_H_
#define REWARDLAB_TESTS_SUPPORT_DEMOS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/demo_dataset.h"
#include "envs/registry.h"
#include "tests/support/temp_dir.h"

namespace rl::testing {

// A Minari dataset folder of `env_id` (registered options) holding three episodes of 24 steps
// under uniformly random actions (the last one cut short by a termination flag), written once per
// process into a folder removed at exit: demonstrations for imitation modules in tests
// (contract.h).
inline std::string RandomDemos(const std::string& env_id) {
  static TempDir dir;
  static std::map<std::string, std::string> written;
  const auto found = written.find(env_id);
  if (found != written.end()) return found->second;
  std::unique_ptr<Env> env = MakeEnv(env_id);
  env->Seed(7);
  const Space& space = env->Spec().action;
  Rng rng(8);
  std::vector<DemoEpisode> episodes(3);
  for (size_t k = 0; k < episodes.size(); ++k) {
    constexpr int kSteps = 24;
    DemoEpisode& e = episodes[k];
    e.obs.resize(env->Spec().observation.Dim(), kSteps + 1);
    e.actions.resize(space.Dim(), kSteps);
    e.rewards.resize(kSteps);
    env->Reset(e.obs.col(0));
    StepResult step;
    env->ResizeFor(step);
    for (int t = 0; t < kSteps; ++t) {
      for (int i = 0; i < space.Dim(); ++i) {
        e.actions(i, t) = space.IsDiscrete() ? static_cast<double>(rng.UniformInt(space.n))
                                             : rng.Uniform(space.low[i], space.high[i]);
      }
      env->Step(e.actions.col(t), step);
      e.obs.col(t + 1) = step.obs;
      e.rewards[t] = step.reward;
    }
    e.terminations.assign(kSteps, 0);
    e.truncations.assign(kSteps, 0);
    (k + 1 == episodes.size() ? e.terminations : e.truncations).back() = 1;
    e.id = static_cast<int64_t>(k);
  }
  const std::string path = (dir.Path() / env_id).string();
  WriteDemoDataset(path, env->Spec(), episodes,
                   {"rewardlab/" + env_id + "/contract-v0", "rewardlab contract test", {}});
  return written[env_id] = path;
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_DEMOS_H_
