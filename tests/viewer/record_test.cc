// `rewardlab record` under Xvfb: one episode as an MP4 through ffmpeg, checked with ffprobe.
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/support/temp_dir.h"
#include "tests/support/viewer.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using testing::CliResult;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

// "width,height,frames" of the video stream, as ffprobe counts them
std::string Probe(const std::string& path) {
  const std::string cmd =
      "ffprobe -v error -count_frames -select_streams v:0 -show_entries "
      "stream=width,height,nb_read_frames -of csv=p=0 '" +
      path + "'";
  FILE* pipe = popen(cmd.c_str(), "r");
  char buf[128] = {0};
  const size_t n = pipe ? std::fread(buf, 1, sizeof(buf) - 1, pipe) : 0;
  if (pipe) pclose(pipe);
  std::string out(buf, n);
  while (!out.empty() && (out.back() == '\n' || out.back() == ',')) out.pop_back();
  return out;
}

TEST_CASE("record writes one episode as an MP4", "[viewer]") {
  if (!testing::HaveXvfb() || std::system("command -v ffmpeg >/dev/null 2>&1") != 0) {
    WARN("skipped: xvfb-run or ffmpeg is not installed (scripts/install-deps.sh installs them)");
    return;
  }
  testing::TempDir tmp;
  const std::string mp4 = (tmp.Path() / "fourrooms.mp4").string();
  // 25 frames of an untrained policy: the reset state, then one step per frame, cut before the
  // episode ends
  const CliResult r = testing::RunCliUnderXvfb("record " + kConfigs + "fourrooms_ppo.yaml --out " +
                                               mp4 + " --max-frames 25 --fps 10");
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out,
             Contains("wrote " + mp4 + " (1280x720, 25 frames at 10 fps, episode 0: 24 steps"));
  CHECK(Probe(mp4) == "1280,720,25");

  // an episode that ends early stops the video there: Hopper falls under an untrained policy
  const std::string hopper = (tmp.Path() / "hopper.mp4").string();
  const CliResult h =
      testing::RunCliUnderXvfb("record " + kConfigs + "hopper_ppo.yaml --out " + hopper);
  INFO(h.out);
  REQUIRE(h.code == 0);
  CHECK(std::filesystem::file_size(hopper) > 0);
  CHECK_THAT(Probe(hopper), Contains("1280,720,"));
}

TEST_CASE("record rejects a missing source with one line and exit 2", "[viewer]") {
  const CliResult r = testing::RunCli("record /nonexistent --out x.mp4");
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK_THAT(r.out, Contains("no such run folder or config"));
  CHECK_FALSE(std::filesystem::exists("x.mp4"));
}

}  // namespace
}  // namespace rl
