// Hopper-v4 as in Gymnasium: a one-legged planar robot rewarded for forward speed while it stays
// healthy (upright, high enough, state bounded). seals/Hopper-v1 is the fixed-horizon variant.
#ifndef REWARDLAB_ENVS_MUJOCO_HOPPER_H_
#define REWARDLAB_ENVS_MUJOCO_HOPPER_H_

#include <limits>
#include <string>
#include <vector>

#include "core/config.h"
#include "envs/mujoco/planar_walker.h"

namespace rl {

// Options of Hopper-v4 (Gymnasium's constructor arguments).
struct HopperConfig : PlanarWalkerOptions {
  std::vector<double> healthy_state_range = {-100.0, 100.0};  // (2) of state entries but x, z

  // Hopper's defaults of the shared options.
  HopperConfig() {
    healthy_z_range = {0.7, std::numeric_limits<double>::infinity()};
    healthy_angle_range = {-0.2, 0.2};
  }

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    RewardFields(v);
    v("healthy_state_range", healthy_state_range, "open range of state entries but x, z",
      Check::Bound());
    BodyFields(v, "leave x out of the observation (11 entries instead of 12)");
  }
};

// Hopper-v4: Box(3) torques in [-1, 1], 11 observations, dt 0.008 s, 1000 steps.
class Hopper : public PlanarWalker<HopperConfig> {
 public:
  // Builds the env with the given options; `id` names it in the spec.
  explicit Hopper(const HopperConfig& config = {}, const std::string& id = "Hopper-v4");
  // Gymnasium's is_healthy for the current state.
  bool IsHealthy() const override;
};

// The options of seals/Hopper-v1: x observed, no early termination.
HopperConfig SealsHopperDefaults();

// seals/Hopper-v1: Hopper-v4 with 12 observations whose episodes always last 1000 steps.
class SealsHopper : public Hopper {
 public:
  // Builds the env with the given options (defaults: SealsHopperDefaults()).
  explicit SealsHopper(const HopperConfig& config = SealsHopperDefaults())
      : Hopper(config, "seals/Hopper-v1") {}
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_HOPPER_H_
