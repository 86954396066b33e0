#include "envs/mujoco/walker2d.h"

namespace rl {

Walker2d::Walker2d(const Walker2dConfig& config, const std::string& id)
    : PlanarWalker(config, id, "walker2d", 18) {}

bool Walker2d::IsHealthy() const {
  const auto qpos = physics_.Qpos();
  return InsideOpenRange(qpos[1], config_.healthy_z_range) &&
         InsideOpenRange(qpos[2], config_.healthy_angle_range);
}

Walker2dConfig SealsWalker2dDefaults() { return FixedHorizonOptions<Walker2dConfig>(); }

}  // namespace rl
