#include "viewer/grid_scene.h"

#include <imgui.h>

#include <algorithm>

namespace rl::viewer {
namespace {

ImU32 Color(Rgb c) { return IM_COL32(c.r, c.g, c.b, 255); }

// white to orange as t goes from 0 to 1, over the floor colour
ImU32 HeatColor(double t) {
  t = std::clamp(t, 0.0, 1.0);
  auto mix = [t](uint8_t a, uint8_t b) { return static_cast<int>(a + (b - a) * t); };
  return IM_COL32(mix(kFloorRgb.r, 250), mix(kFloorRgb.g, 150), mix(kFloorRgb.b, 30), 255);
}

}  // namespace

GridScene::GridScene(const GridWorld& env)
    : env_(env), visits_(env.NumStates(), 0.0), values_(env.NumStates(), 0.0) {}

void GridScene::CountVisit() { visits_[env_.State()] += 1; }

void GridScene::UpdateValues(Agent& agent) {
  const int n = env_.NumStates();
  Mat obs(env_.Spec().observation.Dim(), n);
  for (int s = 0; s < n; ++s) env_.Observe(s, obs.col(s));
  Vec values;
  try {
    agent.StateValues(obs, values);
  } catch (const UserError& e) {
    value_error_ = e.what();
    return;
  }
  for (int s = 0; s < n; ++s) values_[s] = values[s];
}

void GridScene::Draw(const Rect& scene) const {
  ImDrawList* draw = ImGui::GetBackgroundDrawList();
  draw->AddRectFilled({scene.x, scene.y}, {scene.x + scene.w, scene.y + scene.h},
                      Color(kBackgroundRgb));
  const std::vector<double>& heat = heat_ == HeatMap::kValue ? values_ : visits_;
  double lo = 0, hi = 0;
  if (heat_ != HeatMap::kNone && !heat.empty()) {
    lo = *std::min_element(heat.begin(), heat.end());
    hi = *std::max_element(heat.begin(), heat.end());
  }
  const int rows = env_.Rows(), cols = env_.Cols();
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const Rect cell = GridCellRect(scene, rows, cols, r, c);
      const int s = env_.StateAt(r, c);
      ImU32 fill = Color(kWallRgb);
      if (s >= 0) {
        switch (env_.Tile(s)) {
          case 'G':
            fill = Color(kGoalRgb);
            break;
          case 'g':
            fill = Color(kSmallGoalRgb);
            break;
          case 'L':
            fill = Color(kHazardRgb);
            break;
          default:
            fill = heat_ == HeatMap::kNone || hi <= lo ? Color(kFloorRgb)
                                                       : HeatColor((heat[s] - lo) / (hi - lo));
        }
      }
      draw->AddRectFilled({cell.x + 1, cell.y + 1}, {cell.x + cell.w - 1, cell.y + cell.h - 1},
                          fill);
    }
  }
  // the agent: a disc in its cell
  const GridCell at = env_.Cell(env_.State());
  const Rect cell = GridCellRect(scene, rows, cols, at.row, at.col);
  draw->AddCircleFilled({cell.CenterX(), cell.CenterY()}, 0.35f * cell.w, Color(kAgentRgb), 24);
}

void GridScene::DrawControls() {
  int choice = static_cast<int>(heat_);
  ImGui::Combo("heat map", &choice, "none\0visitation counts\0state value V(s)\0");
  heat_ = static_cast<HeatMap>(choice);
  if (heat_ == HeatMap::kValue && !value_error_.empty()) {
    ImGui::TextWrapped("%s", value_error_.c_str());
  } else if (heat_ != HeatMap::kNone) {
    const std::vector<double>& heat = heat_ == HeatMap::kValue ? values_ : visits_;
    ImGui::Text("range %.3g .. %.3g (white .. orange)", *std::min_element(heat.begin(), heat.end()),
                *std::max_element(heat.begin(), heat.end()));
  }
}

}  // namespace rl::viewer
