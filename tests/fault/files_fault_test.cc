// Faults of files: a full disk (tmpfs mounted by the test) for checkpoints, the run file, rollout
// and export; damaged run files and checkpoints for every reader; special files as --out.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/checkpoint.h"
#include "core/error.h"
#include "core/h5.h"
#include "core/run_file.h"
#include "envs/action_file.h"
#include "envs/registry.h"
#include "loop/checkpointer.h"
#include "tests/fault/files_fault_support.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using testing::ExpectOneLineError;
using testing::RunBounded;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

// The files of a folder whose name ends in `suffix`.
std::vector<std::string> FilesEndingIn(const fs::path& dir, const std::string& suffix) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() >= suffix.size() && name.ends_with(suffix)) out.push_back(e.path().string());
  }
  return out;
}

// Whether the run file says finished=1 (a damaged one does not).
bool MarkedFinished(const std::string& path) {
  try {
    return ReadRunFile(path).finished;
  } catch (const UserError&) {
    return false;
  }
}

// Runs `rewardlab ARGS` with stdout on /dev/full; the result holds stderr.
testing::CliResult RunToFullStdout(const std::string& args) {
  testing::CliResult r;
  const std::string cmd =
      std::string("timeout -s KILL 20 ") + REWARDLAB_BINARY + " " + args + " 2>&1 >/dev/full";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST_CASE("a full disk never costs the last good checkpoint", "[fault]") {
  testing::TempDir dir;
  testing::Tmpfs full(dir.Path() / "full", "2m");
  RL_REQUIRE_TMPFS(full);
  const fs::path run = full.Path() / "run1";
  const auto t = RunBounded(
      "train " + kConfigs + "pendulum_sac.yaml --quiet --set checkpoint.every_steps=1000 --out " +
          run.string(),
      60);
  testing::ExpectLastLineError(t.r,
                               "cannot write checkpoint: No space left on device; the last good "
                               "checkpoint step_");
  CHECK(FilesEndingIn(run, ".tmp").empty());
  // the newest checkpoint left is complete and its checksum holds
  const std::string latest = Checkpointer::Latest((run / "checkpoints").string());
  REQUIRE(!latest.empty());
  CHECK_NOTHROW(ckpt::VerifyChecksum(h5::File::OpenReadOnly(latest)));
  CHECK(h5::File::OpenReadOnly(latest).HasAttr(ckpt::kChecksumAttr));
  CHECK_FALSE(MarkedFinished((run / "run.h5").string()));
}

TEST_CASE("a full disk stops the run file's writer with one line", "[fault]") {
  testing::TempDir dir;
  testing::Tmpfs full(dir.Path() / "full", "2m");
  RL_REQUIRE_TMPFS(full);
  full.Fill(96 * 1024);
  const fs::path run = full.Path() / "run1";
  const auto t = RunBounded("train " + kConfigs +
                                "cartpole_ppo.yaml --quiet --set total_steps=200000 --set "
                                "checkpoint.every_steps=0 --out " +
                                run.string(),
                            60);
  testing::ExpectLastLineError(t.r, "run.h5: cannot flush (No space left on device)");
  CHECK_FALSE(MarkedFinished((run / "run.h5").string()));
}

TEST_CASE("rollout and export on a full disk leave nothing behind", "[fault]") {
  testing::TempDir dir;
  // a small finished run to export, made before the disk fills
  const fs::path run = dir.Path() / "run";
  REQUIRE(RunBounded("train " + kConfigs +
                         "cartpole_ppo.yaml --quiet --set total_steps=2048 "
                         "--out " +
                         run.string(),
                     60)
              .r.code == 0);
  std::string many;
  for (int i = 0; i < 400; ++i) many += "1\n";
  const std::string actions = dir.Write("a.txt", many);
  testing::Tmpfs full(dir.Path() / "full", "1m");
  RL_REQUIRE_TMPFS(full);
  full.Fill(0);

  const fs::path csv = full.Path() / "out.csv";
  ExpectOneLineError(
      RunBounded("rollout Pendulum-v1 --actions " + actions + " --out " + csv.string()).r,
      "No space left on device");
  CHECK_FALSE(fs::exists(csv));
  CHECK(FilesEndingIn(full.Path(), ".tmp").empty());

  const fs::path out = full.Path() / "csv";
  fs::create_directories(out);
  ExpectOneLineError(RunBounded("export " + run.string() + " --csv --out " + out.string()).r,
                     "No space left on device");
  CHECK(FilesEndingIn(full.Path(), ".tmp").empty());
}

TEST_CASE("special files as --out are refused and left untouched", "[fault]") {
  testing::TempDir dir;
  const std::string actions = dir.Write("a.txt", "1\n0\n");
  const std::string rollout = "rollout CartPole-v1 --actions " + actions;
  // a symbolic link: neither it nor its target changes
  const std::string target = dir.Write("target.txt", "keep me\n");
  const fs::path link = dir.Path() / "link.csv";
  fs::create_symlink(target, link);
  ExpectOneLineError(RunBounded(rollout + " --out " + link.string()).r, "symbolic link");
  CHECK(fs::is_symlink(link));
  std::ifstream in(target);
  std::stringstream kept;
  kept << in.rdbuf();
  CHECK(kept.str() == "keep me\n");
  // a FIFO stays a FIFO (and nothing blocks on it)
  const fs::path fifo = dir.Path() / "fifo.csv";
  REQUIRE(mkfifo(fifo.c_str(), 0644) == 0);
  ExpectOneLineError(RunBounded(rollout + " --out " + fifo.string()).r, "FIFO");
  CHECK(fs::is_fifo(fifo));
  // a device, and a folder
  ExpectOneLineError(RunBounded(rollout + " --out /dev/full").r, "/dev/full: is a device");
  ExpectOneLineError(RunBounded(rollout + " --out " + dir.Path().string()).r, "folder");
  CHECK(fs::is_directory(dir.Path()));
  CHECK(FilesEndingIn(dir.Path(), ".tmp").empty());
  // stdout that cannot be written (stderr still reaches the test)
  ExpectOneLineError(RunToFullStdout(rollout), "stdout: cannot write (No space left on device)");
}

TEST_CASE("the action-file reader rejects non-finite values and absurd sizes", "[fault]") {
  testing::TempDir dir;
  const EnvSpec pendulum = MakeEnv("Pendulum-v1")->Spec();
  const EnvSpec cartpole = MakeEnv("CartPole-v1")->Spec();
  CHECK(ReadActionFile(dir.Write("ok.txt", "# c\n0.5\n\n-1\n"), pendulum).size() == 2);
  CHECK_THROWS_WITH(ReadActionFile(dir.Write("nan.txt", "0.5\nnan\n"), pendulum),
                    Catch::Contains("nan.txt:2: 'nan' is not a finite number"));
  CHECK_THROWS_WITH(ParseActionText("inf\n", "t", pendulum), Catch::Contains("t:1: 'inf'"));
  CHECK_THROWS_WITH(ParseActionText("1e999\n", "t", pendulum), Catch::Contains("t:1"));
  CHECK_THROWS_WITH(ParseActionText("2\n", "t", cartpole), Catch::Contains("not a valid index"));
  CHECK_THROWS_WITH(ParseActionText(std::string(kMaxActionLineBytes + 1, '1'), "t", pendulum),
                    Catch::Contains("t:1: line longer than"));
  // a file without newlines is refused at the line limit, not read to its end
  CHECK_THROWS_WITH(ReadActionFile("/dev/zero", pendulum), Catch::Contains("line longer than"));
  CHECK_THROWS_WITH(ReadActionFile(dir.Path().string(), pendulum), Catch::Contains("folder"));
}

TEST_CASE("rollout stops on non-finite observations and names divergences", "[fault]") {
  testing::TempDir dir;
  const std::string actions = dir.Write("a.txt", "0\n0\n0\n");
  ExpectOneLineError(RunBounded("rollout Acrobot-v1 --actions " + actions +
                                " --init-state 1e308,1e308,1e308,1e308")
                         .r,
                     "obs_4 is inf after the reset");
  // a MuJoCo divergence is truncated and said so on stderr, with exit code 0
  const std::string hopper = dir.Write("h.txt", "1,1,1\n1,1,1\n");
  const auto t = RunBounded("rollout Hopper-v4 --actions " + hopper +
                            " --init-state 0,1.25,0,0,0,0,1e5,1e5,1e5,1e5,1e5,1e5");
  INFO(t.r.out);
  CHECK(t.r.code == 0);
  CHECK(t.r.out.find("# diverged at step 0: Hopper-v4") != std::string::npos);
  CHECK(t.r.out.find(",0,0,1,0,0,0\n") != std::string::npos);  // truncated, zero terms
}

}  // namespace
}  // namespace rl
