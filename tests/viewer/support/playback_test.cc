// Playback (the viewer's display-free half): a config's policy stepping through episodes, with
// every reward term traced per step.
#include "viewer/support/playback.h"

#include <catch2/catch.hpp>
#include <numeric>

#include "core/error.h"
#include "core/h5.h"
#include "core/run_file.h"
#include "envs/grid/grid_world.h"
#include "tests/support/cli.h"
#include "tests/support/demos.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

TEST_CASE("Playback traces every env term and reward module per step", "[unit]") {
  Playback playback({kConfigs + "fourrooms_ppo.yaml", false, 0, std::nullopt});
  REQUIRE_FALSE(playback.IsRun());
  CHECK(playback.Checkpoint().empty());
  CHECK(playback.TermNames() == std::vector<std::string>{"goal", "step", "hazard", "env"});
  for (int i = 0; i < 5; ++i) playback.Step();
  CHECK(playback.EpisodeStep() == 5);
  const std::vector<std::vector<float>>& traces = playback.TermTraces();
  REQUIRE(traces.size() == 4);
  for (const auto& t : traces) CHECK(t.size() == 5);
  // the env module's output is the env reward, which is the sum of the env terms
  double env_terms = 0;
  for (int k = 0; k < 3; ++k) env_terms += std::accumulate(traces[k].begin(), traces[k].end(), 0.0);
  const double module = std::accumulate(traces[3].begin(), traces[3].end(), 0.0);
  CHECK(module == Approx(env_terms));
  CHECK(playback.EpisodeReturn() == Approx(env_terms));
  CHECK(playback.EpisodeReturn() == Approx(-0.05));
}

