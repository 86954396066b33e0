#include "envs/registry.h"

#include "envs/classic/acrobot.h"
#include "envs/classic/cartpole.h"
#include "envs/classic/mountain_car.h"
#include "envs/classic/pendulum.h"
#include "envs/grid/almost_grid.h"
#include "envs/grid/grid_world.h"
#include "envs/grid/layouts.h"
#include "envs/mujoco/ant.h"
#include "envs/mujoco/half_cheetah.h"
#include "envs/mujoco/hopper.h"
#include "envs/mujoco/inverted_pendulum.h"
#include "envs/mujoco/reacher.h"
#include "envs/mujoco/swimmer.h"
#include "envs/mujoco/walker2d.h"

namespace rl {
namespace {

// A gridworld id "Grid-<layout>" with that layout's defaults; its layout cannot be overridden
// (another layout is another id).
EnvEntry GridEntry(const std::string& layout) {
  EnvEntry entry = MakeEnvEntry<GridWorld, GridConfig>(
      "Grid-" + layout, std::string(FindLayout(layout).summary), GridDefaults(layout));
  entry.make = [make = entry.make, layout](const ConfigNode& options, const std::string& key) {
    const ConfigNode* l = options.IsMap() ? options.Find("layout") : nullptr;
    if (l && !(l->IsScalar() && l->scalar == layout)) {
      throw UserError(l->loc.ToString() + ": key '" + key + ".layout': Grid-" + layout +
                      " always uses layout " + layout + "; choose the layout with env.id (Grid-" +
                      (l->IsScalar() ? l->scalar : std::string("<layout>")) + ")");
    }
    return make(options, key);
  };
  return entry;
}

}  // namespace

const std::vector<EnvEntry>& EnvRegistry() {
  static const std::vector<EnvEntry> entries = {
      MakeEnvEntry<CartPole, CartPoleConfig>(
          "CartPole-v1",
          "balance a pole on a cart; Discrete(2), +1 per step, 500 steps; option heuristic: "
          "BARFI's PD-agreement term"),
      MakeEnvEntry<Pendulum, PendulumConfig>(
          "Pendulum-v1", "swing a torque-limited pendulum upright; Box(1) torque, 200 steps"),
      MakeEnvEntry<MountainCar, MountainCarConfig>(
          "MountainCar-v0",
          "drive an underpowered car up a hill; Discrete(3), -1 per step, 200 steps; options "
          "sparse_reward, heuristic: BARFI's"),
      MakeEnvEntry<MountainCarContinuous, MountainCarContinuousConfig>(
          "MountainCarContinuous-v0",
          "continuous mountain car; +100 at the flag, -0.1*a^2 per step, 999 steps"),
      MakeEnvEntry<Acrobot, AcrobotConfig>(
          "Acrobot-v1",
          "swing a two-link arm's tip above a line; Discrete(3), -1 per step, 500 steps"),
      GridEntry("Empty-5x5"),
      GridEntry("Empty-8x8"),
      GridEntry("FourRooms"),
      GridEntry("CliffWalking"),
      GridEntry("LavaGap"),
      GridEntry("TwoGoals"),
      MakeEnvEntry<AlmostGridWorld, AlmostGridConfig>(
          "barfi/GridWorld-v0",
          "BARFI's almost gridworld: [0,1]^2, Discrete(4) of 4 sub-steps, 10% random action, "
          "+100 at the goal, -0.1 per step, 50 steps; option heuristic: none|good|bad"),
      MakeEnvEntry<Hopper, HopperConfig>(
          "Hopper-v4", "MuJoCo one-legged hopper; Box(3), forward + healthy - ctrl, 1000 steps"),
      MakeEnvEntry<SealsHopper, HopperConfig>(
          "seals/Hopper-v1", "Hopper-v4 with x observed and no early termination; 1000 steps",
          SealsHopperDefaults()),
      MakeEnvEntry<HalfCheetah, HalfCheetahConfig>(
          "HalfCheetah-v4", "MuJoCo planar cheetah; Box(6), forward - ctrl, never terminates"),
      MakeEnvEntry<Walker2d, Walker2dConfig>(
          "Walker2d-v4", "MuJoCo planar biped; Box(6), forward + healthy - ctrl, 1000 steps"),
      MakeEnvEntry<InvertedPendulum, InvertedPendulumConfig>(
          "InvertedPendulum-v4", "MuJoCo cart-pole; Box(1), +1 per step until |angle| > 0.2"),
      MakeEnvEntry<InvertedDoublePendulum, InvertedDoublePendulumConfig>(
          "InvertedDoublePendulum-v4",
          "MuJoCo double cart-pole; Box(1), 10 - penalties, ends at tip z <= 1"),
      MakeEnvEntry<Reacher, ReacherConfig>(
          "Reacher-v4", "MuJoCo 2-link arm to a target; Box(2), -dist - ctrl (pre-step), 50 steps"),
      MakeEnvEntry<Swimmer, SwimmerConfig>(
          "Swimmer-v4", "MuJoCo 3-link swimmer in a viscous fluid; Box(2), forward - ctrl"),
      MakeEnvEntry<Ant, AntConfig>(
          "Ant-v4", "MuJoCo quadruped; Box(8), torso forward + healthy - ctrl, obs 27, 1000 steps"),
      MakeEnvEntry<SealsHalfCheetah, HalfCheetahConfig>(
          "seals/HalfCheetah-v1", "HalfCheetah-v4 with x observed; 1000 steps",
          SealsHalfCheetahDefaults()),
      MakeEnvEntry<SealsWalker2d, Walker2dConfig>(
          "seals/Walker2d-v1", "Walker2d-v4 with x observed and no early termination; 1000 steps",
          SealsWalker2dDefaults()),
      MakeEnvEntry<SealsAnt, AntConfig>(
          "seals/Ant-v1", "Ant-v4 with x, y observed and no early termination; 1000 steps",
          SealsAntDefaults()),
      MakeEnvEntry<SealsSwimmer, SwimmerConfig>(
          "seals/Swimmer-v1", "Swimmer-v4 with x, y observed; 1000 steps", SealsSwimmerDefaults()),
  };
  return entries;
}

const EnvEntry& FindEnv(std::string_view id) {
  std::vector<std::string> ids;
  for (const EnvEntry& e : EnvRegistry()) {
    if (e.id == id) return e;
    ids.push_back(e.id);
  }
  throw UserError("unknown env id '" + std::string(id) + "'" + DidYouMean(id, ids) +
                  "; `rewardlab envs` lists them all");
}

std::unique_ptr<Env> MakeEnv(std::string_view id, const ConfigNode& options,
                             const std::string& key) {
  return FindEnv(id).make(options, key);
}

}  // namespace rl
