#include "core/run_file.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "core/error.h"
#include "core/h5.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

RunInfo Info() {
  return {.config = "seed: 3\nenv: {id: CartPole-v1}\n",
          .seed = 3,
          .env_id = "CartPole-v1",
          .agent_type = "ppo",
          .git_commit = "abc123",
          .started_at = "2024-05-01T12:00:00Z"};
}

RunLayout Layout() {
  return {.term_names = {"env", "pbrs"},
          .metric_names = {"charts/SPS", "losses/approx_kl", "charts/learning_rate",
                           "losses/value_loss", "reward/pbrs/shaping",
                           "reward/episodic_return_wrapped"},
          .eval_episodes = 3,
          .rollouts = {}};
}

TEST_CASE("run file round-trips attributes - episodes - eval and metrics", "[unit]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "run.h5").string();
  RunFile run = RunFile::Create(path, Info(), Layout());
  const std::vector<double> terms = {1.0, -0.5};
  run.AppendEpisode({.step = 100,
                     .env_return = 21.0,
                     .length = 21,
                     .optimized_return = 20.5,
                     .terminated = true,
                     .terms = terms});
  run.AppendEpisode({.step = 200, .env_return = 9.0, .length = 9, .terms = terms});
  run.AppendEval(200, std::vector<double>{1.0, 2.0, 3.0});
  const int charts = run.MetricGroup("charts");
  CHECK(run.MetricNames(charts) == std::vector<std::string>{"SPS", "learning_rate"});
  run.AppendMetrics(charts, 200, std::vector<double>{1500.0, 3e-4});
  run.AppendMetrics(run.MetricGroup("losses"), 200, std::vector<double>{NAN, 0.25});
  run.AppendMetrics(run.MetricGroup("reward/pbrs"), 200, std::vector<double>{0.5});
  CHECK_THROWS_WITH(run.MetricGroup("loses"), Contains("did you mean 'losses'"));
  CHECK_THROWS_WITH(run.AppendMetrics(charts, 1, std::vector<double>{1.0}),
                    Contains("got 1 values for 2 names"));
  CHECK_THROWS_AS(run.AppendEval(1, std::vector<double>{1.0}), UserError);
  const RowCounts counts = run.Counts();
  CHECK(counts.episodes == 2);
  CHECK(counts.eval == 1);
  CHECK(counts.metrics == std::map<std::string, uint64_t>{
                              {"charts", 1}, {"losses", 1}, {"reward", 0}, {"reward/pbrs", 1}});
  run.Close();

  const RunData d = ReadRunFile(path);
  CHECK(d.finished);
  CHECK(d.info.config == Info().config);
  CHECK(d.info.seed == 3);
  CHECK(d.info.env_id == "CartPole-v1");
  CHECK(d.info.agent_type == "ppo");
  CHECK(d.info.git_commit == "abc123");
  CHECK(d.info.started_at == "2024-05-01T12:00:00Z");
  CHECK(d.layout.term_names == Layout().term_names);
  CHECK(d.layout.eval_episodes == 3);
  CHECK(d.episode_step == std::vector<int64_t>{100, 200});
  CHECK(d.episode_return == std::vector<double>{21.0, 9.0});
  CHECK(d.episode_length == std::vector<int64_t>{21, 9});
  CHECK(d.episode_optimized_return == std::vector<double>{20.5, 0.0});
  CHECK(d.episode_terminated == std::vector<uint8_t>{1, 0});
  CHECK(d.episode_terms.at("pbrs") == std::vector<double>{-0.5, -0.5});
  CHECK(d.eval_step == std::vector<int64_t>{200});
  CHECK(d.eval_return_mean == std::vector<double>{2.0});
  CHECK(d.eval_return_std[0] == Approx(std::sqrt(2.0 / 3.0)));
  CHECK(d.eval_returns == std::vector<double>{1.0, 2.0, 3.0});
  CHECK(d.metrics.at("charts").values.at("SPS") == std::vector<double>{1500.0});
  CHECK(std::isnan(d.metrics.at("losses").values.at("approx_kl")[0]));
  CHECK(d.metrics.at("losses").step == std::vector<int64_t>{200});
  CHECK(d.metrics.at("reward/pbrs").values.at("shaping") == std::vector<double>{0.5});
  CHECK(d.metrics.at("reward").values.at("episodic_return_wrapped").empty());
  CHECK(h5::File::OpenReadOnly(path).Children() ==
        std::vector<std::string>{"episodes", "eval", "metrics", "rollouts"});
}

TEST_CASE("run file without Close is not finished", "[unit]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "run.h5").string();
  { RunFile run = RunFile::Create(path, Info(), Layout()); }
  CHECK_FALSE(ReadRunFile(path).finished);
}

