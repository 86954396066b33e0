// InvertedPendulum-v4 and InvertedDoublePendulum-v4 as in Gymnasium: balance one or two poles on
// a cart pushed along a rail.
#ifndef REWARDLAB_ENVS_MUJOCO_INVERTED_PENDULUM_H_
#define REWARDLAB_ENVS_MUJOCO_INVERTED_PENDULUM_H_

#include "core/config.h"
#include "envs/mujoco/mujoco_env.h"

namespace rl {

// Options of InvertedPendulum-v4 (v4 takes no constructor arguments).
struct InvertedPendulumConfig {
  double reset_noise_scale = 0.01;

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("reset_noise_scale", reset_noise_scale, "qpos and qvel += U(-scale, scale) at reset",
      Check::Min(0.0));
  }
};

// InvertedPendulum-v4: Box(1) force in [-3, 3], obs [x, angle, x_dot, angle_dot], +1 per step
// (the failing step too), terminated once |angle| > 0.2; dt 0.04 s, 1000 steps.
class InvertedPendulum : public MujocoEnv {
 public:
  // Builds the env with the given options.
  explicit InvertedPendulum(const InvertedPendulumConfig& config = {});

 protected:
  // qpos and qvel = reference + U(-noise, noise).
  void ResetModel() override;
  // qpos then qvel.
  void WriteObs(Eigen::Ref<Vec> obs) const override;
  // Term alive (+1); terminated when the observation is not finite or |angle| > 0.2.
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;

 private:
  InvertedPendulumConfig config_;
};

// Options of InvertedDoublePendulum-v4 (v4 takes no constructor arguments).
struct InvertedDoublePendulumConfig {
  double reset_noise_scale = 0.1;

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("reset_noise_scale", reset_noise_scale,
      "qpos += U(-scale, scale), qvel += scale * N(0, 1) at reset", Check::Min(0.0));
  }
};

// InvertedDoublePendulum-v4: Box(1) force in [-1, 1], 11 observations, reward
// 10 - distance penalty - velocity penalty, terminated once the tip's z <= 1; dt 0.05 s.
class InvertedDoublePendulum : public MujocoEnv {
 public:
  // Builds the env with the given options.
  explicit InvertedDoublePendulum(const InvertedDoublePendulumConfig& config = {});

 protected:
  // qpos += U(-noise, noise), qvel = noise * N(0, 1).
  void ResetModel() override;
  // x, sin and cos of both hinges, clip(qvel, -10, 10), clip(qfrc_constraint, -10, 10).
  void WriteObs(Eigen::Ref<Vec> obs) const override;
  // Terms alive (+10), dist and vel (negative).
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;
  // The observed constraint forces of the last step, so a restored env observes what it did.
  Vec LaggedReads() const override;
  void SetLaggedReads(const Vec& values) override;

 private:
  InvertedDoublePendulumConfig config_;
  int tip_ = 0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_INVERTED_PENDULUM_H_
