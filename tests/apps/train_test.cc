// `rewardlab train` as a user runs it: the run folder, the run file, determinism, exact resume
// after `kill -9`, and one-line errors for bad input that leave no run folder behind.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/run_file.h"
#include "tests/support/cli.h"
#include "tests/support/run_data_checks.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

using Result = testing::CliResult;
using testing::RunCli;

using testing::ReadText;

// The finished checkpoints of a run (not the temporary file of one being written).
std::vector<std::string> Checkpoints(const fs::path& run) {
  std::vector<std::string> names;
  if (!fs::is_directory(run / "checkpoints")) return names;
  for (const auto& e : fs::directory_iterator(run / "checkpoints")) {
    if (e.path().extension() == ".h5") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST_CASE("train writes a complete run folder that h5py can read", "[smoke]") {
  testing::TempDir tmp;
  const fs::path run = tmp.Path() / "run";
  const Result r = RunCli("train --out " + run.string() +
                          " --set total_steps=3000 --set eval.every_steps=1000 --quiet");
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK(fs::is_regular_file(run / "config.yaml"));
  CHECK(fs::is_regular_file(run / "run.h5"));
  CHECK(Checkpoints(run) == std::vector<std::string>{"step_000000003000.h5"});
  const std::string console = ReadText(run / "console.log");
  CHECK_THAT(console, Contains("train cartpole_ppo: ppo on CartPole-v1, 3000 steps, seed 0"));
  CHECK_THAT(console, Contains("eval step=3000 return_mean="));
  CHECK_THAT(ReadText(run / "config.yaml"), Contains("total_steps: 3000"));
  // --quiet: the evaluation lines only, no progress line
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 4);

  const RunData d = ReadRunFile((run / "run.h5").string());
  CHECK(d.finished);
  CHECK(d.info.env_id == "CartPole-v1");
  CHECK(d.info.agent_type == "ppo");
  CHECK(d.info.seed == 0);
  CHECK_THAT(d.info.config, Contains("total_steps: 3000"));
  CHECK(d.layout.eval_episodes == 10);
  // every episode ended inside the 3000 steps, in order
  REQUIRE(d.episode_step.size() > 50);
  CHECK(std::is_sorted(d.episode_step.begin(), d.episode_step.end()));
  CHECK(d.episode_step.back() <= 3000);
  for (size_t i = 0; i < d.episode_step.size(); ++i) {
    CHECK(d.episode_return[i] == static_cast<double>(d.episode_length[i]));
  }
  // evaluations after 1000 and 2000 steps, then the final one at 3000 (none twice at the end)
  CHECK(d.eval_step == std::vector<int64_t>{1000, 2000, 3000});
  REQUIRE(d.eval_returns.size() == 30);
  // CleanRL's metric names, one row per update: 3000 / 8 envs = 375 steps = 11 rollouts of 32
  REQUIRE(d.metrics.count("charts"));
  REQUIRE(d.metrics.count("losses"));
  CHECK(d.metrics.size() == 2);
  const MetricColumns& charts = d.metrics.at("charts");
  const MetricColumns& losses = d.metrics.at("losses");
  CHECK(charts.values.count("SPS"));
  CHECK(charts.values.count("learning_rate"));
  for (const char* name : {"value_loss", "policy_loss", "entropy", "old_approx_kl", "approx_kl",
                           "clipfrac", "explained_variance"}) {
    INFO(name);
    CHECK(losses.values.count(name));
  }
  CHECK(losses.step.size() == 11);
  CHECK(losses.step.front() == 256);
  CHECK(losses.step.back() == 2816);
  CHECK(charts.values.at("learning_rate").front() == Approx(1.5e-3));  // the shipped lr

  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) {
    WARN("h5py check skipped: /usr/bin/python3 has no h5py");
    return;
  }
  const std::string cmd = "/usr/bin/python3 " REWARDLAB_TEST_DATA_DIR "/read_run_file.py '" +
                          (run / "run.h5").string() + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  REQUIRE(pclose(pipe) == 0);
  const nlohmann::json j = nlohmann::json::parse(out);
  CHECK(j["attrs"]["format"] == "rewardlab-run");
  CHECK(j["attrs"]["format_version"] == 1);
  CHECK(j["attrs"]["finished"] == 1);
  CHECK(j["attrs"]["seed"] == 0);
  CHECK(j["attrs"]["env_id"] == "CartPole-v1");
  CHECK(j["episodes"]["return"].get<std::vector<double>>() == d.episode_return);
  CHECK(j["eval_return_mean"].get<std::vector<double>>() == d.eval_return_mean);
  CHECK(j["eval_returns_shape"] == nlohmann::json({3, 10}));
}

