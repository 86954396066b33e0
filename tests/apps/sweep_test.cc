// `rewardlab sweep`, `plot` and `export` as a user runs them: a local seed x grid sweep and its
// manifest, SIGTERM or SIGKILL to a sweep and `sweep --resume` finishing every run exactly once
// with the rows of an uninterrupted run (bad input: sweep_errors_test.cc).
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
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
using testing::RunCli;

// CartPole PPO in a few seconds: 8 envs x 32 steps per update.
constexpr const char* kTinyConfig = R"(name: tiny
seed: 0
total_steps: 2048
env: {id: CartPole-v1, num_envs: 8}
agent: {type: ppo, num_steps: 32, num_minibatches: 4, update_epochs: 2, lr: 1.0e-3}
eval: {every_steps: 512, episodes: 3}
checkpoint: {every_steps: 512}
)";

using testing::ReadText;

nlohmann::json Manifest(const fs::path& sweep) {
  return nlohmann::json::parse(ReadText(sweep / "sweep.json"));
}

size_t CountLines(const std::string& text, const std::string& prefix) {
  size_t n = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) n += line.starts_with(prefix);
  return n;
}

size_t CountRows(const fs::path& csv) {
  const std::string text = ReadText(csv);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST_CASE("a local sweep of 2 seeds x 2 grid values finishes with a complete manifest",
          "[sweep][smoke]") {
  testing::TempDir tmp;
  const std::string config = tmp.Write("tiny.yaml", kTinyConfig);
  const fs::path sweep = tmp.Path() / "sweep";
  const testing::CliResult r =
      RunCli("sweep " + config + " --seeds 3:5 --grid agent.lr=1e-3,2e-3 --jobs 2 --out " +
             sweep.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("4 of 4 runs finished"));

  const nlohmann::json m = Manifest(sweep);
  CHECK(m["format"] == "rewardlab-sweep");
  CHECK(m["backend"] == "local");
  CHECK(m["jobs"] == 2);
  REQUIRE(m["runs"].size() == 4);
  const std::vector<std::string> lrs = {"1e-3", "1e-3", "2e-3", "2e-3"};
  for (int i = 0; i < 4; ++i) {
    const nlohmann::json& run = m["runs"][i];
    INFO("run " << i);
    CHECK(run["status"] == "finished");
    CHECK(run["attempts"] == 1);
    CHECK(run["exit_code"] == 0);
    CHECK(run["seed"] == 3 + i % 2);
    CHECK(run["overrides"] == std::vector<std::string>{"agent.lr=" + lrs[i]});
    const fs::path dir = sweep / run["run_dir"].get<std::string>();
    const RunData d = ReadRunFile((dir / "run.h5").string());
    CHECK(d.finished);
    CHECK(d.info.seed == 3 + i % 2);
    CHECK_THAT(d.info.config, Contains(i < 2 ? "lr: 0.001" : "lr: 0.002"));
    CHECK(CountLines(ReadText(dir / "console.log"), "train ") == 1);
  }

  // a run of the sweep has the rows of the same run trained directly
  const fs::path direct = tmp.Path() / "direct";
  REQUIRE(
      RunCli("train " + config + " --seed 4 --set agent.lr=2e-3 --quiet --out " + direct.string())
          .code == 0);
  testing::CheckSameRows(
      ReadRunFile((sweep / m["runs"][3]["run_dir"].get<std::string>() / "run.h5").string()),
      ReadRunFile((direct / "run.h5").string()));

  // plot: a figure, and a table row per grid point with both seeds
  const testing::CliResult p =
      RunCli("plot " + sweep.string() + " --out " + (tmp.Path() / "fig.png").string() +
             " --iqm --terms --threshold 20");
  INFO(p.out);
  REQUIRE(p.code == 0);
  CHECK(fs::file_size(tmp.Path() / "fig.png") > 1000);
  CHECK(fs::file_size(tmp.Path() / "fig_terms.png") > 1000);
  const std::string table = ReadText(tmp.Path() / "fig.csv");
  CHECK(CountRows(tmp.Path() / "fig.csv") == 3);
  CHECK_THAT(table, Contains("tiny agent.lr=1e-3,2,"));
  CHECK_THAT(table, Contains("tiny agent.lr=2e-3,2,"));
  CHECK_THAT(ReadText(tmp.Path() / "fig.md"), Contains("| tiny agent.lr=2e-3 | 2 |"));

  // export: one CSV row per episode and per evaluation
  const fs::path csv = tmp.Path() / "csv";
  const testing::CliResult e = RunCli("export " + direct.string() + " --csv --out " + csv.string());
  INFO(e.out);
  REQUIRE(e.code == 0);
  const RunData d = ReadRunFile((direct / "run.h5").string());
  CHECK(CountRows(csv / "episodes.csv") == d.episode_step.size() + 1);
  CHECK(CountRows(csv / "eval.csv") == d.eval_step.size() + 1);
  CHECK_THAT(ReadText(csv / "eval.csv"), Contains("step,return_mean,return_std,return_0,"));
  size_t metric_rows = 0;
  for (const auto& [group, columns] : d.metrics)
    metric_rows += columns.step.size() * columns.values.size();
  CHECK(CountRows(csv / "metrics.csv") == metric_rows + 1);
}

// Starts `rewardlab sweep ARGS...` in the background with stdout in `out`.
pid_t StartSweep(const std::vector<std::string>& args, const std::string& out, int nice = 0) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen(out.c_str(), "w", stdout)) _exit(127);
    if (nice != 0 && setpriority(PRIO_PROCESS, 0, nice) != 0) _exit(127);
    std::vector<char*> argv{const_cast<char*>(REWARDLAB_BINARY), const_cast<char*>("sweep")};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(REWARDLAB_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// The /proc folder of the process training `run_dir`, or "" when none is running.
fs::path TrainProcess(const fs::path& run_dir) {
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string cmdline = ReadText(e.path() / "cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find(" train ") != std::string::npos &&
        cmdline.find(run_dir.string()) != std::string::npos) {
      return e.path();
    }
  }
  return {};
}

