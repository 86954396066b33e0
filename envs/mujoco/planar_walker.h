// The task shared by Hopper-v4 and Walker2d-v4: a planar body (root slide x, slide z, hinge
// angle) rewarded for forward speed while healthy, minus a control cost; qpos and qvel noise
// U(-s, s) at reset; observation qpos[1:] (or all of qpos) then clip(qvel, -10, 10). The two envs
// differ in their model and in what "healthy" means (IsHealthy).
#ifndef REWARDLAB_ENVS_MUJOCO_PLANAR_WALKER_H_
#define REWARDLAB_ENVS_MUJOCO_PLANAR_WALKER_H_

#include <string>
#include <vector>

#include "envs/mujoco/mujoco_env.h"

namespace rl {

// lo < x < hi, Gymnasium's strict health test.
inline bool InsideOpenRange(double x, const std::vector<double>& range) {
  return range[0] < x && x < range[1];
}

// A planar walker configured by C, which has the fields forward_reward_weight,
// ctrl_cost_weight, healthy_reward, terminate_when_unhealthy, healthy_z_range,
// healthy_angle_range, reset_noise_scale and exclude_current_positions_from_observation.
template <class C>
class PlanarWalker : public MujocoEnv {
 public:
  // Gymnasium's is_healthy for the current state.
  virtual bool IsHealthy() const = 0;

 protected:
  static constexpr double kVelocityClip = 10.0;

  // Loads `asset` with frame skip 4 and 1000 steps; `obs_dim` counts x.
  PlanarWalker(const C& config, const std::string& id, const std::string& asset, int obs_dim)
      : MujocoEnv(id, asset, 4, 1000,
                  config.exclude_current_positions_from_observation ? obs_dim - 1 : obs_dim,
                  {"forward", "healthy", "ctrl"}),
        config_(config) {
    CheckRange(config_.healthy_z_range, id + ": healthy_z_range");
    CheckRange(config_.healthy_angle_range, id + ": healthy_angle_range");
  }

  // qpos and qvel = reference + U(-noise, noise).
  void ResetModel() override {
    const double s = config_.reset_noise_scale;
    const Vec qpos = InitQpos() + UniformNoise(physics_.Nq(), s);
    const Vec qvel = UniformNoise(physics_.Nv(), s);
    physics_.SetState(qpos, qvel);
  }

  // qpos[1:] (or all of qpos), then clip(qvel, -10, 10).
  void WriteObs(Eigen::Ref<Vec> obs) const override {
    const int skip = config_.exclude_current_positions_from_observation ? 1 : 0;
    const int np = physics_.Nq() - skip;
    obs.head(np) = physics_.Qpos().tail(np);
    obs.tail(physics_.Nv()) = physics_.Qvel().cwiseMax(-kVelocityClip).cwiseMin(kVelocityClip);
  }

  // Terms forward, healthy, ctrl (negative); terminated when unhealthy if so configured.
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override {
    const double x_before = physics_.Qpos()[0];
    if (!StepPhysics(action, out)) return;
    const double x_velocity = (physics_.Qpos()[0] - x_before) / spec_.dt;

    // v4 pays the healthy reward on every step when unhealthy states terminate
    const bool healthy = IsHealthy();
    out.terms[0] = config_.forward_reward_weight * x_velocity;
    out.terms[1] = (healthy || config_.terminate_when_unhealthy) ? config_.healthy_reward : 0.0;
    out.terms[2] = -(config_.ctrl_cost_weight * SquaredNorm(action));
    out.terminated = config_.terminate_when_unhealthy && !healthy;
    WriteObs(out.obs);
  }

  C config_;
};

// The fixed-horizon (seals) options of C: x observed, no early termination.
template <class C>
C FixedHorizonOptions() {
  C c;
  c.exclude_current_positions_from_observation = false;
  c.terminate_when_unhealthy = false;
  return c;
}

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_PLANAR_WALKER_H_