TEST_CASE("train runs with the same seed write identical rows", "[smoke]") {
  testing::TempDir tmp;
  const std::string args = " --set total_steps=4000 --set eval.every_steps=2000 --quiet";
  REQUIRE(RunCli("train --out " + (tmp.Path() / "a").string() + args).code == 0);
  REQUIRE(RunCli("train --out " + (tmp.Path() / "b").string() + args).code == 0);
  REQUIRE(RunCli("train --out " + (tmp.Path() / "c").string() + args + " --seed 1").code == 0);
  const RunData a = ReadRunFile((tmp.Path() / "a/run.h5").string());
  const RunData b = ReadRunFile((tmp.Path() / "b/run.h5").string());
  const RunData c = ReadRunFile((tmp.Path() / "c/run.h5").string());
  REQUIRE(a.eval_step.size() == 2);
  testing::CheckSameRows(a, b);
  CHECK(c.info.seed == 1);
  CHECK_FALSE(testing::SameColumn(a.episode_length, c.episode_length));
}

TEST_CASE("train resumed after kill -9 ends bit-identical to an uninterrupted run", "[smoke]") {
  // (and a resume while the run is still being written is refused; the lock dies with the kill)
  testing::TempDir tmp;
  const fs::path killed = tmp.Path() / "killed", whole = tmp.Path() / "whole";
  const std::string sets =
      " --set total_steps=200000 --set checkpoint.every_steps=20000"
      " --set eval.every_steps=50000 --set eval.episodes=4 --quiet";

  // start in the background, kill as soon as the first checkpoint exists
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDOUT_FILENO);
    dup2(null_fd, STDERR_FILENO);
    const std::string command =
        std::string("exec ") + REWARDLAB_BINARY + " train --out " + killed.string() + sets;
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool exited = false;
  int status = 0;
  while (Checkpoints(killed).empty() && std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  // while it runs, a second writer is refused with one line naming the first
  Result second;
  if (!exited) {
    second = RunCli("train --resume " + killed.string() + " --quiet");
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  INFO(second.out);
  CHECK(second.code == 2);
  CHECK_THAT(second.out, Contains("another rewardlab process is writing this run"));
  CHECK_THAT(second.out, Contains("(pid " + std::to_string(pid) + ")"));
  CHECK(std::count(second.out.begin(), second.out.end(), '\n') == 1);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  const std::vector<std::string> left = Checkpoints(killed);
  INFO("checkpoints at the kill: " << left.size());
  REQUIRE_FALSE(left.empty());
  CHECK(left.back() != "step_000000200000.h5");
  CHECK_FALSE(ReadRunFile((killed / "run.h5").string()).finished);

  const Result resumed = RunCli("train --resume " + killed.string() + " --quiet");
  INFO(resumed.out);
  REQUIRE(resumed.code == 0);
  CHECK_THAT(resumed.out, Contains("from step"));
  REQUIRE(RunCli("train --out " + whole.string() + sets).code == 0);

  const RunData a = ReadRunFile((killed / "run.h5").string());
  const RunData b = ReadRunFile((whole / "run.h5").string());
  CHECK(a.finished);
  CHECK(b.finished);
  CHECK(a.eval_step == std::vector<int64_t>{50000, 100000, 150000, 200000});
  CHECK(a.metrics.at("losses").step.size() == 781);
  testing::CheckSameRows(a, b);
  CHECK(Checkpoints(killed) == Checkpoints(whole));
}

// Bad input: exit code 2, one line naming the problem, and no run folder.
void ExpectRejected(const std::string& args, const fs::path& out,
                    const std::vector<std::string>& needles) {
  const Result r = RunCli("train " + args);
  INFO("train " << args << "\n" << r.out);
  CHECK(r.code == 2);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  CHECK_THAT(r.out, Contains("error"));
  for (const std::string& n : needles) CHECK_THAT(r.out, Contains(n));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("train rejects bad input with one line - exit code 2 and no run folder", "[smoke]") {
  testing::TempDir tmp;
  const fs::path out = tmp.Path() / "never";
  const std::string to = " --out " + out.string();
  const std::string unknown_key =
      tmp.Write("unknown.yaml", "seed: 1\nagent:\n  type: ppo\n  learning_rate: 0.1\n");
  ExpectRejected(unknown_key + to, out, {"unknown.yaml:4", "learning_rate"});
  ExpectRejected("--set agent.lr=-1" + to, out, {"agent.lr"});
  ExpectRejected("--set agent.num_steps=abc" + to, out, {"agent.num_steps", "abc"});
  const std::string sac_cartpole =
      tmp.Write("sac.yaml", "env: {id: CartPole-v1}\nagent: {type: sac}\n");
  ExpectRejected(sac_cartpole + to, out, {"sac", "Discrete(2)", "CartPole-v1"});
  // the built-in config's PPO options do not fit another type
  ExpectRejected("--set agent.type=sac" + to, out, {"agent.num_steps"});
  ExpectRejected("--set agent.type=dqn" + to, out, {"agent.type", "dqn"});
  // reward modules: unknown type, a potential that does not fit the env, weights
  const std::string bad_reward =
      tmp.Write("reward.yaml",
                "reward:\n  - {type: env}\n  - {type: pbrs, potential: {type: grid_distance}}\n");
  ExpectRejected(bad_reward + to, out, {"reward.yaml:3", "reward[1].potential.type", "gridworld"});
  ExpectRejected("--set 'reward=[{type: pbs}]'" + to, out, {"reward[0].type", "pbrs"});
  ExpectRejected("--set 'reward=[{type: env, weight: .nan}]'" + to, out, {"reward[0].weight"});
  ExpectRejected("--set 'reward=[{type: env, weight: -2}]'" + to, out, {"reward[0].weight"});
  ExpectRejected("--resume " + out.string(), out, {"not a run folder"});
  // a folder that exists but holds no run stays as it was
  const fs::path empty = tmp.Path() / "empty";
  fs::create_directories(empty);
  ExpectRejected("--resume " + empty.string(), out, {"not a run folder"});
  CHECK(fs::is_empty(empty));

  // a finished run: neither --resume with --set nor --out onto it touches it
  const fs::path run = tmp.Path() / "run";
  REQUIRE(RunCli("train --out " + run.string() + " --set total_steps=500 --quiet").code == 0);
  const auto before = fs::last_write_time(run / "run.h5");
  const std::string config_before = ReadText(run / "config.yaml");
  const std::string console_before = ReadText(run / "console.log");
  const std::vector<std::string> checkpoints_before = Checkpoints(run);
  ExpectRejected("--resume " + run.string() + " --set total_steps=1000", out, {"--resume"});
  ExpectRejected("--out " + run.string() + " --set total_steps=1000", out, {"already holds a run"});
  CHECK(fs::last_write_time(run / "run.h5") == before);
  CHECK(ReadText(run / "config.yaml") == config_before);
  CHECK(ReadText(run / "console.log") == console_before);
  CHECK(Checkpoints(run) == checkpoints_before);
  CHECK(ReadRunFile((run / "run.h5").string()).finished);
}

// Resuming a finished run is refused with a one-line error and leaves the run as it is.
TEST_CASE("train --resume on a finished run leaves its rows as they are", "[smoke]") {
  testing::TempDir tmp;
  const fs::path run = tmp.Path() / "run";
  REQUIRE(RunCli("train --out " + run.string() +
                 " --set total_steps=3000 --set eval.every_steps=1000 --quiet")
              .code == 0);
  const RunData before = ReadRunFile((run / "run.h5").string());
  REQUIRE(before.eval_step.size() == 3);
  const Result r = RunCli("train --resume " + run.string() + " --quiet");
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK_THAT(r.out, Catch::Matchers::Contains("nothing to resume"));
  const RunData after = ReadRunFile((run / "run.h5").string());
  CHECK(after.finished);
  CHECK(after.eval_step == before.eval_step);
  testing::CheckSameRows(before, after);
}

}  // namespace
}  // namespace rl
