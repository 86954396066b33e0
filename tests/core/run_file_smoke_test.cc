// Run files read by Debian's h5py, and surviving a `kill -9` of their writer.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/run_file.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

RunLayout KillLayout() {
  return {.term_names = {"env", "ctrl"},
          .metric_names = {"charts/SPS", "losses/approx_kl"},
          .eval_episodes = 2,
          .rollouts = {.action_dim = 2, .state_dim = 3, .num_terms = 2}};
}

// the recorded episode of evaluation e: e % 7 + 1 steps, every value a function of (e, step)
RecordedEpisode Rollout(int64_t e) {
  RecordedEpisode r;
  r.step = e * 1000;
  r.start_state = Eigen::VectorXd::Constant(3, e + 0.5);
  r.rng = {static_cast<uint64_t>(e), ~uint64_t{0}, 3, 4};
  const int n = static_cast<int>(e % 7 + 1);
  r.actions.resize(2, n);
  r.rewards.resize(n);
  r.terms.resize(2, n);
  for (int t = 0; t < n; ++t) {
    r.actions.col(t) << e + t, -t;
    r.rewards[t] = e * 10.0 + t;
    r.terms.col(t) << e * 10.0, t;
  }
  r.terminated = e % 2 == 1;
  return r;
}

// row i of the writer below; every value is a function of i, so any row can be checked
void AppendRow(RunFile& run, int64_t i) {
  const std::vector<double> terms = {i * 1.0, -i * 0.5};
  run.AppendEpisode({.step = i * 100,
                     .env_return = i * 0.25,
                     .length = i % 50 + 1,
                     .optimized_return = i * 0.75,
                     .terminated = i % 2 == 0,
                     .terms = terms});
  run.AppendMetrics(0, i * 100, std::vector<double>{1000.0 + i});
  run.AppendMetrics(1, i * 100, std::vector<double>{i % 3 == 0 ? NAN : i * 0.01});
  if (i % 10 == 0) {
    run.AppendEval(i * 100, std::vector<double>{i * 1.0, i + 2.0});
    run.AppendRollout(Rollout(i / 10));
  }
}

// checks that rows [0, n) hold AppendRow's values
void CheckRows(const RunData& d, int64_t n) {
  REQUIRE(static_cast<int64_t>(d.episode_step.size()) >= n);
  for (int64_t i = 0; i < n; ++i) {
    REQUIRE(d.episode_step[i] == i * 100);
    REQUIRE(d.episode_return[i] == i * 0.25);
    REQUIRE(d.episode_length[i] == i % 50 + 1);
    REQUIRE(d.episode_optimized_return[i] == i * 0.75);
    REQUIRE(d.episode_terminated[i] == (i % 2 == 0 ? 1 : 0));
    REQUIRE(d.episode_terms.at("ctrl")[i] == -i * 0.5);
    REQUIRE(d.metrics.at("charts").values.at("SPS")[i] == 1000.0 + i);
  }
  for (size_t e = 0; e < d.eval_step.size(); ++e) {
    REQUIRE(d.eval_step[e] == static_cast<int64_t>(e) * 1000);
    REQUIRE(d.eval_returns[2 * e + 1] == e * 10 + 2.0);
  }
}

// checks that the recorded episodes [0, n) hold Rollout's values, steps included
void CheckRollouts(const std::string& path, const RunData& d, int64_t n) {
  REQUIRE(static_cast<int64_t>(d.rollout_step.size()) == n);
  for (int64_t e = 0; e < n; ++e) {
    const RecordedEpisode want = Rollout(e), got = ReadRecordedEpisode(path, e);
    REQUIRE(d.rollout_length[e] == want.Length());
    REQUIRE(d.rollout_return[e] == want.Return());
    REQUIRE(got.step == want.step);
    REQUIRE(got.start_state == want.start_state);
    REQUIRE(got.rng == want.rng);
    REQUIRE(got.actions == want.actions);
    REQUIRE(got.rewards == want.rewards);
    REQUIRE(got.terms == want.terms);
    REQUIRE(got.terminated == want.terminated);
  }
}

