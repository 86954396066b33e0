#include "loop/demo_recorder.h"

#include <vector>

namespace rl {

DemoEpisode RecordDemoEpisode(Env& env, Agent& agent, ActMode mode, uint64_t seed) {
  const EnvSpec& spec = env.Spec();
  env.SetRng(Rng(seed, RngStream::kEnv, 0));
  Mat obs(spec.observation.Dim(), 1), action(spec.action.Dim(), 1);
  env.Reset(obs.col(0));
  std::vector<Vec> observations{obs.col(0)}, actions;
  std::vector<double> rewards;
  DemoEpisode e;
  StepResult r;
  env.ResizeFor(r);
  // one column at a time until the env says the episode is over
  do {
    agent.Act(obs, mode, action);
    env.Step(action.col(0), r);
    actions.push_back(action.col(0));
    observations.push_back(r.obs);
    rewards.push_back(r.reward);
    e.terminations.push_back(r.terminated ? 1 : 0);
    e.truncations.push_back(r.truncated ? 1 : 0);
    obs.col(0) = r.obs;
  } while (!r.terminated && !r.truncated);

  const int steps = static_cast<int>(rewards.size());
  e.obs.resize(spec.observation.Dim(), steps + 1);
  e.actions.resize(spec.action.Dim(), steps);
  for (int t = 0; t <= steps; ++t) e.obs.col(t) = observations[t];
  for (int t = 0; t < steps; ++t) e.actions.col(t) = actions[t];
  e.rewards = Eigen::Map<const Vec>(rewards.data(), steps);
  e.seed = seed;
  return e;
}

}  // namespace rl
