#include "envs/registry.h"

#include "envs/classic/acrobot.h"
#include "envs/classic/cartpole.h"
#include "envs/classic/mountain_car.h"
#include "envs/classic/pendulum.h"
#include "envs/grid/grid_world.h"
#include "envs/grid/layouts.h"
#include "envs/mujoco/hopper.h"

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
          "CartPole-v1", "balance a pole on a cart; Discrete(2), +1 per step, 500 steps"),
      MakeEnvEntry<Pendulum, PendulumConfig>(
          "Pendulum-v1", "swing a torque-limited pendulum upright; Box(1) torque, 200 steps"),
      MakeEnvEntry<MountainCar, MountainCarConfig>(
          "MountainCar-v0", "drive an underpowered car up a hill; Discrete(3), -1 per step, 200 steps"),
      MakeEnvEntry<MountainCarContinuous, MountainCarContinuousConfig>(
          "MountainCarContinuous-v0",
          "continuous mountain car; +100 at the flag, -0.1*a^2 per step, 999 steps"),
      MakeEnvEntry<Acrobot, AcrobotConfig>(
          "Acrobot-v1", "swing a two-link arm's tip above a line; Discrete(3), -1 per step, 500 steps"),
      GridEntry("Empty-5x5"),
      GridEntry("Empty-8x8"),
      GridEntry("FourRooms"),
      GridEntry("CliffWalking"),
      GridEntry("LavaGap"),
      GridEntry("TwoGoals"),
      MakeEnvEntry<Hopper, HopperConfig>(
          "Hopper-v4", "MuJoCo one-legged hopper; Box(3), forward + healthy - ctrl, 1000 steps"),
      MakeEnvEntry<SealsHopper, HopperConfig>(
          "seals/Hopper-v1", "Hopper-v4 with x observed and no early termination; 1000 steps",
          SealsHopperDefaults()),
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

std::unique_ptr<Env> MakeEnv(std::string_view id, const ConfigNode& options, const std::string& key) {
  return FindEnv(id).make(options, key);
}

}  // namespace rl
