#include "envs/grid/layouts.h"

#include "core/error.h"

namespace rl {

const std::vector<GridLayout>& GridLayouts() {
  // max_steps follows MiniGrid's 4 * rows * cols (rows and cols of the map as written), except
  // CliffWalking, whose 13-step optimal path makes 100 steps ample
  static const std::vector<GridLayout> layouts = {
      {"Empty-5x5", "5x5 open floor (no wall border), start top-left, goal bottom-right",
       "S....\n"
       ".....\n"
       ".....\n"
       ".....\n"
       "....G",
       100},
      {"Empty-8x8", "8x8 open floor (no wall border), start top-left, goal bottom-right",
       "S.......\n"
       "........\n"
       "........\n"
       "........\n"
       "........\n"
       "........\n"
       "........\n"
       ".......G",
       256},
      {"FourRooms", "Sutton's four rooms: 13x13 with walls, 104 cells, opposite start and goal",
       "#############\n"
       "#S....#.....#\n"
       "#.....#.....#\n"
       "#...........#\n"
       "#.....#.....#\n"
       "#.....#.....#\n"
       "##.####.....#\n"
       "#.....###.###\n"
       "#.....#.....#\n"
       "#.....#.....#\n"
       "#...........#\n"
       "#.....#....G#\n"
       "#############",
       676},
      {"CliffWalking", "Gymnasium's 4x12 cliff: start and goal at the bottom, cliff between",
       "............\n"
       "............\n"
       "............\n"
       "SLLLLLLLLLLG",
       100},
      {"LavaGap", "MiniGrid-style 7x7 with walls: a lava column with one gap",
       "#######\n"
       "#S.L..#\n"
       "#..L..#\n"
       "#.....#\n"
       "#..L..#\n"
       "#..L.G#\n"
       "#######",
       196},
      {"TwoGoals", "reward-design trap: small goal g 2 steps from the start, goal G 6 away",
       "#########\n"
       "#g.S....#\n"
       "#.......#\n"
       "#......G#\n"
       "#########",
       180},
  };
  return layouts;
}

std::vector<std::string> LayoutNames() {
  std::vector<std::string> names;
  for (const GridLayout& l : GridLayouts()) names.emplace_back(l.name);
  return names;
}

const GridLayout& FindLayout(const std::string& name) {
  for (const GridLayout& l : GridLayouts()) {
    if (l.name == name) return l;
  }
  throw UserError("unknown grid layout '" + name + "'" + DidYouMean(name, LayoutNames()));
}

}  // namespace rl
