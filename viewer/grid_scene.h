// Draws a gridworld with ImGui draw lists: walls, goals, hazards, the agent and an optional heat
// map over the free cells (visitation counts, the agent's state values or a shaping potential).
#ifndef REWARDLAB_VIEWER_GRID_SCENE_H_
#define REWARDLAB_VIEWER_GRID_SCENE_H_

#include <string>
#include <vector>

#include "agents/agent.h"
#include "envs/grid/grid_world.h"
#include "rewards/reward_pipeline.h"
#include "viewer/layout.h"

namespace rl::viewer {

// The quantity the heat map shows.
enum class HeatMap { kNone, kVisits, kValue, kPotential };

// The heat map named `name` (none, visits, value, potential); throws UserError for others.
HeatMap ParseHeatMap(const std::string& name);

// A gridworld scene: counts visits and draws the current state.
class GridScene {
 public:
  // Draws `env` with heat map `heat`.
  GridScene(const GridWorld& env, HeatMap heat);

  // Counts a visit of the env's current state.
  void CountVisit();
  // Recomputes the state values with `agent` (kValue); keeps a message when it has none.
  void UpdateValues(Agent& agent);
  // Evaluates the potential of the first potential-based shaping module of `reward` (kPotential);
  // keeps a message when it has none.
  void UpdatePotential(RewardPipeline& reward);
  // Draws into the background draw list, inside `scene`.
  void Draw(const Rect& scene) const;
  // A combo box choosing the heat map, with its range.
  void DrawControls();

 private:
  // the observation of every state, as columns
  Mat Observations() const;
  // the values of the chosen heat map
  const std::vector<double>& Heat() const;

  const GridWorld& env_;
  HeatMap heat_;
  std::vector<double> visits_;
  std::vector<double> values_;
  std::vector<double> potential_;
  std::string value_error_;
  std::string potential_error_;
};

}  // namespace rl::viewer

#endif  // REWARDLAB_VIEWER_GRID_SCENE_H_
