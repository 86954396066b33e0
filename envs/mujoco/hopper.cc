#include "envs/mujoco/hopper.h"

namespace rl {
namespace {

constexpr int kFrameSkip = 4;
constexpr double kVelocityClip = 10.0;

// lo < x < hi, Gymnasium's strict health test.
bool Inside(double x, const std::vector<double>& range) { return range[0] < x && x < range[1]; }

}  // namespace

Hopper::Hopper(const HopperConfig& config, const std::string& id)
    : MujocoEnv(id, "hopper", kFrameSkip, 1000,
                config.exclude_current_positions_from_observation ? 11 : 12,
                {"forward", "healthy", "ctrl"}),
      config_(config) {
  CheckRange(config_.healthy_state_range, id + ": healthy_state_range");
  CheckRange(config_.healthy_z_range, id + ": healthy_z_range");
  CheckRange(config_.healthy_angle_range, id + ": healthy_angle_range");
}

bool Hopper::IsHealthy() const {
  const auto qpos = physics_.Qpos();
  const auto qvel = physics_.Qvel();
  // every state entry after x and z
  for (int i = 2; i < qpos.size(); ++i) {
    if (!Inside(qpos[i], config_.healthy_state_range)) return false;
  }
  for (int i = 0; i < qvel.size(); ++i) {
    if (!Inside(qvel[i], config_.healthy_state_range)) return false;
  }
  return Inside(qpos[1], config_.healthy_z_range) && Inside(qpos[2], config_.healthy_angle_range);
}

void Hopper::ResetModel() {
  const double s = config_.reset_noise_scale;
  const Vec qpos = InitQpos() + UniformNoise(physics_.Nq(), s);
  const Vec qvel = UniformNoise(physics_.Nv(), s);
  physics_.SetState(qpos, qvel);
}

void Hopper::WriteObs(Eigen::Ref<Vec> obs) const {
  const int skip = config_.exclude_current_positions_from_observation ? 1 : 0;
  const int np = physics_.Nq() - skip;
  obs.head(np) = physics_.Qpos().tail(np);
  obs.tail(physics_.Nv()) = physics_.Qvel().cwiseMax(-kVelocityClip).cwiseMin(kVelocityClip);
}

void Hopper::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
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

HopperConfig SealsHopperDefaults() {
  HopperConfig c;
  c.exclude_current_positions_from_observation = false;
  c.terminate_when_unhealthy = false;
  return c;
}

}  // namespace rl
