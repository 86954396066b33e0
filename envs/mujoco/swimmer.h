// Swimmer-v4 as in Gymnasium: a three-link swimmer in a viscous fluid rewarded for forward
// speed, never terminated. seals/Swimmer-v1 observes the x, y position as well.
#ifndef REWARDLAB_ENVS_MUJOCO_SWIMMER_H_
#define REWARDLAB_ENVS_MUJOCO_SWIMMER_H_

#include <string>

#include "core/config.h"
#include "envs/mujoco/forward_runner.h"

namespace rl {

// Options of Swimmer-v4 (Gymnasium's constructor arguments).
struct SwimmerConfig : ForwardRunnerOptions {
  // Swimmer's control cost weight.
  SwimmerConfig() { ctrl_cost_weight = 1e-4; }

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    RunnerFields(v, "qpos and qvel += U(-scale, scale) at reset",
                 "leave x, y out of the observation (8 entries instead of 10)");
  }
};

// Swimmer-v4: Box(2) torques in [-1, 1], 8 observations, dt 0.04 s, 1000 steps.
class Swimmer : public ForwardRunner<SwimmerConfig> {
 public:
  // Builds the env with the given options; `id` names it in the spec.
  explicit Swimmer(const SwimmerConfig& config = {}, const std::string& id = "Swimmer-v4");
};

// The options of seals/Swimmer-v1: x, y observed.
SwimmerConfig SealsSwimmerDefaults();

// seals/Swimmer-v1: Swimmer-v4 with 10 observations.
class SealsSwimmer : public Swimmer {
 public:
  // Builds the env with the given options (defaults: SealsSwimmerDefaults()).
  explicit SealsSwimmer(const SwimmerConfig& config = SealsSwimmerDefaults())
      : Swimmer(config, "seals/Swimmer-v1") {}
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_SWIMMER_H_
