// Acrobot-v1 as in Gymnasium 0.29.1: a two-link pendulum actuated at the elbow must swing its tip
// above a line. "Book" dynamics, one RK4 step over [0, dt]; observations are rounded to float32.
#ifndef REWARDLAB_ENVS_CLASSIC_ACROBOT_H_
#define REWARDLAB_ENVS_CLASSIC_ACROBOT_H_

#include <array>

#include "core/config.h"
#include "envs/env.h"

namespace rl {

// Options of Acrobot-v1 (none: the registered env has no knobs).
struct AcrobotConfig {
  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& /*v*/) {}
};

// Gymnasium's wrap(): shifts x by (hi - lo) until lo <= x <= hi.
double AcrobotWrap(double x, double lo, double hi);

// Acrobot-v1: Discrete(3) torque {-1, 0, +1}, observation
// [cos th1, sin th1, cos th2, sin th2, dth1, dth2], 500 steps, -1 per step and 0 on the last.
class Acrobot : public Env {
 public:
  // Builds the env (the options struct is empty).
  explicit Acrobot(const AcrobotConfig& config = {});

  // The state [theta1, theta2, dtheta1, dtheta2].
  Vec PhysicalState() const override;

 protected:
  // Samples each state entry from U(-0.1, 0.1), rounded to float32, unless `init_state` is given.
  void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) override;
  // One RK4 step of 0.2 s, then angles wrapped to [-pi, pi] and velocities bounded.
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;

 private:
  // The augmented state: the four state entries and the torque.
  using Augmented = std::array<double, 5>;

  // Time derivative of the augmented state (the torque's is 0).
  static Augmented Dsdt(const Augmented& s);
  // Writes the float32-rounded observation into `obs`.
  void WriteObs(Eigen::Ref<Vec> obs) const;

  std::array<double, 4> state_ = {};  // theta1, theta2, dtheta1, dtheta2
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_CLASSIC_ACROBOT_H_
