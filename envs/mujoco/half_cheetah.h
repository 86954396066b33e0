// HalfCheetah-v4 as in Gymnasium: a planar two-legged runner (Euler integrator) rewarded for
// forward speed, never terminated. seals/HalfCheetah-v1 observes x as well.
#ifndef REWARDLAB_ENVS_MUJOCO_HALF_CHEETAH_H_
#define REWARDLAB_ENVS_MUJOCO_HALF_CHEETAH_H_

#include <string>

#include "core/config.h"
#include "envs/mujoco/forward_runner.h"

namespace rl {

// Options of HalfCheetah-v4 (Gymnasium's constructor arguments).
struct HalfCheetahConfig {
  double forward_reward_weight = 1.0;
  double ctrl_cost_weight = 0.1;
  double reset_noise_scale = 0.1;
  bool exclude_current_positions_from_observation = true;

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("forward_reward_weight", forward_reward_weight, "weight of the forward velocity dx/dt");
    v("ctrl_cost_weight", ctrl_cost_weight, "weight of the control cost sum(a^2)");
    v("reset_noise_scale", reset_noise_scale,
      "qpos += U(-scale, scale), qvel += scale * N(0, 1) at reset", Check::Min(0.0));
    v("exclude_current_positions_from_observation", exclude_current_positions_from_observation,
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