TEST_CASE("Playback starts episodes from an init state and seeds episode k with k", "[unit]") {
  Playback a({kConfigs + "fourrooms_ppo.yaml", false, 0, Vec::Constant(1, 7)});
  CHECK(dynamic_cast<GridWorld&>(a.GetEnv()).State() == 7);
  a.Step();
  a.Reset(0);
  CHECK(dynamic_cast<GridWorld&>(a.GetEnv()).State() == 7);
  CHECK(a.TermTraces()[0].empty());

  // the deterministic policy from the same episode seed repeats itself
  Playback b({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
  Playback c({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
  b.Reset(3);
  c.Reset(3);
  for (int i = 0; i < 10; ++i) b.Step(), c.Step();
  CHECK(b.Observation() == c.Observation());
  CHECK(b.Episode() == 3);
}

TEST_CASE("Playback steps back through the episode and forward again to the same states",
          "[unit]") {
  Playback p({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
  std::vector<Vec> seen{p.Observation()};
  for (int i = 0; i < 10; ++i) p.Step(), seen.push_back(p.Observation());
  const double return_at_6 = [&] {
    Playback q({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
    for (int i = 0; i < 6; ++i) q.Step();
    return q.EpisodeReturn();
  }();
  for (int i = 0; i < 4; ++i) REQUIRE(p.StepBack());
  CHECK(p.EpisodeStep() == 6);
  CHECK(p.Observation() == seen[6]);
  CHECK(p.EpisodeReturn() == return_at_6);
  for (const auto& t : p.TermTraces()) CHECK(t.size() == 6);
  // the deterministic policy retraces its steps exactly
  for (int i = 0; i < 4; ++i) p.Step();
  CHECK(p.Observation() == seen[10]);
  for (int i = 0; i < 10; ++i) REQUIRE(p.StepBack());
  CHECK(p.Observation() == seen[0]);
  CHECK_FALSE(p.StepBack());
}

TEST_CASE("Playback samples stochastic actions without touching the observation normaliser",
          "[unit]") {
  testing::TempDir tmp;
  h5::File f = h5::File::Create((tmp.Path() / "agent.h5").string());
  auto normaliser = [&](const std::string& name, Agent& agent) {
    agent.Save(f.CreateGroup(name));
    const h5::Group g = f.OpenGroup(name + "/obs_stats");
    return std::make_pair(g.ReadDoubleAttr("count"), g.Read<double>("mean"));
  };
  Playback sampled({kConfigs + "hopper_ppo.yaml", true, 0, std::nullopt});
  Playback greedy({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
  REQUIRE(sampled.Stochastic());
  const auto before = normaliser("before", sampled.GetAgent());
  for (int i = 0; i < 5; ++i) sampled.Step(), greedy.Step();
  CHECK(normaliser("after", sampled.GetAgent()) == before);
  // the actions were sampled: the same start, other states than the deterministic policy's
  CHECK(sampled.Observation() != greedy.Observation());
  // while exploring (training) would have moved the statistics
  Mat action;
  sampled.GetAgent().Act(sampled.Observation(), ActMode::kExplore, action);
  CHECK(normaliser("explored", sampled.GetAgent()).first != before.first);
}

TEST_CASE("Playback replays a run's recorded episodes and flags a diverging recording", "[unit]") {
  testing::TempDir tmp;
  const std::string run = (tmp.Path() / "run").string();
  const testing::CliResult r = testing::RunCli(
      "train " + kConfigs + "fourrooms_ppo.yaml --out " + run +
      " --set total_steps=2048 --set eval.every_steps=1024 --set eval.episodes=2 --quiet");
  INFO(r.out);
  REQUIRE(r.code == 0);
  const RunData d = ReadRunFile(run + "/run.h5");
  REQUIRE(d.rollout_step.size() == 2);
  Playback p({run, false, 0, std::nullopt});
  RecordedEpisode e = ReadRecordedEpisode(run + "/run.h5", 1);
  p.Replay(e);
  REQUIRE(p.Replayed() != nullptr);
  while (!p.Done()) p.Step();
  CHECK(p.EpisodeStep() == e.Length());
  CHECK(p.EpisodeReturn() == d.rollout_return[1]);
  CHECK(p.Divergence() == -1);
  // the next step starts the same recording again
  p.Step();
  CHECK(p.EpisodeStep() == 1);
  CHECK(p.TermTraces()[0].size() == 1);

  // a recording that does not match the env: the first differing step is reported
  const int64_t bad = std::min<int64_t>(2, e.Length() - 1);
  e.rewards[bad] += 1.0;
  p.Replay(e);
  while (!p.Done()) p.Step();
  CHECK(p.Divergence() == bad);
  p.Reset(0);
  CHECK(p.Replayed() == nullptr);
  CHECK(p.Divergence() == -1);
}

// The last traced term of `trained`'s steps (s, s') (3 x n each, zero actions and env terms) is
// what a fresh pipeline of `run` labels after loading the checkpoint played, and differs from the
// untrained labels.
void CheckTracedAsRestored(const Playback& trained, const std::string& run,
                           const Eigen::MatrixXf& s, const Eigen::MatrixXf& next) {
  const int n = static_cast<int>(s.cols());
  const std::vector<float>& traced = trained.TermTraces().back();
  REQUIRE(traced.size() == static_cast<size_t>(n));
  const Eigen::MatrixXf action = Eigen::MatrixXf::Zero(1, n), terms = Eigen::MatrixXf::Zero(3, n);
  const Eigen::VectorXf env_reward = Eigen::VectorXf::Zero(n);
  const std::vector<uint8_t> flags(n, 0);
  const RewardBatch batch{s, action, next, env_reward, terms, flags.data(), flags.data()};
  Playback fresh({run + "/config.yaml", false, 0, std::nullopt});
  Eigen::VectorXf untrained(n), restored(n);
  fresh.Reward().Label(batch, untrained);
  fresh.Reward().Load(h5::File::OpenReadOnly(trained.Checkpoint()).OpenGroup("trainer/reward"));
  fresh.Reward().Label(batch, restored);
  // one column at a time against n at once: equal up to the products' summation order
  for (int i = 0; i < n; ++i) CHECK(traced[i] == Approx(restored[i]).epsilon(1e-5).margin(1e-6));
  CHECK((restored - untrained).cwiseAbs().maxCoeff() > 1e-3f);
}

TEST_CASE("Playback shows a learned reward as the run's checkpoint left it", "[unit][heron]") {
  testing::TempDir tmp;
  const std::string run = (tmp.Path() / "run").string();
  const std::string heron =
      "{type: heron, factors: [{term: angle}, {term: velocity}], model: {hidden: [16]}, "
      "pairs: 256, fit_every: 200, window: 200}";
  const testing::CliResult r = testing::RunCli(
      "train " + kConfigs + "pendulum_sac.yaml --out " + run + " --set total_steps=600 " +
      "--set eval.every_steps=0 --set 'reward=[" + heron + "]' --quiet");
  INFO(r.out);
  REQUIRE(r.code == 0);

  // the traced heron term of 20 steps is R_ψ(s) of the checkpoint's model (inputs: obs)
  Playback trained({run, false, 0, std::nullopt});
  REQUIRE_FALSE(trained.Checkpoint().empty());
  REQUIRE(trained.TermNames().back() == "heron");
  const int n = 20;
  Eigen::MatrixXf obs(3, n);
  for (int i = 0; i < n; ++i) {
    obs.col(i) = trained.Observation().cast<float>();
    trained.Step();
  }
  CheckTracedAsRestored(trained, run, obs, obs);
}

TEST_CASE("Playback traces the GAIL reward per step with the checkpoint's discriminator",
          "[unit][gail]") {
  testing::TempDir tmp;
  const std::string run = (tmp.Path() / "run").string();
  const std::string gail = "{type: gail, demos: " + testing::RandomDemos("Pendulum-v1") +
                           ", inputs: state_next_state, hidden: [16], stride: 1}";
  const testing::CliResult r = testing::RunCli(
      "train " + kConfigs + "pendulum_sac.yaml --out " + run + " --set total_steps=600 " +
      "--set agent.learning_starts=100 --set eval.every_steps=0 --set 'reward=[" + gail +
      "]' --quiet");
  INFO(r.out);
  REQUIRE(r.code == 0);

  // 20 steps of (s, s') inside one episode: the traced gail term is the restored D's reward
  Playback trained({run, false, 0, std::nullopt});
  REQUIRE(trained.TermNames().back() == "gail");
  const int n = 20;
  Eigen::MatrixXf obs(3, n + 1);
  for (int i = 0; i <= n; ++i) {
    obs.col(i) = trained.Observation().cast<float>();
    if (i < n) trained.Step();
  }
  CheckTracedAsRestored(trained, run, obs.leftCols(n), obs.rightCols(n));
}

TEST_CASE("Playback rejects a missing source and a folder that is not a run", "[unit]") {
  CHECK_THROWS_WITH(Playback({"/nonexistent/run", false, 0, std::nullopt}),
                    Contains("no such run folder or config"));
  CHECK_THROWS_AS(Playback({REWARDLAB_SOURCE_DIR "/docs", false, 0, std::nullopt}), UserError);
}

}  // namespace
}  // namespace rl
