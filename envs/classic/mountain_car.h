// MountainCar-v0 and MountainCarContinuous-v0 as in Gymnasium 0.29.1: an underpowered car in a
// valley must rock back and forth to reach the flag on the right hill. Observations are float32.
#ifndef REWARDLAB_ENVS_CLASSIC_MOUNTAIN_CAR_H_
#define REWARDLAB_ENVS_CLASSIC_MOUNTAIN_CAR_H_

#include <string>

#include "core/config.h"
#include "envs/env.h"

namespace rl {

// Options of MountainCar-v0.
struct MountainCarConfig {
  double goal_velocity = 0.0;      // the car must reach the flag at least this fast
  bool sparse_reward = false;      // BARFI's primary: term `goal`, +1 at the flag, else 0
  std::string heuristic = "none";  // BARFI's heuristic term, none = no such term

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("goal_velocity", goal_velocity, "minimum velocity at the flag (position >= 0.5) to finish");
    v("sparse_reward", sparse_reward,
      "pay +1 on reaching the flag and 0 otherwise (term `goal`) instead of -1 per step (term "
      "`step`), as BARFI's sparse MountainCar (with env.max_episode_steps: 2000)");
    v("heuristic", heuristic,
      "adds a `heuristic` term, not summed into the reward (BARFI), from the pre-step velocity v: "
      "pump = +1 if the push is along v (left when v < 0, right when v > 0), else -1; velocity = "
      "10*|v|; none = no term",
      Check::OneOf({"none", "pump", "velocity"}));
  }
};

// MountainCar-v0: Discrete(3) push left/none/right, observation [position, velocity], 200 steps,
// -1 per step until the flag at 0.5 is reached (or +1 at the flag with sparse_reward).
class MountainCar : public Env {
 public:
  // Builds the env with the given options.
  explicit MountainCar(const MountainCarConfig& config = {});

  // h(s) = 10·|v| for the `velocity` heuristic; empty otherwise (`pump` depends on the action).
  ObsFunction StateHeuristic() const override;

  // The state [position, velocity].
  Vec PhysicalState() const override;
  // The heuristic term for pushing with `action` (0, 1, 2) at velocity `velocity`.
  double Heuristic(int action, double velocity) const;

 protected:
  // Samples position ~ U(-0.6, -0.4) and velocity 0 unless `init_state` is given.
  void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) override;
  // One step: velocity, then position, both clipped; the left wall stops the car.
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;

 private:
  MountainCarConfig config_;
  double position_ = 0.0;
  double velocity_ = 0.0;
};

// Options of MountainCarContinuous-v0.
struct MountainCarContinuousConfig {
  double goal_velocity = 0.0;  // the car must reach the flag at least this fast

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("goal_velocity", goal_velocity, "minimum velocity at the flag (position >= 0.45) to finish");
  }
};

// MountainCarContinuous-v0: Box(1) force in [-1, 1], observation [position, velocity], 999 steps,
// +100 at the flag (0.45) and -0.1 a^2 per step on the unclipped action.
class MountainCarContinuous : public Env {
 public:
  // Builds the env with the given options.
  explicit MountainCarContinuous(const MountainCarContinuousConfig& config = {});

  // The state [position, velocity] (float32-rounded after every step, as Gymnasium stores it).
  Vec PhysicalState() const override;

 protected:
  // Samples position ~ U(-0.6, -0.4) and velocity 0 unless `init_state` is given.
  void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) override;
  // One step with the force clipped to [-1, 1]; the control cost uses the action as given.
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;

 private:
  MountainCarContinuousConfig config_;
  double position_ = 0.0;
  double velocity_ = 0.0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_CLASSIC_MOUNTAIN_CAR_H_
