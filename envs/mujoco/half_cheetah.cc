#include "envs/mujoco/half_cheetah.h"

namespace rl {
namespace {

constexpr int kFrameSkip = 5;

}  // namespace

HalfCheetah::HalfCheetah(const HalfCheetahConfig& config, const std::string& id)
    : MujocoEnv(id, "half_cheetah", kFrameSkip, 1000,
                config.exclude_current_positions_from_observation ? 17 : 18, {"forward", "ctrl"}),
      config_(config) {}

void HalfCheetah::ResetModel() {
  const double s = config_.reset_noise_scale;
  const Vec qpos = InitQpos() + UniformNoise(physics_.Nq(), s);
  const Vec qvel = NormalNoise(physics_.Nv(), s);
  physics_.SetState(qpos, qvel);
}

void HalfCheetah::WriteObs(Eigen::Ref<Vec> obs) const {
  const int skip = config_.exclude_current_positions_from_observation ? 1 : 0;
  const int np = physics_.Nq() - skip;
  obs.head(np) = physics_.Qpos().tail(np);
  obs.tail(physics_.Nv()) = physics_.Qvel();
}

void HalfCheetah::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  const double x_before = physics_.Qpos()[0];
  if (!StepPhysics(action, out)) return;
  const double x_velocity = (physics_.Qpos()[0] - x_before) / spec_.dt;
  out.terms[0] = config_.forward_reward_weight * x_velocity;
  out.terms[1] = -(config_.ctrl_cost_weight * SquaredNorm(action));
  out.terminated = false;
  WriteObs(out.obs);
}

HalfCheetahConfig SealsHalfCheetahDefaults() {
  HalfCheetahConfig c;
  c.exclude_current_positions_from_observation = false;
  return c;
}

}  // namespace rl
