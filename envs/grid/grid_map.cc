#include "envs/grid/grid_map.h"

#include <algorithm>
#include <fstream>
#include <string_view>

#include "core/error.h"

namespace rl {
namespace {

constexpr std::string_view kTiles = ".SGgL#";
constexpr std::string_view kLegend = "# wall, . floor, S start, G goal, g small goal, L hazard";

std::string At(const std::string& where, size_t row, size_t col) {
  return where + ": row " + std::to_string(row + 1) + ", column " + std::to_string(col + 1);
}

}  // namespace

std::vector<std::string> ParseGridMap(const std::string& text, const std::string& where) {
  std::vector<std::string> rows(1);
  for (char ch : text) {
    if (ch == '\n')
      rows.emplace_back();
    else if (ch != '\r')
      rows.back() += ch;
  }
  for (std::string& r : rows) r.erase(r.find_last_not_of(" \t") + 1);
  while (!rows.empty() && rows.back().empty()) rows.pop_back();
  size_t first = 0;
  while (first < rows.size() && rows[first].empty()) ++first;
  rows.erase(rows.begin(), rows.begin() + first);
  if (rows.empty()) {
    throw UserError(where + ": the map is empty; write one row per line using " +
                    std::string(kLegend));
  }
  // the size first, so a huge map is refused before it is scanned cell by cell
  const size_t cols = rows[0].size();
  if (rows.size() * cols > kMaxGridCells) {
    throw UserError(where + ": the map has " + std::to_string(rows.size()) + " x " +
                    std::to_string(cols) + " cells; at most " + std::to_string(kMaxGridCells) +
                    " are allowed");
  }
  bool start = false, goal = false;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r].size() != cols) {
      throw UserError(At(where, r, std::min(rows[r].size(), cols)) + ": row " +
                      std::to_string(r + 1) + " has " + std::to_string(rows[r].size()) +
                      " cells, row 1 has " + std::to_string(cols) +
                      "; every row must have the same width (pad with '#' or '.')");
    }
    for (size_t c = 0; c < cols; ++c) {
      const char ch = rows[r][c];
      if (kTiles.find(ch) == std::string_view::npos) {
        throw UserError(At(where, r, c) + ": unknown character '" + std::string(1, ch) +
                        "'; the legend is " + std::string(kLegend));
      }
      start = start || ch == 'S';
      goal = goal || ch == 'G' || ch == 'g';
    }
  }
  if (!start) throw UserError(where + ": the map has no start 'S'; put one on a floor cell");
  if (!goal) throw UserError(where + ": the map has no goal 'G' or 'g'; put one on a floor cell");
  return rows;
}

std::string ReadGridMapFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot read the grid map file (env.options.map_file)");
  // read a bounded amount: no allowed map is this long, and a device never ends
  constexpr size_t kMaxBytes = 1 << 20;
  std::string text(kMaxBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxBytes) {
    throw UserError(path + ": the grid map file is over 1 MiB; a map has at most " +
                    std::to_string(kMaxGridCells) + " cells");
  }
  return text;
}

}  // namespace rl
