// Named ASCII maps for the gridworlds. One character per cell:
//   '#' wall   '.' floor   'S' start (several: uniform random start)
//   'G' goal   'g' small goal   'L' hazard (lava, cliff)
// Rows are separated by '\n' and have equal width. A map need not be enclosed by walls: moving off
// the grid is treated like moving into a wall (the agent stays put).
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
