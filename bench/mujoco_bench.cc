// Wrapper overhead of the MuJoCo envs: ns per Env::Step against the raw MuJoCo calls it makes
// (ctrl copy + mj_step x frame_skip, with and without mj_rnePostConstraint) on the same model,
// replaying the same actions and the same episode starts, so both sides simulate one trajectory.
//
//   build/mujoco_bench [--steps N] [--filter SUBSTRING]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "envs/check_env.h"
#include "envs/mujoco/mujoco_env.h"
#include "envs/registry.h"

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

// One timed env run: its episode starts (step index and state) for the raw replay.
struct EnvRun {
  double ns = 0.0;
  std::vector<int> reset_at;
  std::vector<Vec> starts;
};

EnvRun TimeEnv(Env& env, const std::vector<Vec>& actions) {
  EnvRun run;
  StepResult r;
  env.ResizeFor(r);
  Vec obs(env.Spec().observation.Dim());
  env.Seed(7);
  env.Reset(obs);
  run.reset_at.push_back(0);
  run.starts.push_back(env.PhysicalState());
  const auto start = Clock::now();
  for (size_t i = 0; i < actions.size(); ++i) {
    env.Step(actions[i], r);
    if (r.terminated || r.truncated) {
      env.Reset(obs);
      run.reset_at.push_back(static_cast<int>(i + 1));
      run.starts.push_back(env.PhysicalState());
    }
  }
  run.ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / actions.size();
  return run;
}

double TimeRaw(const mjModel* m, int frame_skip, const std::vector<Vec>& actions,
               const EnvRun& env_run, bool post_constraint) {
  mjData* d = mj_makeData(m);
  size_t next = 0;
  auto restart = [&](const Vec& s) {
    mj_resetData(m, d);
    std::memcpy(d->qpos, s.data(), sizeof(mjtNum) * m->nq);
    std::memcpy(d->qvel, s.data() + m->nq, sizeof(mjtNum) * m->nv);
    mj_forward(m, d);
  };
  restart(env_run.starts[next++]);
  const auto start = Clock::now();
  for (size_t i = 0; i < actions.size(); ++i) {
    std::memcpy(d->ctrl, actions[i].data(), sizeof(mjtNum) * m->nu);
    for (int k = 0; k < frame_skip; ++k) mj_step(m, d);
    if (post_constraint) mj_rnePostConstraint(m, d);
    if (next < env_run.reset_at.size() && env_run.reset_at[next] == static_cast<int>(i + 1)) {
      restart(env_run.starts[next++]);
    }
  }
  const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  mj_deleteData(d);
  return ns / actions.size();
}

}  // namespace
}  // namespace rl

int main(int argc, char** argv) {
  using namespace rl;
  long steps = 20000;
  std::string filter;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--steps")) steps = std::stol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--filter")) filter = argv[i + 1];
  }
  std::printf("%-28s %12s %12s %12s %10s\n", "env", "env ns/step", "raw ns/step", "raw+rne ns",
              "overhead");
  for (const EnvEntry& entry : EnvRegistry()) {
    auto env = entry.make(ConfigNode{}, "env.options");
    auto* mj = dynamic_cast<MujocoEnv*>(env.get());
    if (!mj || entry.id.find(filter) == std::string::npos) continue;

    // pre-drawn actions; best of five interleaved runs per side, overhead = median run ratio
    Rng rng(1, RngStream::kCli, 0);
    std::vector<Vec> actions;
    for (long i = 0; i < steps; ++i) actions.push_back(SampleAction(env->Spec().action, rng));
    double env_ns = 1e300, raw_ns = 1e300, rne_ns = 1e300;
    std::vector<double> ratios;
    for (int rep = 0; rep < 5; ++rep) {
      EnvRun run = TimeEnv(*env, actions);
      const mjModel* m = mj->GetPhysics().Model();
      const double raw = TimeRaw(m, mj->FrameSkip(), actions, run, false);
      env_ns = std::min(env_ns, run.ns);
      raw_ns = std::min(raw_ns, raw);
      rne_ns = std::min(rne_ns, TimeRaw(m, mj->FrameSkip(), actions, run, true));
      ratios.push_back(run.ns / raw);
    }
    std::sort(ratios.begin(), ratios.end());
    std::printf("%-28s %12.0f %12.0f %12.0f %9.1f%%\n", entry.id.c_str(), env_ns, raw_ns, rne_ns,
                100.0 * (ratios[2] - 1.0));
  }
  return 0;
}
