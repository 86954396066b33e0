// CartPole-v1 as in Gymnasium 0.29.1: a pole hinged on a cart pushed left or right with a fixed
// force, integrated with explicit Euler; the episode fails once the cart or the pole leaves its
// band. Physics runs in double, observations are rounded to float32 as Gymnasium returns them.
#ifndef REWARDLAB_ENVS_CLASSIC_CARTPOLE_H_
#define REWARDLAB_ENVS_CLASSIC_CARTPOLE_H_

#include <string>

#include "core/config.h"
#include "envs/env.h"

namespace rl {

// Options of CartPole-v1.
struct CartPoleConfig {
  bool sutton_barto_reward = false;  // pay 0 per step and -1 on failure instead of +1 per step
  std::string heuristic = "none";    // BARFI's PD-agreement heuristic term, none = no such term

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("sutton_barto_reward", sutton_barto_reward, "pay 0 per step and -1 on failure");
    v("heuristic", heuristic,
      "adds a `heuristic` term, not summed into the reward (BARFI): agreement of the action with "
      "the PD controller round(sigmoid(P*theta + D*(theta - previous theta))): best = +1 on "
      "agreement (P 0.1, D 0.5); good = +1 (P 0.1, D 0.1); bad = -1; best5 = +5, else -1; "
      "bad5 = -5, else +1; none = no term",
      Check::OneOf({"none", "best", "good", "bad", "best5", "bad5"}));
  }
};

// CartPole-v1: Discrete(2) push left/right, observation [x, x_dot, theta, theta_dot], 500 steps.
class CartPole : public Env {
 public:
  // Builds the env with the given options.
  explicit CartPole(const CartPoleConfig& config = {});

  // The state [x, x_dot, theta, theta_dot].
  Vec PhysicalState() const override;
  // The state, then the PD controller's previous angle when a heuristic is set.
  Vec SnapshotState() const override;
  // The PD controller's action (0 or 1) at the observed angle `theta` after `prev_theta`.
  static int PdAction(double p, double d, double theta, double prev_theta);

 protected:
  // Samples each state entry from U(-0.05, 0.05) unless `init_state` is given.
  void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) override;
  // One Euler step of 0.02 s under a force of -10 N (action 0) or +10 N (action 1).
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;
  // Restores a SnapshotState().
  void DoRestore(const Vec& snapshot, Eigen::Ref<Vec> obs) override;

 private:
  // Writes the float32-rounded state into `obs`.
  void WriteObs(Eigen::Ref<Vec> obs) const;
  // The heuristic term for `action` in the current state; advances the PD controller's memory.
  double Heuristic(int action);

  CartPoleConfig config_;
  Eigen::Vector4d state_ = Eigen::Vector4d::Zero();  // x, x_dot, theta, theta_dot
  // a terminating step was already paid (Gymnasium's steps_beyond_terminated is set)
  bool failed_ = false;
  // the PD controller's angle at the previous step (0 at reset, as the controller starts)
  double prev_theta_ = 0.0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_CLASSIC_CARTPOLE_H_
