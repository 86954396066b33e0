// `rewardlab view RUN --replay K`: a recorded evaluation episode replayed under Xvfb, the agent
// drawn in the cell the recording says, and one-line errors for a bad --replay.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "core/run_file.h"
#include "envs/grid/grid_world.h"
#include "envs/registry.h"
#include "experiments/run_dir.h"
#include "loop/recorded_episode.h"
#include "tests/support/temp_dir.h"
#include "tests/support/viewer.h"
#include "viewer/layout.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using testing::CliResult;
using testing::IsAgentColour;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

// the gridworld state after the first `steps` recorded actions of `episode`
int StateAfter(const ExperimentConfig& config, const RecordedEpisode& episode, int64_t steps) {
  std::unique_ptr<Env> env = MakeEnv(config.env.id, config.env.options);
  env->SetMaxEpisodeSteps(config.env.max_episode_steps);
  Vec obs(env->Spec().observation.Dim());
  StepResult out;
  env->ResizeFor(out);
  RestoreEpisodeStart(episode, *env, obs);
  for (int64_t t = 0; t < steps; ++t) env->Step(episode.actions.col(t), out);
  return dynamic_cast<GridWorld&>(*env).State();
}

TEST_CASE("view --replay replays a recorded episode and draws the recorded state", "[viewer]") {
  testing::TempDir tmp;
  const std::string run = (tmp.Path() / "run").string();
  const CliResult trained = testing::RunCli(
      "train " + kConfigs + "fourrooms_ppo.yaml --out " + run +
      " --set total_steps=2048 --set eval.every_steps=1024 --set eval.episodes=2 --quiet");
  INFO(trained.out);
  REQUIRE(trained.code == 0);
  const RunData data = ReadRunFile(run + "/run.h5");
  REQUIRE(data.rollout_step.size() == 2);

  // bad --replay values: one line, exit 2, no picture
  const std::string png = (tmp.Path() / "replay.png").string();
  for (const auto& [args, message] :
       {std::pair<std::string, std::string>{run + " --replay 2", "no recorded episode 2"},
        {kConfigs + "fourrooms_ppo.yaml --replay 0", "--replay needs a run folder"},
        {run + " --replay -1", "--replay"}}) {
    const CliResult r = testing::RunCli("view " + args + " --screenshot " + png);
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    CHECK_THAT(r.out, Contains(message));
  }
  CHECK_FALSE(std::filesystem::exists(png));

  if (!testing::HaveXvfb()) {
    WARN("skipped: xvfb-run is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  const RecordedEpisode episode = ReadRecordedEpisode(run + "/run.h5", 1);
  const int64_t frames = std::min<int64_t>(3, episode.Length());
  const CliResult r = testing::RunCliUnderXvfb("view " + run + " --replay 1 --screenshot " + png +
                                               " --frames " + std::to_string(frames));
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("replay of recorded episode 1 at step " + std::to_string(frames) +
                             " of " + std::to_string(episode.Length()) + ": rewards match"));

  // one env step per frame: the agent is where the recorded actions took it
  const ExperimentConfig config = LoadRunConfig(run);
  GridConfig grid_config;
  grid_config.layout = "FourRooms";
  const GridWorld grid(grid_config);
  const viewer::Rect scene = viewer::SceneRect(1280, 720);
  auto pixel = [&](const testing::Image& image, int s) {
    const viewer::Rect cell =
        viewer::GridCellRect(scene, grid.Rows(), grid.Cols(), grid.Cell(s).row, grid.Cell(s).col);
    return image.At(static_cast<int>(cell.CenterX()), static_cast<int>(cell.CenterY()));
  };
  const testing::Image image = testing::ReadPng(png);
  REQUIRE(image.width == 1280);
  const int now = StateAfter(config, episode, frames);
  CHECK(IsAgentColour(pixel(image, now)));
  const int start = StateAfter(config, episode, 0);
  if (start != now) CHECK_FALSE(IsAgentColour(pixel(image, start)));
}

}  // namespace
}  // namespace rl
