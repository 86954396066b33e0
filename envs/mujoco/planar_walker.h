// The task shared by Hopper-v4 and Walker2d-v4: a planar body (root slide x, slide z, hinge
// angle) rewarded for forward speed while healthy, minus a control cost; qpos and qvel noise
// U(-s, s) at reset; observation qpos[1:] (or all of qpos) then clip(qvel, -10, 10). The two envs
// differ in their model and in what "healthy" means (IsHealthy).
#ifndef REWARDLAB_ENVS_MUJOCO_PLANAR_WALKER_H_
#define REWARDLAB_ENVS_MUJOCO_PLANAR_WALKER_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "envs/mujoco/mujoco_env.h"

namespace rl {

// lo < x < hi, Gymnasium's strict health test.
inline bool InsideOpenRange(double x, const std::vector<double>& range) {
  return range[0] < x && x < range[1];
}

// The options Hopper-v4 and Walker2d-v4 share (Gymnasium's constructor arguments). Each env's
// config derives from it, sets its own defaults and lists its fields with RewardFields, its own
// options, then BodyFields.
struct PlanarWalkerOptions {
  double forward_reward_weight = 1.0;       // weight of the forward velocity dx/dt
  double ctrl_cost_weight = 1e-3;           // weight of the control cost sum(a^2)
  double healthy_reward = 1.0;              // reward per step while healthy
  bool terminate_when_unhealthy = true;     // end the episode when unhealthy
  std::vector<double> healthy_z_range;      // (2) open range of the torso height z
  std::vector<double> healthy_angle_range;  // (2) open range of the torso angle
  double reset_noise_scale = 5e-3;          // qpos and qvel += U(-scale, scale) at reset
  bool exclude_current_positions_from_observation = true;  // leave x out of the observation

 protected:
  // Lists the reward options.
  template <class V>
  void RewardFields(V& v) {
    v("forward_reward_weight", forward_reward_weight, "weight of the forward velocity dx/dt");
    v("ctrl_cost_weight", ctrl_cost_weight, "weight of the control cost sum(a^2)");
    v("healthy_reward", healthy_reward,
      "reward per step while healthy (v4: also on the failing step)");
    v("terminate_when_unhealthy", terminate_when_unhealthy,
      "end the episode when unhealthy; if false the healthy term is is_healthy * healthy_reward");
  }
  // Lists the health ranges, reset noise and observation options; `exclude_doc` gives the
  // observation sizes.
  template <class V>
  void BodyFields(V& v, std::string_view exclude_doc) {
    v("healthy_z_range", healthy_z_range, "open range of the torso height z", Check::Bound());
    v("healthy_angle_range", healthy_angle_range, "open range of the torso angle", Check::Bound());
    v("reset_noise_scale", reset_noise_scale, "qpos and qvel += U(-scale, scale) at reset",
      Check::Min(0.0));
    v("exclude_current_positions_from_observation", exclude_current_positions_from_observation,
      exclude_doc);
  }
};

// A planar walker configured by C, a PlanarWalkerOptions.
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