TEST_CASE("run file rejects bad layouts", "[unit]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "run.h5").string();
  RunLayout layout = Layout();
  layout.metric_names.push_back("SPS");
  CHECK_THROWS_WITH(RunFile::Create(path, Info(), layout), Contains("want group/name"));
  layout = Layout();
  layout.metric_names.push_back("charts/step");
  CHECK_THROWS_WITH(RunFile::Create(path, Info(), layout), Contains("'step' is reserved"));
  layout = Layout();
  layout.term_names.push_back("env");
  CHECK_THROWS_WITH(RunFile::Create(path, Info(), layout), Contains("duplicate term name 'env'"));
  layout = Layout();
  layout.metric_names.push_back("reward/pbrs");
  CHECK_THROWS_WITH(RunFile::Create(path, Info(), layout), Contains("is also the group of"));
  layout = Layout();
  layout.rollouts = {.action_dim = 2, .state_dim = 0, .num_terms = 1};
  CHECK_THROWS_WITH(RunFile::Create(path, Info(), layout),
                    Contains("recorded episodes need positive action, state and term widths"));
}

TEST_CASE("run file refuses a recorded episode of other widths", "[unit]") {
  testing::TempDir dir;
  RunLayout layout = Layout();
  layout.rollouts = {.action_dim = 1, .state_dim = 2, .num_terms = 2};
  RunFile run = RunFile::Create((dir.Path() / "run.h5").string(), Info(), layout);
  RecordedEpisode e;
  e.start_state = Eigen::VectorXd::Zero(2);
  e.actions = Eigen::MatrixXd::Zero(1, 3);
  e.rewards = Eigen::VectorXd::Zero(3);
  e.terms = Eigen::MatrixXd::Zero(2, 3);
  run.AppendRollout(e);
  e.terms = Eigen::MatrixXd::Zero(3, 3);
  CHECK_THROWS_WITH(run.AppendRollout(e), Contains("does not fit the widths of /rollouts"));
  e.terms = Eigen::MatrixXd::Zero(2, 2);
  CHECK_THROWS_WITH(run.AppendRollout(e), Contains("does not fit the widths of /rollouts"));
  CHECK(run.Counts().rollouts == 1);
  CHECK(run.Counts().rollout_steps == 3);
}

TEST_CASE("run file reader refuses foreign files and other versions", "[unit]") {
  testing::TempDir dir;
  const std::string missing = (dir.Path() / "run.h5").string();
  CHECK_THROWS_WITH(ReadRunFile(missing), missing + ": no such file");
  const std::string text = dir.Write("text.h5", "not hdf5");
  CHECK_THROWS_WITH(ReadRunFile(text), text + ": not an HDF5 file");
  CHECK_THROWS_WITH(RunFile::OpenForResume(text, {}), text + ": not an HDF5 file");

  const std::string other = (dir.Path() / "other.h5").string();
  h5::File::Create(other).WriteStringAttr("format", "something-else");
  CHECK_THROWS_WITH(ReadRunFile(other), Contains("other.h5: not a rewardlab run file"));

  const std::string path = (dir.Path() / "v2.h5").string();
  RunFile::Create(path, Info(), Layout()).Close();
  h5::File::OpenReadWrite(path).WriteIntAttr("format_version", 2);
  CHECK_THROWS_AS(ReadRunFile(path), UserError);
  CHECK_THROWS_WITH(ReadRunFile(path),
                    path +
                        ": run file format version 2 is not supported (this build reads "
                        "version 1)");
  CHECK_THROWS_WITH(RunFile::OpenForResume(path, {}), Contains("format version 2"));
}

TEST_CASE("run file resume truncates to the checkpoint's counts", "[unit]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "run.h5").string();
  RowCounts at_checkpoint;
  {
    RunFile run = RunFile::Create(path, Info(), Layout());
    const std::vector<double> terms = {0, 0};
    for (int i = 0; i < 10; ++i) {
      run.AppendEpisode({.step = i, .terms = terms});
      run.AppendMetrics(0, i, std::vector<double>{1.0 * i, 0.0});
      if (i == 5) at_checkpoint = run.Counts();
    }
    run.Flush();
  }
  RowCounts too_many = at_checkpoint;
  too_many.episodes = 11;
  CHECK_THROWS_WITH(RunFile::OpenForResume(path, too_many),
                    Contains("has 10 rows but the checkpoint expects 11"));
  // a file without /rollouts (as written before they existed) resumes without recording
  RowCounts recorded = at_checkpoint;
  recorded.rollouts = 1;
  CHECK_THROWS_WITH(
      RunFile::OpenForResume(path, recorded),
      Contains("the checkpoint counts recorded episodes but the file has no /rollouts"));
  RunFile run = RunFile::OpenForResume(path, at_checkpoint);
  CHECK_FALSE(run.HasRollouts());
  CHECK_THROWS_WITH(run.AppendRollout(RecordedEpisode{}), Contains("no /rollouts datasets"));
  CHECK(run.Counts().episodes == 6);
  CHECK(run.Layout().term_names == Layout().term_names);
  run.AppendEpisode({.step = 100, .terms = std::vector<double>{0, 0}});
  run.Close();
  const RunData d = ReadRunFile(path);
  CHECK(d.episode_step == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 100});
  CHECK(d.metrics.at("charts").step.size() == 6);
  CHECK(d.finished);
}

}  // namespace
}  // namespace rl
