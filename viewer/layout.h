// Where the viewer draws: the scene fills the left of the window, panels the right. Also the
// gridworld's cell geometry and colours, shared with tests that check rendered pixels. No GL here.
#ifndef REWARDLAB_VIEWER_LAYOUT_H_
#define REWARDLAB_VIEWER_LAYOUT_H_

#include <algorithm>
#include <cstdint>

namespace rl::viewer {

// Width of the panel column on the right, in pixels.
inline constexpr float kPanelWidth = 420;
// Margin around a gridworld inside the scene, in pixels.
inline constexpr float kGridMargin = 16;

// An axis-aligned rectangle in window pixels, origin at the top left.
struct Rect {
  float x = 0, y = 0, w = 0, h = 0;  // corner and size
  // The centre's x.
  float CenterX() const { return x + w / 2; }
  // The centre's y.
  float CenterY() const { return y + h / 2; }
};

// The scene's part of a window of this size.
inline Rect SceneRect(int width, int height) {
  return {0, 0, std::max(1.0f, width - kPanelWidth), static_cast<float>(height)};
}

// The square of cell (row, col) of a rows x cols grid, centred in `scene`.
inline Rect GridCellRect(const Rect& scene, int rows, int cols, int row, int col) {
  const float size =
      std::min((scene.w - 2 * kGridMargin) / cols, (scene.h - 2 * kGridMargin) / rows);
  const float x0 = scene.x + (scene.w - size * cols) / 2;
  const float y0 = scene.y + (scene.h - size * rows) / 2;
  return {x0 + col * size, y0 + row * size, size, size};
}

// An opaque RGB colour.
struct Rgb {
  uint8_t r, g, b;  // channels
};

// Scene background.
inline constexpr Rgb kBackgroundRgb{30, 32, 38};
// Wall cells.
inline constexpr Rgb kWallRgb{70, 72, 80};
// Free cells.
inline constexpr Rgb kFloorRgb{228, 228, 222};
// Goal cells ('G').
inline constexpr Rgb kGoalRgb{46, 170, 76};
// Small goal cells ('g').
inline constexpr Rgb kSmallGoalRgb{150, 210, 120};
// Hazard cells ('L').
inline constexpr Rgb kHazardRgb{214, 64, 40};
// The agent's disc.
inline constexpr Rgb kAgentRgb{40, 96, 232};

}  // namespace rl::viewer

#endif  // REWARDLAB_VIEWER_LAYOUT_H_
