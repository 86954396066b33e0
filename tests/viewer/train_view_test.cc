// `rewardlab train --view` under Xvfb: the window draws a run training on a worker thread, writes
// its picture, and the run still finishes; bad --view input is one line and exit 2, before a run
// folder exists.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/run_file.h"
#include "tests/support/temp_dir.h"
#include "tests/support/viewer.h"
#include "viewer/layout.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using testing::CliResult;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

TEST_CASE("train --view --screenshot draws the training run and lets it finish", "[viewer]") {
  if (!testing::HaveXvfb()) {
    WARN("skipped: xvfb-run is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  testing::TempDir tmp;
  const std::string run = (tmp.Path() / "run").string(), png = (tmp.Path() / "live.png").string();
  const CliResult r = testing::RunCliUnderXvfb(
      "train " + kConfigs + "fourrooms_ppo.yaml --out " + run +
      " --set total_steps=8192 --set eval.every_steps=4096 --set eval.episodes=2 --quiet"
      " --view --screenshot " +
      png + " --frames 10");
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("wrote " + png + " (1280x720, "));
  const testing::Image image = testing::ReadPng(png);
  REQUIRE(image.width == 1280);
  REQUIRE(image.height == 720);
  const int scene_w = static_cast<int>(viewer::SceneRect(1280, 720).w);
  CHECK(image.Variance(0, scene_w) > 100);
  CHECK(image.Variance(scene_w, 1280) > 100);
  // the whole run, closed as finished
  const RunData d = ReadRunFile(run + "/run.h5");
  CHECK(d.finished);
  CHECK(d.eval_step == std::vector<int64_t>{4096, 8192});
  std::ifstream log(run + "/console.log");
  std::stringstream text;
  text << log.rdbuf();
  CHECK_THAT(text.str(), Contains("eval step=8192"));
}

TEST_CASE("train --view rejects bad input with one line and exit 2, writing nothing", "[viewer]") {
  testing::TempDir tmp;
  const std::string run = (tmp.Path() / "run").string();
  const std::string train = "train " + kConfigs + "fourrooms_ppo.yaml --out " + run;
  for (const auto& [r, message] :
       {std::pair{testing::RunCli(train + " --screenshot x.png"), std::string("--view")},
        {testing::RunCli(train + " --view --frames 0"), "--frames"},
        {testing::RunCli(train + " --view", "env -u DISPLAY "), "no display available"}}) {
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    CHECK_THAT(r.out, Contains(message));
  }
  CHECK_FALSE(fs::exists(run));
  CHECK_FALSE(fs::exists("x.png"));
}

}  // namespace
}  // namespace rl
