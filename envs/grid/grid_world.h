// Gridworlds on ASCII maps (envs/grid/layouts.h): one dynamics core for every layout.
//
// Actions are Discrete(4) in Gymnasium CliffWalking order: 0 up, 1 right, 2 down, 3 left. With
// probability `slip` the move goes sideways instead: to each of the two directions perpendicular to
// the chosen one with probability slip/2 (so the intended move happens with 1 - slip and the
// opposite move never). A move into a wall or off the map leaves the agent in place. Entering 'G'
// or 'g' terminates with the goal reward, entering 'L' terminates with the hazard reward, and every
// step also pays step_reward. Reward terms, in order: goal, step, hazard. Stepping on after
// termination stays put and pays nothing (terminal states are absorbing, as in ExportTabular).
//
// States are the non-wall cells, numbered in row-major order; the physical state is that number.
#ifndef REWARDLAB_ENVS_GRID_GRID_WORLD_H_
#define REWARDLAB_ENVS_GRID_GRID_WORLD_H_

#include <string>
#include <vector>

#include "core/config.h"
#include "envs/env.h"
#include "envs/grid/layouts.h"

namespace rl {

// Options of a gridworld. GridDefaults(layout) gives the per-layout defaults.
struct GridConfig {
  std::string layout = "Empty-5x5";    // map name
  double slip = 0.0;                   // probability of a sideways move
  double goal_reward = 1.0;            // paid on entering 'G'
  double small_goal_reward = 0.3;      // paid on entering 'g'
  double step_reward = 0.0;            // paid on every step
  double hazard_reward = -1.0;         // paid on entering 'L'
  std::string observation = "onehot";  // "onehot" over states or "xy" = (column, row)
  int max_steps = 0;                   // time limit; 0 = the layout's default
  std::string map;                     // the user's own map (replaces the layout's); "" = none
  std::string map_file;                // a file holding the user's own map; "" = none

  // The field list (core/config.h).
  template <class V>
  void Fields(V& v) {
    v("layout", layout, "ASCII map name", Check::OneOf(LayoutNames()));
    v("slip", slip, "probability that a move goes sideways (each perpendicular direction slip/2)",
      Check::Range(0, 1));
    v("goal_reward", goal_reward, "reward for entering the goal 'G' (terminates)");
    v("small_goal_reward", small_goal_reward,
      "reward for entering the small goal 'g' (terminates)");
    v("step_reward", step_reward, "reward paid on every step, also the last one");
    v("hazard_reward", hazard_reward, "reward for entering lava/cliff 'L' (terminates)");
    v("observation", observation, "onehot over the non-wall cells, or xy = (column, row)",
      Check::OneOf({"onehot", "xy"}));
    v("max_steps", max_steps,
      "time limit in steps; 0 = layout default (4*rows*cols, CliffWalking 100)", Check::Min(0));
    v("map", map,
      "your own map instead of the layout's: one row per line, # wall, . floor, S start "
      "(several: random), G goal, g small goal, L hazard; at most 10000 cells");
    v("map_file", map_file,
      "a text file holding your own map (as `map`), relative to the working directory");
  }
};

// The defaults for `layout`: CliffWalking pays step -1, hazard -100 and goal 0 (Gymnasium's
// per-step -1; unlike Gymnasium the cliff terminates, and that step pays -101); other layouts use
// GridConfig's defaults.
GridConfig GridDefaults(const std::string& layout);

// A cell of the map.
struct GridCell {
  int row = 0;  // 0 = top
  int col = 0;  // 0 = left
};

// A gridworld env with id "Grid-" + layout.
class GridWorld : public Env {
 public:
  static constexpr int kNumActions = 4;  // up, right, down, left

  // Builds the env; throws UserError on a bad config.
  explicit GridWorld(const GridConfig& config = {});

  // The options this env was built with (max_steps as given, 0 = layout default).
  const GridConfig& Config() const { return config_; }
  // The map text.
  const std::string& LayoutText() const { return text_; }
  // Map height in cells.
  int Rows() const { return rows_; }
  // Map width in cells.
  int Cols() const { return cols_; }
  // Number of states (non-wall cells).
  int NumStates() const { return static_cast<int>(cells_.size()); }
  // The cell of state `s`.
  GridCell Cell(int s) const { return cells_[s]; }
  // The map character of state `s` ('.', 'S', 'G', 'g' or 'L').
  char Tile(int s) const { return tiles_[s]; }
  // The state at (row, col), or -1 for a wall or a cell off the map.
  int StateAt(int row, int col) const;
  // Whether state `s` is terminal (a goal or a hazard).
  bool IsTerminal(int s) const { return tiles_[s] == 'G' || tiles_[s] == 'g' || tiles_[s] == 'L'; }
  // The start states ('S' cells); a reset picks one uniformly.
  const std::vector<int>& StartStates() const { return starts_; }
  // The current state.
  int State() const { return state_; }

  // The state reached from `s` by moving in direction `dir` (0 up, 1 right, 2 down, 3 left).
  int Move(int s, int dir) const;
  // The reward terms (goal, step, hazard) of a step that ends in `next`; `terms` has 3 entries.
  void TransitionTerms(int next, Eigen::Ref<Vec> terms) const;
  // Writes the observation of state `s` into `obs` (size obs_dim).
  void Observe(int s, Eigen::Ref<Vec> obs) const;
  // The state whose observation is `obs`; throws UserError when none is.
  int StateOfObs(const Eigen::Ref<const Vec>& obs) const;

  // The current state as {cell index}.
  Vec PhysicalState() const override;

 protected:
  void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) override;
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;

 private:
  GridConfig config_;
  std::string text_;
  int rows_ = 0;
  int cols_ = 0;
  std::vector<int> index_;       // (rows*cols) state of each map cell, -1 for walls
  std::vector<GridCell> cells_;  // (S) cell of each state
  std::vector<char> tiles_;      // (S) map character of each state
  std::vector<int> starts_;      // start states
  int state_ = 0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_GRID_GRID_WORLD_H_
