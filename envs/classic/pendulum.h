// Pendulum-v1 as in Gymnasium 0.29.1: swing a torque-limited pendulum upright. The cost is charged
// on the state before the step; physics runs in double, observations are rounded to float32.
#ifndef REWARDLAB_ENVS_CLASSIC_PENDULUM_H_
#define REWARDLAB_ENVS_CLASSIC_PENDULUM_H_

#include "core/config.h"
#include "envs/env.h"

namespace rl {

// Options of Pendulum-v1.
struct PendulumConfig {
  double g = 10.0;  // gravitational acceleration (Gymnasium's default is 10, not 9.81)

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("g", g, "gravitational acceleration (m/s^2)", Check::Positive());
  }
};

// Python's ((x + pi) % (2 * pi)) - pi with floored modulo: wraps an angle into [-pi, pi).
double AngleNormalize(double x);

// Pendulum-v1: Box(1) torque in [-2, 2], observation [cos theta, sin theta, theta_dot], 200 steps.
class Pendulum : public Env {
 public:
  // Builds the env with the given options.
  explicit Pendulum(const PendulumConfig& config = {});

  // The state [theta, theta_dot].
  Vec PhysicalState() const override;

 protected:
  // Samples theta ~ U(-pi, pi), theta_dot ~ U(-1, 1) unless `init_state` is given.
  void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) override;
  // One semi-implicit Euler step of 0.05 s with the torque clipped to [-2, 2].
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;

 private:
  // Writes the float32-rounded observation into `obs`.
  void WriteObs(Eigen::Ref<Vec> obs) const;

  PendulumConfig config_;
  double theta_ = 0.0;
  double theta_dot_ = 0.0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_CLASSIC_PENDULUM_H_
