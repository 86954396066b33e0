// The task shared by HalfCheetah-v4 and Swimmer-v4: forward speed minus a control cost, never
// terminated; qpos noise U(-s, s) at reset; observation qpos without the first `position_skip`
// entries (unless positions are included), then qvel. The two differ in model, frame skip, how
// many root positions are hidden, and the qvel reset noise (HalfCheetah s·N(0, 1), Swimmer
// U(-s, s)).
#ifndef REWARDLAB_ENVS_MUJOCO_FORWARD_RUNNER_H_
#define REWARDLAB_ENVS_MUJOCO_FORWARD_RUNNER_H_

#include <string>
#include <string_view>

#include "core/config.h"
#include "envs/mujoco/mujoco_env.h"

namespace rl {

// How a forward runner differs from the other.
struct ForwardRunnerSpec {
  std::string asset;               // envs/mujoco/assets/<asset>.xml
  int frame_skip = 1;              // mj_step calls per env step
  int obs_dim = 0;                 // observation size with positions included
  int position_skip = 1;           // leading qpos entries hidden when positions are excluded
  bool normal_qvel_noise = false;  // qvel noise s·N(0, 1) instead of U(-s, s)
};

// The options HalfCheetah-v4 and Swimmer-v4 share (Gymnasium's constructor arguments). Each env's
// config derives from it, sets its own defaults and lists the fields with RunnerFields.
struct ForwardRunnerOptions {
  double forward_reward_weight = 1.0;                      // weight of the forward velocity dx/dt
  double ctrl_cost_weight = 0.1;                           // weight of the control cost sum(a^2)
  double reset_noise_scale = 0.1;                          // scale of the reset noise
  bool exclude_current_positions_from_observation = true;  // leave root positions unobserved

 protected:
  // Lists the fields; `noise_doc` says the reset noise rule, `exclude_doc` the observation sizes.
  template <class V>
  void RunnerFields(V& v, std::string_view noise_doc, std::string_view exclude_doc) {
    v("forward_reward_weight", forward_reward_weight, "weight of the forward velocity dx/dt");
    v("ctrl_cost_weight", ctrl_cost_weight, "weight of the control cost sum(a^2)");
    v("reset_noise_scale", reset_noise_scale, noise_doc, Check::Min(0.0));
    v("exclude_current_positions_from_observation", exclude_current_positions_from_observation,
      exclude_doc);
  }
};

// A forward runner configured by C, a ForwardRunnerOptions.
template <class C>
class ForwardRunner : public MujocoEnv {
 protected:
  // Loads the model of `spec`, 1000 steps per episode.
  ForwardRunner(const C& config, const std::string& id, const ForwardRunnerSpec& spec)
      : MujocoEnv(id, spec.asset, spec.frame_skip, 1000,
                  config.exclude_current_positions_from_observation
                      ? spec.obs_dim - spec.position_skip
                      : spec.obs_dim,
                  {"forward", "ctrl"}),
        config_(config),
        runner_(spec) {}

  // qpos += U(-noise, noise); qvel by the runner's noise rule.
  void ResetModel() override {
    const double s = config_.reset_noise_scale;
    const Vec qpos = InitQpos() + UniformNoise(physics_.Nq(), s);
    const Vec qvel =
        runner_.normal_qvel_noise ? NormalNoise(physics_.Nv(), s) : UniformNoise(physics_.Nv(), s);
    physics_.SetState(qpos, qvel);
  }

  // qpos (minus the hidden root positions), then qvel.
  void WriteObs(Eigen::Ref<Vec> obs) const override {
    const int skip = config_.exclude_current_positions_from_observation ? runner_.position_skip : 0;
    const int np = physics_.Nq() - skip;
    obs.head(np) = physics_.Qpos().tail(np);
    obs.tail(physics_.Nv()) = physics_.Qvel();
  }

  // Terms forward and ctrl (negative); never terminated.
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override {
    const double x_before = physics_.Qpos()[0];
    if (!StepPhysics(action, out)) return;
    const double x_velocity = (physics_.Qpos()[0] - x_before) / spec_.dt;
    out.terms[0] = config_.forward_reward_weight * x_velocity;
    out.terms[1] = -(config_.ctrl_cost_weight * SquaredNorm(action));
    out.terminated = false;
    WriteObs(out.obs);
  }

  C config_;

 private:
  ForwardRunnerSpec runner_;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_FORWARD_RUNNER_H_
