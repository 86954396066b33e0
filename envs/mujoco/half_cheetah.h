// HalfCheetah-v4 as in Gymnasium: a planar two-legged runner (Euler integrator) rewarded for
// forward speed, never terminated. seals/HalfCheetah-v1 observes x as well.
#ifndef REWARDLAB_ENVS_MUJOCO_HALF_CHEETAH_H_
#define REWARDLAB_ENVS_MUJOCO_HALF_CHEETAH_H_

#include <string>

#include "core/config.h"
#include "envs/mujoco/forward_runner.h"

namespace rl {

// Options of HalfCheetah-v4 (Gymnasium's constructor arguments; the shared defaults are its own).
struct HalfCheetahConfig : ForwardRunnerOptions {
  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    RunnerFields(v, "qpos += U(-scale, scale), qvel += scale * N(0, 1) at reset",
                 "leave x out of the observation (17 entries instead of 18)");
  }
};

// HalfCheetah-v4: Box(6) torques in [-1, 1], 17 observations, dt 0.05 s, 1000 steps.
class HalfCheetah : public ForwardRunner<HalfCheetahConfig> {
 public:
  // Builds the env with the given options; `id` names it in the spec.
  explicit HalfCheetah(const HalfCheetahConfig& config = {},
                       const std::string& id = "HalfCheetah-v4");
};

// The options of seals/HalfCheetah-v1: x observed.
HalfCheetahConfig SealsHalfCheetahDefaults();

// seals/HalfCheetah-v1: HalfCheetah-v4 with 18 observations.
class SealsHalfCheetah : public HalfCheetah {
 public:
  // Builds the env with the given options (defaults: SealsHalfCheetahDefaults()).
  explicit SealsHalfCheetah(const HalfCheetahConfig& config = SealsHalfCheetahDefaults())
      : HalfCheetah(config, "seals/HalfCheetah-v1") {}
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_HALF_CHEETAH_H_
