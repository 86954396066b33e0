#include "envs/mujoco/ant.h"

#include <algorithm>
#include <cmath>

namespace rl {
namespace {

constexpr int kFrameSkip = 5;

// Observation size for the options.
int ObsDim(const AntConfig& c) {
  return (c.exclude_current_positions_from_observation ? 13 : 15) + 14 +
         (c.use_contact_forces ? 14 * 6 : 0);
}

std::vector<std::string> Terms(const AntConfig& c) {
  if (c.use_contact_forces) return {"forward", "healthy", "ctrl", "contact"};
  return {"forward", "healthy", "ctrl"};
}

}  // namespace

Ant::Ant(const AntConfig& config, const std::string& id)
    : MujocoEnv(id, "ant", kFrameSkip, 1000, ObsDim(config), Terms(config)), config_(config) {
  CheckRange(config_.healthy_z_range, id + ": healthy_z_range");
  CheckRange(config_.contact_force_range, id + ": contact_force_range");
  torso_ = physics_.BodyId("torso");
}

bool Ant::IsHealthy() const {
  const double z = physics_.Qpos()[2];
  return physics_.Qpos().allFinite() && physics_.Qvel().allFinite() &&
         config_.healthy_z_range[0] <= z && z <= config_.healthy_z_range[1];
}

double Ant::ContactForce(int i) const {
  const double f = physics_.Data()->cfrc_ext[i];
  return std::clamp(f, config_.contact_force_range[0], config_.contact_force_range[1]);
}

void Ant::ResetModel() {
  const double s = config_.reset_noise_scale;
  const Vec qpos = InitQpos() + UniformNoise(physics_.Nq(), s);
  const Vec qvel = NormalNoise(physics_.Nv(), s);
  physics_.SetState(qpos, qvel);
}

void Ant::WriteObs(Eigen::Ref<Vec> obs) const {
  const int skip = config_.exclude_current_positions_from_observation ? 2 : 0;
  const int np = physics_.Nq() - skip, nv = physics_.Nv();
  obs.head(np) = physics_.Qpos().tail(np);
  obs.segment(np, nv) = physics_.Qvel();
  if (config_.use_contact_forces) {
    const int n = physics_.Model()->nbody * 6;
    for (int i = 0; i < n; ++i) obs[np + nv + i] = ContactForce(i);
  }
}

Vec Ant::LaggedReads() const { return Vec::Constant(1, physics_.Data()->xpos[3 * torso_]); }

void Ant::SetLaggedReads(const Vec& values) { physics_.Data()->xpos[3 * torso_] = values[0]; }

void Ant::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  // the torso's xpos, as Gymnasium's get_body_com (lags qpos by one substep after mj_step)
  const double x_before = physics_.Data()->xpos[3 * torso_];
  if (!StepPhysics(action, out)) return;
  const double x_velocity = (physics_.Data()->xpos[3 * torso_] - x_before) / spec_.dt;

  const bool healthy = IsHealthy();
  out.terms[0] = x_velocity;
  out.terms[1] = (healthy || config_.terminate_when_unhealthy) ? config_.healthy_reward : 0.0;
  out.terms[2] = -(config_.ctrl_cost_weight * SquaredNorm(action));
  if (config_.use_contact_forces) {
    double sum = 0.0;
    const int n = physics_.Model()->nbody * 6;
    for (int i = 0; i < n; ++i) sum += ContactForce(i) * ContactForce(i);
    out.terms[3] = -(config_.contact_cost_weight * sum);
  }
  out.terminated = config_.terminate_when_unhealthy && !healthy;
  WriteObs(out.obs);
}

AntConfig SealsAntDefaults() {
  AntConfig c;
  c.exclude_current_positions_from_observation = false;
  c.terminate_when_unhealthy = false;
  return c;
}

}  // namespace rl
