// Ant-v4 as in Gymnasium: a four-legged free-floating robot rewarded for the torso's forward
// speed (from data.xpos, which lags qpos by one substep) while its height stays in range.
// seals/Ant-v1 is the fixed-horizon variant.
#ifndef REWARDLAB_ENVS_MUJOCO_ANT_H_
#define REWARDLAB_ENVS_MUJOCO_ANT_H_

#include <string>
#include <vector>

#include "core/config.h"
#include "envs/mujoco/mujoco_env.h"

namespace rl {

// Options of Ant-v4 (Gymnasium's constructor arguments).
struct AntConfig {
  double ctrl_cost_weight = 0.5;
  bool use_contact_forces = false;
  double contact_cost_weight = 5e-4;
  double healthy_reward = 1.0;
  bool terminate_when_unhealthy = true;
  std::vector<double> healthy_z_range = {0.2, 1.0};
  std::vector<double> contact_force_range = {-1.0, 1.0};
  double reset_noise_scale = 0.1;
  bool exclude_current_positions_from_observation = true;

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("ctrl_cost_weight", ctrl_cost_weight, "weight of the control cost sum(a^2)");
    v("use_contact_forces", use_contact_forces,
      "observe clip(cfrc_ext) (84 more entries) and charge the contact cost");
    v("contact_cost_weight", contact_cost_weight, "weight of sum(clip(cfrc_ext)^2)");
    v("healthy_reward", healthy_reward,
      "reward per step while healthy (v4: also on the failing step)");
    v("terminate_when_unhealthy", terminate_when_unhealthy,
      "end the episode when unhealthy; if false the healthy term is is_healthy * healthy_reward");
    v("healthy_z_range", healthy_z_range, "closed range of the torso height z", Check::Bound());
    v("contact_force_range", contact_force_range, "clip range of external contact forces",
      Check::Bound());
    v("reset_noise_scale", reset_noise_scale,
      "qpos += U(-scale, scale), qvel += scale * N(0, 1) at reset", Check::Min(0.0));
    v("exclude_current_positions_from_observation", exclude_current_positions_from_observation,
      "leave x, y out of the observation (27 entries instead of 29)");
  }
};

// Ant-v4: Box(8) torques in [-1, 1], 27 observations (111 with contact forces), dt 0.05 s.
class Ant : public MujocoEnv {
 public:
  // Builds the env with the given options; `id` names it in the spec.
  explicit Ant(const AntConfig& config = {}, const std::string& id = "Ant-v4");
  // Gymnasium's is_healthy: a finite state and z in the closed range.
  bool IsHealthy() const;
  // The torso body's id.
  int TorsoId() const { return torso_; }

 protected:
  // qpos += U(-noise, noise), qvel = noise * N(0, 1).
  void ResetModel() override;
  // qpos[2:] (or all of qpos), qvel, then clip(cfrc_ext) when contact forces are on.
  void WriteObs(Eigen::Ref<Vec> obs) const override;
  // Terms forward, healthy, ctrl and contact (negative, with contact forces only).
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;
  // The torso's x of the last forward pass, which the next step's forward term starts from.
  Vec LaggedReads() const override;
  void SetLaggedReads(const Vec& values) override;

 private:
  // clip(cfrc_ext[i], contact_force_range).
  double ContactForce(int i) const;

  AntConfig config_;
  int torso_ = 0;
};

// The options of seals/Ant-v1: x, y observed, no early termination.
AntConfig SealsAntDefaults();

// seals/Ant-v1: Ant-v4 with 29 observations whose episodes always last 1000 steps.
class SealsAnt : public Ant {
 public:
  // Builds the env with the given options (defaults: SealsAntDefaults()).
  explicit SealsAnt(const AntConfig& config = SealsAntDefaults()) : Ant(config, "seals/Ant-v1") {}
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_ANT_H_
