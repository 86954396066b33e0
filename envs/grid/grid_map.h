// User gridworld maps (env.options.map / map_file): read, trimmed and checked against the legend
// of envs/grid/layouts.h before the env is built.
#ifndef REWARDLAB_ENVS_GRID_GRID_MAP_H_
#define REWARDLAB_ENVS_GRID_GRID_MAP_H_

#include <string>
#include <vector>

namespace rl {

// The most cells (rows x columns, walls included) a map may have.
inline constexpr int kMaxGridCells = 10000;

// Splits a map into its rows after dropping '\r', trailing spaces of each row and blank rows at
// both ends (a YAML block scalar ends with a newline); throws UserError naming `where` and the
// row and column (from 1) for an empty, ragged or too large map, an unknown character, or no
// start 'S' or goal 'G'/'g'.
std::vector<std::string> ParseGridMap(const std::string& text, const std::string& where);
// The text of map file `path`; throws UserError when it cannot be read.
std::string ReadGridMapFile(const std::string& path);

}  // namespace rl

#endif  // REWARDLAB_ENVS_GRID_GRID_MAP_H_
