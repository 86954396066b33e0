// `rewardlab sweep` with bad input: one line saying what, where and how to fix it, exit code 2,
// no sweep folder created and an existing manifest left byte for byte as it was.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using testing::RunCli;

constexpr const char* kTinyConfig = R"(name: tiny
total_steps: 2048
env: {id: CartPole-v1, num_envs: 8}
agent: {type: ppo, num_steps: 32, lr: 1.0e-3}
)";

using testing::ReadText;

TEST_CASE("sweep rejects bad input with one line - exit code 2 and nothing written",
          "[sweep][smoke]") {
  testing::TempDir tmp;
  const std::string config = tmp.Write("tiny.yaml", kTinyConfig);
  const fs::path sweep = tmp.Path() / "sweep";
  auto one_line_error = [](const testing::CliResult& r, const std::string& what) {
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    CHECK_THAT(r.out, Contains(what));
  };

  one_line_error(RunCli("sweep " + config + " --seeds 0:2 --grid agent.no_such_key=1,2 --out " +
                        sweep.string()),
                 "no_such_key");
  one_line_error(
      RunCli("sweep " + config + " --seeds 0:2 --grid agent.lr=1e-3,-1 --out " + sweep.string()),
      "agent.lr=-1");
  one_line_error(RunCli("sweep " + config + " --seeds 2:2 --out " + sweep.string()), "--seeds");
  one_line_error(
      RunCli("sweep " + config + " --seeds 0:2 --cpus-per-task 0 --out " + sweep.string()),
      "--cpus-per-task");
  const std::string bad_slurm =
      tmp.Write("bad_slurm.yaml", std::string(kTinyConfig) + "slurm: {throttle: -1}\n");
  one_line_error(RunCli("sweep " + bad_slurm + " --seeds 0:2 --out " + sweep.string()),
                 "bad_slurm.yaml:5: key 'slurm.throttle'");
  CHECK_FALSE(fs::exists(sweep));

  // no SLURM on the PATH
  const std::string path = std::getenv("PATH");
  setenv("PATH", "/nonexistent", 1);
  const testing::CliResult slurm =
      RunCli("sweep " + config + " --seeds 0:2 --backend slurm --out " + sweep.string());
  setenv("PATH", path.c_str(), 1);
  one_line_error(slurm, "sbatch not found");
  CHECK_FALSE(fs::exists(sweep));

  // an unwritable sweep folder (below a file: root may write anywhere else)
  const std::string file = tmp.Write("file", "x");
  one_line_error(RunCli("sweep " + config + " --seeds 0:1 --out " + file + "/sweep"),
                 "cannot create the sweep folder");

  // a manifest of another format version, and a broken one, are left as they are
  fs::create_directories(sweep);
  const std::string other = R"({"format": "rewardlab-sweep", "format_version": 2, "runs": []})";
  const std::string manifest = tmp.Write("sweep/sweep.json", other);
  one_line_error(RunCli("sweep --resume " + sweep.string()), "sweep format version 2");
  CHECK(ReadText(manifest) == other);
  tmp.Write("sweep/sweep.json", "{\"format\": \"rewardlab-sweep\", ");
  one_line_error(RunCli("sweep --resume " + sweep.string()), "broken sweep manifest");
  one_line_error(RunCli("sweep --resume " + sweep.string() + " --seeds 0:2"), "--resume");
  one_line_error(RunCli("sweep " + config + " --seeds 0:1 --out " + sweep.string()),
                 "already holds a sweep");
  CHECK(ReadText(manifest) == "{\"format\": \"rewardlab-sweep\", ");
}

}  // namespace
}  // namespace rl
