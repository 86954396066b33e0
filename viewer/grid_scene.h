// Draws a gridworld with ImGui draw lists: walls, goals, hazards, the agent and an optional heat
// map over the free cells (visitation counts or the agent's state values).
#ifndef REWARDLAB_VIEWER_GRID_SCENE_H_
#define REWARDLAB_VIEWER_GRID_SCENE_H_

#include <string>
#include <vector>

#include "agents/agent.h"
#include "envs/grid/grid_world.h"
#include "viewer/layout.h"

namespace rl::viewer {

// The quantity the heat map shows.
enum class HeatMap { kNone, kVisits, kValue };

// A gridworld scene: counts visits and draws the current state.
class GridScene {
 public:
  // Draws `env`, whose observations the agent reads for kValue.
  explicit GridScene(const GridWorld& env);

  // Counts a visit of the env's current state.
  void CountVisit();
  // Recomputes the state values with `agent` (kValue); keeps a message when it has none.
  void UpdateValues(Agent& agent);
  // Draws into the background draw list, inside `scene`.
  void Draw(const Rect& scene) const;
  // A combo box choosing the heat map, with its range.
  void DrawControls();

 private:
  const GridWorld& env_;
  HeatMap heat_ = HeatMap::kVisits;
  std::vector<double> visits_;
  std::vector<double> values_;
  std::string value_error_;
};

}  // namespace rl::viewer

#endif  // REWARDLAB_VIEWER_GRID_SCENE_H_
