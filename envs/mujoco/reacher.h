// Reacher-v4 as in Gymnasium: a two-link planar arm moves its fingertip to a random target. v4
// computes the reward from the pre-step state (distance before the action takes effect).
#ifndef REWARDLAB_ENVS_MUJOCO_REACHER_H_
#define REWARDLAB_ENVS_MUJOCO_REACHER_H_

#include "core/config.h"
#include "envs/mujoco/mujoco_env.h"

namespace rl {

// Options of Reacher-v4 (v4 takes no constructor arguments).
struct ReacherConfig {
  double reward_dist_weight = 1.0;
  double reward_control_weight = 1.0;

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("reward_dist_weight", reward_dist_weight, "weight of the fingertip-target distance");
    v("reward_control_weight", reward_control_weight, "weight of the control cost sum(a^2)");
  }
};

// Reacher-v4: Box(2) torques in [-1, 1], 11 observations, dt 0.02 s, 50 steps.
class Reacher : public MujocoEnv {
 public:
  // Builds the env with the given options.
  explicit Reacher(const ReacherConfig& config = {});
  // Fingertip minus target, from the last forward pass.
  Eigen::Vector3d FingertipToTarget() const;

 protected:
  // Arm qpos += U(-0.1, 0.1); target drawn in the disc of radius 0.2; arm qvel U(-0.005, 0.005).
  void ResetModel() override;
  // cos, sin of the arm angles, target position, arm velocities, fingertip - target (x, y, z).
  void WriteObs(Eigen::Ref<Vec> obs) const override;
  // Terms dist and ctrl (negative), both from the state before the step; never terminated.
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;
  // The fingertip's and target's positions of the last forward pass (the pre-step reward's).
  Vec LaggedReads() const override;
  void SetLaggedReads(const Vec& values) override;

 private:
  ReacherConfig config_;
  int fingertip_ = 0;
  int target_ = 0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_REACHER_H_
