// The viewer's keys (Space, →, ←, Backspace, +, −, N) on a gridworld, pressed without a keyboard:
// the GLFW layer only maps key codes to ViewerKey, so these are the semantics users get.
#include "viewer/support/playback_controls.h"

#include <catch2/catch.hpp>

#include "envs/grid/grid_world.h"

namespace rl {
namespace {

const std::string kFourRooms =
    std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/fourrooms_ppo.yaml";

int Cell(Playback& p) { return dynamic_cast<GridWorld&>(p.GetEnv()).State(); }

TEST_CASE("viewer keys step, pause, rewind, restart and change speed", "[unit]") {
  // the same episode played by a reference without keys: the states the keys must reach
  Playback reference({kFourRooms, false, 0, std::nullopt});
  std::vector<int> cells{Cell(reference)};
  for (int i = 0; i < 3; ++i) reference.Step(), cells.push_back(Cell(reference));
  REQUIRE(cells[1] != cells[0]);

  Playback p({kFourRooms, false, 0, std::nullopt});
  PlaybackControls c;
  REQUIRE_FALSE(c.paused);
  // → while playing does nothing: playback advances in real time instead
  CHECK_FALSE(c.Press(ViewerKey::kRight, p));
  CHECK(p.EpisodeStep() == 0);

  // Space pauses; → steps one at a time, ← goes back through the same states
  CHECK_FALSE(c.Press(ViewerKey::kSpace, p));
  CHECK(c.paused);
  CHECK(c.Press(ViewerKey::kRight, p));
  CHECK(c.Press(ViewerKey::kRight, p));
  CHECK(p.EpisodeStep() == 2);
  CHECK(Cell(p) == cells[2]);
  CHECK_FALSE(c.Press(ViewerKey::kLeft, p));
  CHECK(p.EpisodeStep() == 1);
  CHECK(Cell(p) == cells[1]);
  CHECK(c.Press(ViewerKey::kRight, p));
  CHECK(c.Press(ViewerKey::kRight, p));
  CHECK(Cell(p) == cells[3]);
  CHECK(p.TermTraces()[0].size() == 3);

  // Backspace restarts the episode from its reset state (the same seed), still paused
  CHECK_FALSE(c.Press(ViewerKey::kBackspace, p));
  CHECK(p.EpisodeStep() == 0);
  CHECK(Cell(p) == cells[0]);
  CHECK(p.Episode() == 0);
  CHECK(p.TermTraces()[0].empty());
  CHECK(c.paused);
  // ← at the start of the episode stays there
  CHECK_FALSE(c.Press(ViewerKey::kLeft, p));
  CHECK(p.EpisodeStep() == 0);

  // + and − double and halve the speed, within [1/64, 64]
  c.Press(ViewerKey::kPlus, p);
  c.Press(ViewerKey::kPlus, p);
  CHECK(c.speed == 4);
  c.Press(ViewerKey::kMinus, p);
  CHECK(c.speed == 2);
  for (int i = 0; i < 20; ++i) c.Press(ViewerKey::kPlus, p);
  CHECK(c.speed == PlaybackControls::kMaxSpeed);
  for (int i = 0; i < 40; ++i) c.Press(ViewerKey::kMinus, p);
  CHECK(c.speed == PlaybackControls::kMinSpeed);

  // Space plays again; ← while playing does nothing
  c.Press(ViewerKey::kRight, p);
  c.Press(ViewerKey::kSpace, p);
  CHECK_FALSE(c.paused);
  c.Press(ViewerKey::kLeft, p);
  CHECK(p.EpisodeStep() == 1);

  // N starts the next episode (its own seed)
  c.Press(ViewerKey::kNextEpisode, p);
  CHECK(p.Episode() == 1);
  CHECK(p.EpisodeStep() == 0);
}

TEST_CASE("viewer keys for the window are recorded for it to act on", "[unit]") {
  Playback p({kFourRooms, false, 0, std::nullopt});
  PlaybackControls c;
  c.Press(ViewerKey::kNextCamera, p);
  CHECK(c.camera == 1);
  c.Press(ViewerKey::kPrevCamera, p);
  CHECK(c.camera == -1);
  c.Press(ViewerKey::kHelp, p);
  CHECK(c.help);
  c.Press(ViewerKey::kHelp, p);
  CHECK_FALSE(c.help);
  c.Press(ViewerKey::kScreenshot, p);
  CHECK(c.screenshot);
  c.Press(ViewerKey::kQuit, p);
  CHECK(c.quit);
  CHECK(p.EpisodeStep() == 0);
}

}  // namespace
}  // namespace rl