// The scheduler autogroup line ("/autogroup-N nice K") of the process training `run_dir`.
std::string AutogroupOfRun(const fs::path& run_dir) {
  const fs::path proc = TrainProcess(run_dir);
  return proc.empty() ? "" : ReadText(proc / "autogroup");
}

// Waits up to a minute for the run folder's first finished checkpoint.
bool WaitForCheckpoint(const fs::path& run) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::is_directory(run / "checkpoints")) {
      for (const auto& e : fs::directory_iterator(run / "checkpoints")) {
        if (e.path().extension() == ".h5") return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

TEST_CASE("sweep --dry-run plans without starting and takes SLURM options from config and flags",
          "[sweep]") {
  testing::TempDir tmp;
  const std::string config =
      tmp.Write("tiny.yaml", std::string(kTinyConfig) +
                                 "slurm: {partition: debug, time: '10', throttle: 3, "
                                 "sbatch: ['--mem=1G']}\n");
  const fs::path sweep = tmp.Path() / "sweep";
  const testing::CliResult r = RunCli(
      "sweep " + config + " --seeds 0:2 --dry-run --time 5 --throttle 0 --out " + sweep.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("nothing started"));

  // the config's section, with the flags given winning
  nlohmann::json m = Manifest(sweep);
  CHECK(m["slurm"]["partition"] == "debug");
  CHECK(m["slurm"]["time"] == "5");
  CHECK(m["slurm"]["throttle"] == 0);
  CHECK(m["slurm"]["extra"] == std::vector<std::string>{"--mem=1G"});
  CHECK(m["slurm"]["cpus_per_task"] == 1);

  // nothing ran; --resume runs the plan
  REQUIRE(m["runs"].size() == 2);
  for (const nlohmann::json& run : m["runs"]) {
    CHECK(run["status"] == "pending");
    CHECK(run["attempts"] == 0);
    CHECK_FALSE(fs::exists(sweep / run["run_dir"].get<std::string>()));
  }
  const testing::CliResult resumed = RunCli("sweep --resume " + sweep.string() + " --jobs 2");
  INFO(resumed.out);
  REQUIRE(resumed.code == 0);
  m = Manifest(sweep);
  for (const nlohmann::json& run : m["runs"]) CHECK(run["status"] == "finished");
}

TEST_CASE("sweep --resume starts again a run whose file was cut short as it was created",
          "[sweep][smoke]") {
  testing::TempDir tmp;
  const std::string config = tmp.Write("tiny.yaml", kTinyConfig);
  const fs::path sweep = tmp.Path() / "sweep";
  REQUIRE(RunCli("sweep " + config + " --seeds 0:1 --dry-run --out " + sweep.string()).code == 0);

  // what a run killed inside RunFile::Create leaves: its folder, 48 bytes of an HDF5 file
  const fs::path run_dir = sweep / Manifest(sweep)["runs"][0]["run_dir"].get<std::string>();
  fs::create_directories(run_dir);
  std::string head = "\x89HDF\r\n\x1a\n";
  head.resize(48, '\0');
  std::ofstream(run_dir / "run.h5", std::ios::binary) << head;

  const testing::CliResult r = RunCli("sweep --resume " + sweep.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK(Manifest(sweep)["runs"][0]["status"] == "finished");
  CHECK(ReadRunFile((run_dir / "run.h5").string()).finished);
}

TEST_CASE("a run that stopped on a non-finite reward stays failed on sweep --resume",
          "[sweep][smoke]") {
  testing::TempDir tmp;
  const std::string config =
      tmp.Write("tiny.yaml", std::string(kTinyConfig) + "reward: [{type: env, weight: 1.0e+308}]\n");
  const fs::path sweep = tmp.Path() / "sweep";
  const testing::CliResult first =
      RunCli("sweep " + config + " --seeds 0:1 --jobs 1 --out " + sweep.string());
  INFO(first.out);
  CHECK(first.code == 1);
  const fs::path run_dir = sweep / Manifest(sweep)["runs"][0]["run_dir"].get<std::string>();
  const RunData data = ReadRunFile((run_dir / "run.h5").string());
  CHECK_FALSE(data.finished);
  CHECK_THAT(data.failure, Contains("is inf"));

  // the fault would repeat: resume starts no process and leaves the run failed
  const testing::CliResult again = RunCli("sweep --resume " + sweep.string());
  INFO(again.out);
  CHECK(again.code == 1);
  CHECK(Manifest(sweep)["runs"][0]["status"] == "failed");
  CHECK(Manifest(sweep)["runs"][0]["attempts"] == 1);
}

TEST_CASE("a sweep killed with SIGKILL stops its runs and sweep --resume finishes them",
          "[sweep][smoke]") {
  testing::TempDir tmp;
  std::string text = kTinyConfig;
  text.replace(text.find("total_steps: 2048"), 17, "total_steps: 40960");
  const std::string config = tmp.Write("tiny.yaml", text);
  const fs::path sweep = tmp.Path() / "sweep";
  const pid_t pid = StartSweep({config, "--seeds", "0:2", "--jobs", "2", "--out", sweep.string()},
                               (tmp.Path() / "sweep.out").string());
  REQUIRE(pid > 0);
  const bool started = WaitForCheckpoint(sweep / "runs" / "000__s0");
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  REQUIRE(started);
  // the manifest is whole and still says running; the runs stop on their own, with a checkpoint
  nlohmann::json m = Manifest(sweep);
  CHECK(m["runs"][0]["status"] == "running");
  const std::string log = (sweep / "logs" / "000__s0.out").string();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ReadText(log).find("interrupted at step") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK_THAT(ReadText(log), Contains("interrupted at step"));
  // both runs' processes have exited (the second may still be writing its checkpoint)
  for (const nlohmann::json& run : m["runs"]) {
    const fs::path dir = sweep / run["run_dir"].get<std::string>();
    while (!TrainProcess(dir).empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(TrainProcess(dir).empty());
  }

  const testing::CliResult r = RunCli("sweep --resume " + sweep.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  m = Manifest(sweep);
  for (int i = 0; i < 2; ++i) {
    INFO("run " << i);
    CHECK(m["runs"][i]["status"] == "finished");
    const std::string console =
        ReadText(sweep / m["runs"][i]["run_dir"].get<std::string>() / "console.log");
    CHECK(CountLines(console, "train ") == 1);
    CHECK(CountLines(console, "resume ") <= 1);
  }
  const fs::path whole = tmp.Path() / "whole";
  REQUIRE(RunCli("train " + config + " --seed 0 --quiet --out " + whole.string()).code == 0);
  testing::CheckSameRows(ReadRunFile((sweep / "runs" / "000__s0" / "run.h5").string()),
                         ReadRunFile((whole / "run.h5").string()));
}

TEST_CASE("SIGTERM to a sweep checkpoints its runs and sweep --resume finishes each once",
          "[sweep][smoke]") {
  testing::TempDir tmp;
  std::string text = kTinyConfig;
  text.replace(text.find("total_steps: 2048"), 17, "total_steps: 40960");
  const std::string config = tmp.Write("tiny.yaml", text);
  const fs::path sweep = tmp.Path() / "sweep";

  // start it in the background at nice 5; stop it once the first run has a checkpoint
  const pid_t pid = StartSweep({config, "--seeds", "0:2", "--jobs", "1", "--out", sweep.string()},
                               (tmp.Path() / "sweep.out").string(), 5);
  REQUIRE(pid > 0);
  const fs::path first = sweep / "runs" / "000__s0";
  CHECK(WaitForCheckpoint(first));
  // the run's own session (scheduler autogroup) has the sweep's nice value
  if (fs::exists("/proc/self/autogroup")) CHECK_THAT(AutogroupOfRun(first), Contains("nice 5"));
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  INFO(ReadText(tmp.Path() / "sweep.out"));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 75);
  nlohmann::json m = Manifest(sweep);
  REQUIRE(m["runs"][0]["status"] == "interrupted");
  CHECK(m["runs"][0]["exit_code"] == 75);
  CHECK(m["runs"][1]["status"] == "pending");
  CHECK_FALSE(ReadRunFile((first / "run.h5").string()).finished);
  CHECK_THAT(ReadText(first / "console.log"), Contains("interrupted at step"));

  const testing::CliResult r = RunCli("sweep --resume " + sweep.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  m = Manifest(sweep);
  for (int i = 0; i < 2; ++i) {
    INFO("run " << i);
    CHECK(m["runs"][i]["status"] == "finished");
    CHECK(m["runs"][i]["attempts"] == (i == 0 ? 2 : 1));
    const std::string console =
        ReadText(sweep / m["runs"][i]["run_dir"].get<std::string>() / "console.log");
    CHECK(CountLines(console, "train ") == 1);
    CHECK(CountLines(console, "resume ") == (i == 0 ? 1u : 0u));
  }

  // the interrupted run ends with the rows of an uninterrupted one
  const fs::path whole = tmp.Path() / "whole";
  REQUIRE(RunCli("train " + config + " --seed 0 --quiet --out " + whole.string()).code == 0);
  testing::CheckSameRows(ReadRunFile((first / "run.h5").string()),
                         ReadRunFile((whole / "run.h5").string()));

  // a finished sweep resumes to nothing
  const std::string before = ReadText(sweep / "sweep.json");
  const testing::CliResult again = RunCli("sweep --resume " + sweep.string());
  CHECK(again.code == 0);
  CHECK_THAT(again.out, Contains("2 of 2 runs finished"));
  CHECK(ReadText(sweep / "sweep.json") == before);
}

}  // namespace
}  // namespace rl
