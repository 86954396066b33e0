#include "envs/mujoco/inverted_pendulum.h"

#include <cmath>

namespace rl {
namespace {

constexpr double kClip = 10.0;

// clip(x, -10, 10).
double Clip(double x) { return x < -kClip ? -kClip : (x > kClip ? kClip : x); }

}  // namespace

InvertedPendulum::InvertedPendulum(const InvertedPendulumConfig& config)
    : MujocoEnv("InvertedPendulum-v4", "inverted_pendulum", 2, 1000, 4, {"alive"}),
      config_(config) {}

void InvertedPendulum::ResetModel() {
  const double s = config_.reset_noise_scale;
  const Vec qpos = InitQpos() + UniformNoise(physics_.Nq(), s);
  const Vec qvel = UniformNoise(physics_.Nv(), s);
  physics_.SetState(qpos, qvel);
}

void InvertedPendulum::WriteObs(Eigen::Ref<Vec> obs) const {
  obs << physics_.Qpos(), physics_.Qvel();
}

void InvertedPendulum::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  if (!StepPhysics(action, out)) return;
  WriteObs(out.obs);
  out.terms[0] = 1.0;
  out.terminated = !out.obs.allFinite() || std::abs(out.obs[1]) > 0.2;
}

InvertedDoublePendulum::InvertedDoublePendulum(const InvertedDoublePendulumConfig& config)
    : MujocoEnv("InvertedDoublePendulum-v4", "inverted_double_pendulum", 5, 1000, 11,
                {"alive", "dist", "vel"}),
      config_(config) {
  tip_ = physics_.SiteId("tip");
}

void InvertedDoublePendulum::ResetModel() {
  const double s = config_.reset_noise_scale;
  const Vec qpos = InitQpos() + UniformNoise(physics_.Nq(), s);
  const Vec qvel = NormalNoise(physics_.Nv(), s);
  physics_.SetState(qpos, qvel);
}

void InvertedDoublePendulum::WriteObs(Eigen::Ref<Vec> obs) const {
  const auto qpos = physics_.Qpos();
  const mjData* d = physics_.Data();
  obs[0] = qpos[0];
  obs[1] = std::sin(qpos[1]);
  obs[2] = std::sin(qpos[2]);
  obs[3] = std::cos(qpos[1]);
  obs[4] = std::cos(qpos[2]);
  for (int i = 0; i < 3; ++i) obs[5 + i] = Clip(d->qvel[i]);
  for (int i = 0; i < 3; ++i) obs[8 + i] = Clip(d->qfrc_constraint[i]);
}

Vec InvertedDoublePendulum::LaggedReads() const {
  return Eigen::Map<const Vec>(physics_.Data()->qfrc_constraint, 3);
}

void InvertedDoublePendulum::SetLaggedReads(const Vec& values) {
  Eigen::Map<Vec>(physics_.Data()->qfrc_constraint, 3) = values;
}

void InvertedDoublePendulum::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  if (!StepPhysics(action, out)) return;
  WriteObs(out.obs);

  // the tip's site position from the last forward pass, as Gymnasium reads it
  const mjData* d = physics_.Data();
  const double x = d->site_xpos[3 * tip_], y = d->site_xpos[3 * tip_ + 2];
  const double v1 = d->qvel[1], v2 = d->qvel[2];
  out.terms[0] = 10.0;
  out.terms[1] = -(0.01 * x * x + (y - 2) * (y - 2));
  out.terms[2] = -(1e-3 * v1 * v1 + 5e-3 * v2 * v2);
  out.terminated = y <= 1;
}

}  // namespace rl
