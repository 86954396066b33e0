#include "envs/mujoco/swimmer.h"

namespace rl {

Swimmer::Swimmer(const SwimmerConfig& config, const std::string& id)
    : ForwardRunner(config, id, {"swimmer", 4, 10, 2, false}) {}

SwimmerConfig SealsSwimmerDefaults() {
  SwimmerConfig c;
  c.exclude_current_positions_from_observation = false;
  return c;
}

}  // namespace rl
