// Named ASCII maps for the gridworlds. One character per cell:
//   '#' wall   '.' floor   'S' start (several: uniform random start)
//   'G' goal   'g' small goal   'L' hazard (lava, cliff)
// Rows are separated by '\n' and have equal width. A map need not be enclosed by walls: moving off
// the grid is treated like moving into a wall (the agent stays put).
//
// The built-in layouts (rows x cols as written, states = non-wall cells):
//
//   name          size    states  start        goals                        max_steps
//   Empty-5x5     5x5     25      top-left     G bottom-right                100
//   Empty-8x8     8x8     64      top-left     G bottom-right                256
//   FourRooms     13x13   104     (1, 1)       G at (11, 11)                 676
//   CliffWalking  4x12    48      (3, 0)       G at (3, 11), L on (3, 1..10)  100
//   LavaGap       7x7     25      (1, 1)       G at (5, 5), L in column 3    196
//   TwoGoals      5x9     21      (1, 3)       g at (1, 1), G at (3, 7)      180
//
// Empty-N counts floor cells and has no wall border, so it has N x N states; MiniGrid's Empty-N
// counts its border walls (Empty-5x5 there has a 3x3 floor). FourRooms is Sutton, Precup & Singh's
// four-rooms map (MiniGrid's FourRooms is 19x19 with random start and goal). CliffWalking's cliff
// terminates the episode here; in Gymnasium it sends the agent back to the start. LavaGap is a
// fixed instance of MiniGrid's LavaGapS7 (column and gap are random there). max_steps follows
// MiniGrid's 4 * rows * cols except CliffWalking (100; its optimal path takes 13 steps).
// LavaGap's gap is row 3 of column 3.
//
// To add a layout, append it to GridLayouts() in layouts.cc: GridConfig's `layout` check and the
// env registry's summaries read the list from there.
#ifndef REWARDLAB_ENVS_GRID_LAYOUTS_H_
#define REWARDLAB_ENVS_GRID_LAYOUTS_H_

#include <string>
#include <string_view>
#include <vector>

namespace rl {

// One named map with its default episode length.
struct GridLayout {
  std::string_view name;     // e.g. "FourRooms"
  std::string_view summary;  // one line for `rewardlab envs`
  std::string_view text;     // the map, rows separated by '\n', no trailing newline
  int max_steps = 0;         // default time limit of an episode on this map
};

// All layouts, in listing order.
const std::vector<GridLayout>& GridLayouts();
// The names of all layouts, in listing order (for Check::OneOf).
std::vector<std::string> LayoutNames();
// The layout called `name`; throws UserError naming the closest names when there is none.
const GridLayout& FindLayout(const std::string& name);

}  // namespace rl

#endif  // REWARDLAB_ENVS_GRID_LAYOUTS_H_
