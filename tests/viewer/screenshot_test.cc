// `rewardlab view --screenshot` under Xvfb: a MuJoCo scene and a gridworld rendered to PNG and
// checked (size, not blank, the agent's disc in the cell the state says).
#include <catch2/catch.hpp>
#include <string>

#include "envs/grid/grid_world.h"
#include "tests/support/temp_dir.h"
#include "tests/support/viewer.h"
#include "viewer/layout.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using testing::CliResult;
using testing::Image;
using testing::IsAgentColour;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

TEST_CASE("view renders a MuJoCo scene from a config to a PNG", "[viewer]") {
  if (!testing::HaveXvfb()) {
    WARN("skipped: xvfb-run is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  testing::TempDir tmp;
  const std::string png = (tmp.Path() / "hopper.png").string();
  const CliResult r = testing::RunCliUnderXvfb(
      "view " + kConfigs + "hopper_ppo.yaml --screenshot " + png + " --frames 10");
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("wrote " + png + " (1280x720, 10 frames"));
  const Image image = testing::ReadPng(png);
  REQUIRE(image.width == 1280);
  REQUIRE(image.height == 720);
  // the 3D scene (left) and the panels (right) both have content
  const int scene_w = static_cast<int>(viewer::SceneRect(1280, 720).w);
  CHECK(image.Variance(0, scene_w) > 100);
  CHECK(image.Variance(scene_w, 1280) > 100);
}

TEST_CASE("view draws the gridworld agent in the cell of its state", "[viewer]") {
  if (!testing::HaveXvfb()) {
    WARN("skipped: xvfb-run is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  testing::TempDir tmp;
  GridConfig grid_config;
  grid_config.layout = "FourRooms";
  const GridWorld grid(grid_config);
  const viewer::Rect scene = viewer::SceneRect(1280, 720);
  auto centre = [&](int s) {
    const viewer::Rect cell =
        viewer::GridCellRect(scene, grid.Rows(), grid.Cols(), grid.Cell(s).row, grid.Cell(s).col);
    return std::array<int, 2>{static_cast<int>(cell.CenterX()), static_cast<int>(cell.CenterY())};
  };
  const int first = 0, other = grid.NumStates() / 2;
  REQUIRE_FALSE(grid.IsTerminal(other));

  for (const int s : {first, other}) {
    const std::string png = (tmp.Path() / ("grid_" + std::to_string(s) + ".png")).string();
    const CliResult r = testing::RunCliUnderXvfb(
        "view " + kConfigs + "fourrooms_ppo.yaml --paused" + " --init-state " + std::to_string(s) +
        " --screenshot " + png + " --frames 3");
    INFO(r.out);
    REQUIRE(r.code == 0);
    const Image image = testing::ReadPng(png);
    REQUIRE(image.width == 1280);
    CHECK(image.Variance(0, static_cast<int>(scene.w)) > 100);
    const int elsewhere = s == first ? other : first;
    INFO("state " << s << " at " << centre(s)[0] << "," << centre(s)[1]);
    CHECK(IsAgentColour(image.At(centre(s)[0], centre(s)[1])));
    CHECK_FALSE(IsAgentColour(image.At(centre(elsewhere)[0], centre(elsewhere)[1])));
  }
}

TEST_CASE("view colours gridworld cells by a shaping potential", "[viewer]") {
  if (!testing::HaveXvfb()) {
    WARN("skipped: xvfb-run is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  testing::TempDir tmp;
  const std::string config =
      tmp.Write("pbrs.yaml", "extends: " + kConfigs +
                                 "fourrooms_ppo.yaml\n"
                                 "reward: [{type: env}, {type: pbrs, potential: {type: "
                                 "grid_distance}}]\n");
  GridConfig grid_config;
  grid_config.layout = "FourRooms";
  const GridWorld grid(grid_config);
  int goal = 0;
  while (grid.Tile(goal) != 'G') ++goal;
  // Φ = -(moves to the goal): highest next to the goal, low at the start; the agent elsewhere
  const int near = grid.StateAt(grid.Cell(goal).row, grid.Cell(goal).col - 1);
  const int far = grid.StartStates()[0];
  const int agent = grid.NumStates() / 2;
  REQUIRE(near >= 0);
  REQUIRE(agent != near);
  REQUIRE(agent != far);
  const viewer::Rect scene = viewer::SceneRect(1280, 720);
  auto blue = [&](const Image& image, int s) {
    const viewer::Rect cell =
        viewer::GridCellRect(scene, grid.Rows(), grid.Cols(), grid.Cell(s).row, grid.Cell(s).col);
    return image.At(static_cast<int>(cell.CenterX()), static_cast<int>(cell.CenterY()))[2];
  };
  auto render = [&](const std::string& heat) {
    const std::string png = (tmp.Path() / (heat + ".png")).string();
    const CliResult r =
        testing::RunCliUnderXvfb("view " + config + " --paused --heat " + heat + " --init-state " +
                                 std::to_string(agent) + " --screenshot " + png + " --frames 3");
    INFO(r.out);
    REQUIRE(r.code == 0);
    return testing::ReadPng(png);
  };
  // white to orange: the blue channel falls as Φ rises
  const Image potential = render("potential");
  CHECK(blue(potential, near) + 100 < blue(potential, far));
  const Image none = render("none");
  CHECK(blue(none, near) == blue(none, far));
  CHECK(blue(none, near) == viewer::kFloorRgb.b);
}

}  // namespace
}  // namespace rl
