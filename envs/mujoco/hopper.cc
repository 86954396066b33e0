#include "envs/mujoco/hopper.h"

namespace rl {

Hopper::Hopper(const HopperConfig& config, const std::string& id)
    : PlanarWalker(config, id, "hopper", 12) {
  CheckRange(config_.healthy_state_range, id + ": healthy_state_range");
}

bool Hopper::IsHealthy() const {
  const auto qpos = physics_.Qpos();
  const auto qvel = physics_.Qvel();
  // every state entry after x and z
  for (int i = 2; i < qpos.size(); ++i) {
    if (!InsideOpenRange(qpos[i], config_.healthy_state_range)) return false;
  }
  for (int i = 0; i < qvel.size(); ++i) {
    if (!InsideOpenRange(qvel[i], config_.healthy_state_range)) return false;
  }
  return InsideOpenRange(qpos[1], config_.healthy_z_range) &&
         InsideOpenRange(qpos[2], config_.healthy_angle_range);
}

HopperConfig SealsHopperDefaults() { return FixedHorizonOptions<HopperConfig>(); }

}  // namespace rl
