// `rewardlab view` on a run still being written, and its one-line errors (exit 2) for bad input.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/h5.h"
#include "core/run_file.h"
#include "tests/support/temp_dir.h"
#include "tests/support/viewer.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using testing::CliResult;

const std::string kCartpole =
    std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/cartpole_ppo.yaml";

bool HasCheckpoint(const fs::path& run) {
  if (!fs::is_directory(run / "checkpoints")) return false;
  for (const auto& e : fs::directory_iterator(run / "checkpoints")) {
    if (e.path().extension() == ".h5") return true;
  }
  return false;
}

// one line on stderr, exit 2
void CheckOneLineError(const CliResult& r, const std::string& fragment) {
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  CHECK_THAT(r.out, Contains("rewardlab: error: ") && Contains(fragment));
}

TEST_CASE("view follows a run that is still training", "[viewer]") {
  if (!testing::HaveXvfb()) {
    WARN("skipped: xvfb-run is not installed (scripts/install-deps.sh installs it)");
    return;
  }
  testing::TempDir tmp;
  const fs::path run = tmp.Path() / "run";
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    const std::string command = std::string("exec ") + REWARDLAB_BINARY + " train --out " +
                                run.string() +
                                " --set total_steps=10000000 --set eval.every_steps=2048"
                                " --set eval.episodes=2 --set checkpoint.every_steps=2048 --quiet";
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!HasCheckpoint(run) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const bool started = HasCheckpoint(run);
  CliResult r;
  if (started) {
    r = testing::RunCliUnderXvfb("view " + run.string() + " --screenshot " +
                                 (tmp.Path() / "live.png").string() + " --frames 20");
  }
  // the trainer was still running: the viewer read a file under SWMR writing
  int status = 0;
  const bool still_running = waitpid(pid, &status, WNOHANG) == 0;
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  REQUIRE(started);
  INFO(r.out);
  CHECK(still_running);
  CHECK(r.code == 0);
  CHECK(testing::ReadPng((tmp.Path() / "live.png").string()).width == 1280);
  CHECK_FALSE(ReadRunFile((run / "run.h5").string()).finished);
}

TEST_CASE("view rejects bad input with one line and exit 2", "[viewer]") {
  testing::TempDir tmp;
  const std::string png = (tmp.Path() / "x.png").string();
  CheckOneLineError(
      testing::RunCli("view " + (tmp.Path() / "nope").string() + " --screenshot " + png),
      "no such run folder or config");

  // a folder without a run
  fs::create_directories(tmp.Path() / "empty");
  CheckOneLineError(testing::RunCli("view " + (tmp.Path() / "empty").string()), "not a run folder");

  // a corrupt run file
  const fs::path corrupt = tmp.Path() / "corrupt";
  fs::create_directories(corrupt);
  fs::copy_file(kCartpole, corrupt / "config.yaml");
  tmp.Write("corrupt/run.h5", "this is not HDF5\n");
  CheckOneLineError(testing::RunCli("view " + corrupt.string() + " --screenshot " + png),
                    "not an HDF5 file");

  // a run file of another format version
  const fs::path v2 = tmp.Path() / "v2";
  fs::create_directories(v2);
  fs::copy_file(kCartpole, v2 / "config.yaml");
  RunFile::Create((v2 / "run.h5").string(), RunInfo{}, RunLayout{}).Close();
  h5::File::OpenReadWrite((v2 / "run.h5").string()).WriteIntAttr("format_version", 2);
  CheckOneLineError(testing::RunCli("view " + v2.string() + " --screenshot " + png),
                    "format version 2 is not supported");

  // an unknown heat map
  CheckOneLineError(testing::RunCli("view " + kCartpole + " --heat nope --screenshot " + png),
                    "--heat: 'nope' is not one of none, visits, value, potential");

  // no display: suggest --screenshot under xvfb-run
  CheckOneLineError(testing::RunCli("view " + kCartpole, "env -u DISPLAY "), "xvfb-run");
  CHECK_FALSE(fs::exists(png));
}

}  // namespace
}  // namespace rl
