// Walker2d-v4 as in Gymnasium: a planar biped rewarded for forward speed while healthy (torso
// height and angle in range). v4's feet differ in friction (right 0.9, left 1.9).
// seals/Walker2d-v1 is the fixed-horizon variant.
#ifndef REWARDLAB_ENVS_MUJOCO_WALKER2D_H_
#define REWARDLAB_ENVS_MUJOCO_WALKER2D_H_

#include <string>
#include <vector>

#include "core/config.h"
#include "envs/mujoco/planar_walker.h"

namespace rl {

// Options of Walker2d-v4 (Gymnasium's constructor arguments).
struct Walker2dConfig : PlanarWalkerOptions {
  // Walker2d's defaults of the shared options.
  Walker2dConfig() {
    healthy_z_range = {0.8, 2.0};
    healthy_angle_range = {-1.0, 1.0};
  }

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    RewardFields(v);
    BodyFields(v, "leave x out of the observation (17 entries instead of 18)");
  }
};

// Walker2d-v4: Box(6) torques in [-1, 1], 17 observations, dt 0.008 s, 1000 steps.
class Walker2d : public PlanarWalker<Walker2dConfig> {
 public:
  // Builds the env with the given options; `id` names it in the spec.
  explicit Walker2d(const Walker2dConfig& config = {}, const std::string& id = "Walker2d-v4");
  // Gymnasium's is_healthy for the current state.
  bool IsHealthy() const override;
};

// The options of seals/Walker2d-v1: x observed, no early termination.
Walker2dConfig SealsWalker2dDefaults();

// seals/Walker2d-v1: Walker2d-v4 with 18 observations whose episodes always last 1000 steps.
class SealsWalker2d : public Walker2d {
 public:
  // Builds the env with the given options (defaults: SealsWalker2dDefaults()).
  explicit SealsWalker2d(const Walker2dConfig& config = SealsWalker2dDefaults())
      : Walker2d(config, "seals/Walker2d-v1") {}
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_WALKER2D_H_
