#include "envs/mujoco/half_cheetah.h"

namespace rl {

HalfCheetah::HalfCheetah(const HalfCheetahConfig& config, const std::string& id)
    : ForwardRunner(config, id, {"half_cheetah", 5, 18, 1, true}) {}

HalfCheetahConfig SealsHalfCheetahDefaults() {
  HalfCheetahConfig c;
  c.exclude_current_positions_from_observation = false;
  return c;
}

}  // namespace rl
