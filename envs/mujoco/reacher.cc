#include "envs/mujoco/reacher.h"

#include <cmath>

namespace rl {

Reacher::Reacher(const ReacherConfig& config)
    : MujocoEnv("Reacher-v4", "reacher", 2, 50, 11, {"dist", "ctrl"}), config_(config) {
  fingertip_ = physics_.BodyId("fingertip");
  target_ = physics_.BodyId("target");
}

Eigen::Vector3d Reacher::FingertipToTarget() const {
  const mjtNum* xpos = physics_.Data()->xpos;
  return Eigen::Vector3d(xpos + 3 * fingertip_) - Eigen::Vector3d(xpos + 3 * target_);
}

Vec Reacher::LaggedReads() const {
  const mjtNum* xpos = physics_.Data()->xpos;
  Vec v(6);
  v << Eigen::Map<const Eigen::Vector3d>(xpos + 3 * fingertip_),
      Eigen::Map<const Eigen::Vector3d>(xpos + 3 * target_);
  return v;
}

void Reacher::SetLaggedReads(const Vec& values) {
  mjtNum* xpos = physics_.Data()->xpos;
  Eigen::Map<Eigen::Vector3d>(xpos + 3 * fingertip_) = values.head(3);
  Eigen::Map<Eigen::Vector3d>(xpos + 3 * target_) = values.tail(3);
}

void Reacher::ResetModel() {
  // arm noise first, then rejection-sampled goal, then velocities (Gymnasium's draw order)
  Vec qpos = UniformNoise(physics_.Nq(), 0.1) + InitQpos();
  double gx = 0.0, gy = 0.0;
  do {
    gx = rng_.Uniform(-0.2, 0.2);
    gy = rng_.Uniform(-0.2, 0.2);
  } while (!(std::sqrt(gx * gx + gy * gy) < 0.2));
  qpos[2] = gx;
  qpos[3] = gy;
  Vec qvel = UniformNoise(physics_.Nv(), 0.005);
  qvel[2] = 0.0;
  qvel[3] = 0.0;
  physics_.SetState(qpos, qvel);
}

void Reacher::WriteObs(Eigen::Ref<Vec> obs) const {
  const auto qpos = physics_.Qpos();
  const auto qvel = physics_.Qvel();
  obs << std::cos(qpos[0]), std::cos(qpos[1]), std::sin(qpos[0]), std::sin(qpos[1]), qpos[2],
      qpos[3], qvel[0], qvel[1], FingertipToTarget();
}

void Reacher::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  // v4: the reward of the state the action is applied in
  const double dist = -FingertipToTarget().norm() * config_.reward_dist_weight;
  const double ctrl = -SquaredNorm(action) * config_.reward_control_weight;
  if (!StepPhysics(action, out)) return;
  out.terms[0] = dist;
  out.terms[1] = ctrl;
  out.terminated = false;
  WriteObs(out.obs);
}

}  // namespace rl
