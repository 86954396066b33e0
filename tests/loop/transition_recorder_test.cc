// transitions.h5 as `rewardlab train` writes it with record_transitions: one row per transition,
// episodes that add up to the run file's, consecutive rows of a slot that chain s' to the next s,
// and the documented layout read by Debian's h5py.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/h5.h"
#include "core/run_file.h"
#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

// Runs `cmd` and returns its output; requires exit code 0.
std::string Output(const std::string& cmd) {
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  REQUIRE(pclose(pipe) == 0);
  return out;
}

TEST_CASE("rewardlab train records transitions that add up to the run file's episodes",
          "[rnd][smoke]") {
  testing::TempDir dir;
  const std::string run_dir = (dir.Path() / "run").string();
  const testing::CliResult train = testing::RunCli(
      "train " REWARDLAB_SOURCE_DIR
      "/experiments/configs/reward_free_rnd.yaml --quiet"
      " --set total_steps=2048 --set env.max_episode_steps=100 --set agent.num_steps=64"
      " --set eval.every_steps=0 --set eval.episodes=1 --set checkpoint.every_steps=1024 --out " +
      run_dir);
  INFO(train.out);
  REQUIRE(train.code == 0);
  const RunData run = ReadRunFile(run_dir + "/run.h5");
  const std::string path = run_dir + "/transitions.h5";
  const h5::File f = h5::File::OpenReadOnly(path, /*swmr=*/true);
  CHECK(f.ReadStringAttr("format") == "rewardlab-transitions");
  CHECK(f.ReadIntAttr("finished") == 1);
  const int n = static_cast<int>(f.ReadIntAttr("num_envs"));
  REQUIRE(n == 8);
  CHECK(f.Shape("obs") == h5::Dims{2048, 2});
  CHECK(f.Shape("action") == h5::Dims{2048, 1});
  CHECK(f.Shape("terms")[0] == 2048);

  // per-episode sums, in the order the episodes ended, equal the run file's rows exactly
  const std::vector<double> reward = f.Read<double>("env_reward");
  const std::vector<int64_t> episode = f.Read<int64_t>("episode");
  const std::vector<int64_t> episode_step = f.Read<int64_t>("episode_step");
  const std::vector<uint8_t> terminated = f.Read<uint8_t>("terminated");
  const std::vector<uint8_t> truncated = f.Read<uint8_t>("truncated");
  std::map<int64_t, double> sums;
  std::vector<double> returns;
  std::vector<int64_t> lengths;
  std::vector<uint8_t> ended_terminated;
  for (size_t r = 0; r < reward.size(); ++r) {
    sums[episode[r]] += reward[r];
    if (!terminated[r] && !truncated[r]) continue;
    returns.push_back(sums[episode[r]]);
    lengths.push_back(episode_step[r] + 1);
    ended_terminated.push_back(terminated[r]);
  }
  REQUIRE(returns.size() >= 16);
  CHECK(returns == run.episode_return);
  CHECK(lengths == run.episode_length);
  CHECK(ended_terminated == run.episode_terminated);

  // within an episode, a slot's s' is its next row's s
  const std::vector<float> obs = f.Read<float>("obs"), next_obs = f.Read<float>("next_obs");
  for (size_t r = 0; r + n < reward.size(); ++r) {
    if (terminated[r] || truncated[r]) continue;
    REQUIRE(episode[r + n] == episode[r]);
    REQUIRE(next_obs[2 * r] == obs[2 * (r + n)]);
    REQUIRE(next_obs[2 * r + 1] == obs[2 * (r + n) + 1]);
  }

  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) {
    WARN("skipped h5py: /usr/bin/python3 has no h5py (scripts/install-deps.sh installs it)");
    return;
  }
  const std::string out = Output(
      "/usr/bin/python3 " REWARDLAB_TEST_DATA_DIR "/read_transitions.py '" + path + "' 2>&1");
  INFO(out);
  const nlohmann::json j = nlohmann::json::parse(out);
  CHECK(j["attrs"]["format_version"] == 1);
  CHECK(j["attrs"]["env_id"] == "MountainCarContinuous-v0");
  CHECK(j["shapes"]["next_obs"] == nlohmann::json::array({2048, 2}));
  CHECK(j["dtypes"]["obs"] == "float32");
  CHECK(j["dtypes"]["terminated"] == "uint8");
  CHECK(j["lengths"].get<std::vector<int64_t>>() == run.episode_length);
  const std::vector<double> py_returns = j["returns"].get<std::vector<double>>();
  REQUIRE(py_returns.size() == run.episode_return.size());
  for (size_t i = 0; i < py_returns.size(); ++i) CHECK(py_returns[i] == run.episode_return[i]);
}

}  // namespace
}  // namespace rl
