#include "viewer/grid_scene.h"

#include <imgui.h>

#include <algorithm>

#include "core/error.h"
#include "rewards/potential_shaping/pbrs.h"

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

HeatMap ParseHeatMap(const std::string& name) {
  if (name == "none") return HeatMap::kNone;
  if (name == "visits") return HeatMap::kVisits;
  if (name == "value") return HeatMap::kValue;
  if (name == "potential") return HeatMap::kPotential;
  throw UserError("--heat: '" + name + "' is not one of none, visits, value, potential");
}

GridScene::GridScene(const GridWorld& env, HeatMap heat)
    : env_(env),
      heat_(heat),
      visits_(env.NumStates(), 0.0),
      values_(env.NumStates(), 0.0),
      potential_(env.NumStates(), 0.0) {}

Mat GridScene::Observations() const {
  Mat obs(env_.Spec().observation.Dim(), env_.NumStates());
  for (int s = 0; s < env_.NumStates(); ++s) env_.Observe(s, obs.col(s));
  return obs;
}

const std::vector<double>& GridScene::Heat() const {
  if (heat_ == HeatMap::kValue) return values_;
  if (heat_ == HeatMap::kPotential) return potential_;
  return visits_;
}

void GridScene::CountVisit() { visits_[env_.State()] += 1; }

void GridScene::UpdateValues(Agent& agent) {
  const int n = env_.NumStates();
  const Mat obs = Observations();
  Vec values;
  try {
    agent.StateValues(obs, values);
  } catch (const UserError& e) {
    value_error_ = e.what();
    return;
  }
  for (int s = 0; s < n; ++s) values_[s] = values[s];
}

void GridScene::UpdatePotential(RewardPipeline& reward) {
  for (int i = 0; i < reward.Size(); ++i) {
    const auto* pbrs = dynamic_cast<const PotentialShaping*>(&reward.Module(i));
    if (!pbrs) continue;
    const Eigen::MatrixXf obs = Observations().cast<float>();
    Eigen::VectorXf phi(env_.NumStates());
    pbrs->GetPotential().Evaluate(obs, phi);
    for (int s = 0; s < env_.NumStates(); ++s) potential_[s] = phi[s];
    potential_error_.clear();
    return;
  }
  potential_error_ = "no potential-based shaping (pbrs) module in this reward";
}

void GridScene::Draw(const Rect& scene) const {
  ImDrawList* draw = ImGui::GetBackgroundDrawList();
  draw->AddRectFilled({scene.x, scene.y}, {scene.x + scene.w, scene.y + scene.h},
                      Color(kBackgroundRgb));
  const std::vector<double>& heat = Heat();
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
  ImGui::Combo("heat map", &choice,
               "none\0visitation counts\0state value V(s)\0shaping potential\0");
  heat_ = static_cast<HeatMap>(choice);
  const std::string& error = heat_ == HeatMap::kValue       ? value_error_
                             : heat_ == HeatMap::kPotential ? potential_error_
                                                            : std::string();
  if (!error.empty()) {
    ImGui::TextWrapped("%s", error.c_str());
  } else if (heat_ != HeatMap::kNone) {
    const std::vector<double>& heat = Heat();
    ImGui::Text("range %.3g .. %.3g (white .. orange)", *std::min_element(heat.begin(), heat.end()),
                *std::max_element(heat.begin(), heat.end()));
  }
}

}  // namespace rl::viewer