TEST_CASE("run file is readable with Debian's h5py", "[smoke]") {
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) {
    WARN("skipped: /usr/bin/python3 has no h5py (scripts/install-deps.sh installs python3-h5py)");
    return;
  }
  testing::TempDir dir;
  const std::string path = (dir.Path() / "run.h5").string();
  RunInfo info{.config = "seed: 7\n",
               .seed = 7,
               .env_id = "CartPole-v1",
               .agent_type = "ppo",
               .git_commit = "deadbeef",
               .started_at = "2024-05-01T12:00:00Z"};
  RunFile run = RunFile::Create(path, info, KillLayout());
  for (int64_t i = 0; i < 12; ++i) AppendRow(run, i);
  run.Close();

  const std::string cmd =
      "/usr/bin/python3 " REWARDLAB_TEST_DATA_DIR "/read_run_file.py '" + path + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  REQUIRE(pclose(pipe) == 0);
  INFO(out);
  const nlohmann::json j = nlohmann::json::parse(out);
  CHECK(j["attrs"]["format"] == "rewardlab-run");
  CHECK(j["attrs"]["format_version"] == 1);
  CHECK(j["attrs"]["seed"] == 7);
  CHECK(j["attrs"]["finished"] == 1);
  CHECK(j["attrs"]["config"] == "seed: 7\n");
  CHECK(j["attrs"]["started_at"] == "2024-05-01T12:00:00Z");
  CHECK(j["episodes"]["step"][11] == 1100);
  CHECK(j["episodes"]["return"][4] == 1.0);
  CHECK(j["episodes"]["terminated"] == nlohmann::json({1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0}));
  CHECK(j["terms"]["ctrl"][2] == -1.0);
  CHECK(j["eval_returns_shape"] == nlohmann::json({2, 2}));
  CHECK(j["eval_returns"][1] == nlohmann::json({10.0, 12.0}));
  CHECK(j["eval_return_mean"][1] == 11.0);
  CHECK(j["sps"][3] == 1003.0);
  CHECK(j["charts_step"][3] == 300);
  CHECK(j["approx_kl"][0].is_null());
  CHECK(j["approx_kl"][1] == 0.01);
  CHECK(j["rollout_return"] == nlohmann::json({0.0, 10.0 + 11.0}));
  CHECK(j["rollout_offset"] == nlohmann::json({0, 1}));
  CHECK(j["rollout_action_shape"] == nlohmann::json({3, 2}));
  CHECK(j["terminated_dtype"] == "uint8");
}

TEST_CASE("run file keeps every flushed row after kill -9 and resumes", "[smoke]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "run.h5").string();
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // the writer: report each flushed row count through the pipe, until killed
    close(fds[0]);
    try {
      RunFile run = RunFile::Create(path, RunInfo{}, KillLayout());
      for (int64_t i = 0; i < 10'000'000; ++i) {
        AppendRow(run, i);
        run.Flush();
        const int64_t flushed = i + 1;
        if (write(fds[1], &flushed, sizeof(flushed)) != sizeof(flushed)) _exit(4);
      }
    } catch (...) {
      _exit(3);
    }
    _exit(0);
  }
  close(fds[1]);
  int64_t flushed = 0, value = 0;
  while (flushed < 500 && read(fds[0], &value, sizeof(value)) == sizeof(value)) flushed = value;
  kill(pid, SIGKILL);
  while (read(fds[0], &value, sizeof(value)) == sizeof(value)) flushed = value;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(flushed >= 500);

  // every reported row is there, and every row present is consistent
  const RunData killed = ReadRunFile(path);
  CHECK_FALSE(killed.finished);
  const int64_t present = static_cast<int64_t>(killed.episode_step.size());
  CHECK(present >= flushed);
  CHECK(present <= flushed + 1);
  CheckRows(killed, present);
  CHECK(killed.metrics.at("losses").step.size() == static_cast<size_t>(present));
  // every flushed evaluation kept its recorded episode, whole
  const int64_t evals = static_cast<int64_t>(killed.eval_step.size());
  CHECK(static_cast<int64_t>(killed.rollout_step.size()) >= evals - 1);
  CheckRollouts(path, killed, static_cast<int64_t>(killed.rollout_step.size()));

  // resume from a checkpoint taken at row 300, then finish
  const int64_t checkpoint = 300;
  uint64_t rollout_steps = 0;
  for (int64_t e = 0; e < 30; ++e) rollout_steps += Rollout(e).Length();
  const RowCounts counts{.episodes = checkpoint,
                         .eval = 30,
                         .metrics = {{"charts", checkpoint}, {"losses", checkpoint}},
                         .rollouts = 30,
                         .rollout_steps = rollout_steps};
  RunFile run = RunFile::OpenForResume(path, counts);
  CHECK(run.Counts().episodes == checkpoint);
  for (int64_t i = checkpoint; i < checkpoint + 25; ++i) AppendRow(run, i);
  run.Close();
  const RunData d = ReadRunFile(path);
  CHECK(d.finished);
  CHECK(d.episode_step.size() == checkpoint + 25);
  CHECK(d.eval_step.size() == 33);
  CHECK(d.metrics.at("losses").values.at("approx_kl").size() == checkpoint + 25);
  CheckRows(d, checkpoint + 25);
  // the recorded episodes after the checkpoint were dropped and written again
  CheckRollouts(path, d, 33);
}

}  // namespace
}  // namespace rl
