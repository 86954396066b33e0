// `train --view` without a window: reward changes queued by the viewer reach the trainer between
// two steps (and are logged), snapshots carry env slot 0 and the run's progress, and publishing
// never waits for a viewer that holds the snapshot.
#include "viewer/support/live_channel.h"

#include <catch2/catch.hpp>
#include <numeric>
#include <thread>

#include "tests/support/training.h"

namespace rl {
namespace {

using testing::LoadShippedConfig;

// CartPole (reward 1 per step) with a progress bonus of weight 0: it never changes what the agent
// learns, so the optimised return is exactly weight_env x steps
ExperimentConfig Config() {
  return LoadShippedConfig(
      "cartpole_ppo.yaml",
      {"total_steps=2048", "eval.every_steps=1024", "eval.episodes=2",
       "reward=[{type: env}, {type: progress_bonus, weight: 0, progress: {type: linear, "
       "indices: [0], weights: [1]}}]"});
}

TEST_CASE("reward changes from the viewer are applied between steps and logged", "[unit]") {
  testing::Session run(Config());
  LiveChannel channel;
  std::vector<std::string> log;
  LiveHook hook(channel, run.Env(), run.Reward(), [&](const std::string& s) { log.push_back(s); });
  run.GetTrainer().AddHook(&hook);
  channel.Request({0, "", 0.5});
  channel.Request({1, "bonus", 3.0});
  channel.Request({1, "bonus", 1e9});  // clamped to the slider's range, 0 .. 10
  channel.Request({1, "nope", 1.0});
  channel.Request({7, "", 1.0});
  run.Run();

  // all taken after the first step of the 8 envs, in order
  CHECK(log == std::vector<std::string>{
                   "viewer: step 8: weight of reward module 'env' 1 -> 0.5",
                   "viewer: step 8: bonus of reward module 'progress_bonus' 1 -> 3",
                   "viewer: step 8: bonus of reward module 'progress_bonus' 3 -> 10",
                   "viewer: step 8: ignored a change of 'nope' of reward module 'progress_bonus'",
                   "viewer: step 8: ignored a change of '' of reward module '?'"});
  CHECK(run.Reward().Weights() == std::vector<double>{0.5, 0.0});
  CHECK(*run.Reward().Module(1).Params().at(0).value == 10.0);

  // the first step of every slot was labelled with weight 1, all later ones with 0.5: the first
  // episode of each of the 8 slots has 0.5 more than half its length
  const auto& episodes = run.Events().episodes;
  REQUIRE(episodes.size() > 16);
  int first_episodes = 0;
  for (const auto& e : episodes) {
    const double half = 0.5 * e.length;
    if (e.optimized_return == half + 0.5) {
      ++first_episodes;
    } else {
      CHECK(e.optimized_return == half);
    }
  }
  CHECK(first_episodes == 8);

  // the module computes with the new bonus: 10 x max(0, Φ(s') - Φ(s)) with Φ = x
  Eigen::MatrixXf obs = Eigen::MatrixXf::Zero(4, 1), next = obs, terms(1, 1);
  next(0, 0) = 0.25f;
  const Eigen::MatrixXf action = Eigen::MatrixXf::Zero(1, 1);
  const Eigen::VectorXf reward = Eigen::VectorXf::Ones(1);
  const uint8_t flag = 0;
  Eigen::VectorXf out(1);
  run.Reward().Module(1).Compute({obs, action, next, reward, terms, &flag, &flag}, out);
  CHECK(out[0] == 2.5f);
}

TEST_CASE("the live hook publishes env slot 0, its episode and the evaluations", "[unit]") {
  testing::Session run(Config());
  LiveChannel channel;
  LiveHook hook(channel, run.Env(), run.Reward(), [](const std::string&) {});
  run.GetTrainer().AddHook(&hook);
  run.Run();
  hook.Finish();

  LiveSnapshot s;
  REQUIRE(channel.Read(s));
  CHECK(s.version > 0);
  CHECK(s.finished);
  CHECK(s.step == 2048);
  const Env& env0 = run.Env().At(0);
  CHECK(s.state == env0.SnapshotState());
  CHECK(s.elapsed == env0.ElapsedSteps());
  // env terms then modules, each with one value per step of slot 0's current episode
  REQUIRE(s.traces.size() == 3);
  for (const auto& t : s.traces) CHECK(static_cast<int>(t.size()) == s.elapsed);
  CHECK(s.episode_return == s.elapsed);
  const auto& evals = run.Events().evals;
  REQUIRE(s.eval_step.size() == evals.size());
  for (size_t i = 0; i < evals.size(); ++i) {
    CHECK(s.eval_step[i] == evals[i].step);
    CHECK(s.eval_mean[i] == evals[i].mean);
  }
  const auto& episodes = run.Events().episodes;
  CHECK(s.episodes == static_cast<int64_t>(episodes.size()));
  double recent = 0;
  for (size_t i = episodes.size() - LiveHook::kRecentEpisodes; i < episodes.size(); ++i) {
    recent += episodes[i].env_return;
  }
  CHECK(s.recent_return == Approx(recent / LiveHook::kRecentEpisodes));
  CHECK(s.params.size() == 3);  // two weights and the bonus
  CHECK(s.params[2].name == "bonus");
  // nothing newer to read
  CHECK_FALSE(channel.Read(s));
}

TEST_CASE("publishing a snapshot skips instead of waiting for the viewer", "[unit]") {
  LiveChannel channel;
  bool second = true;
  // while one publication holds the snapshot (as the viewer does while copying it), another
  // thread's non-waiting publication gives up at once
  channel.Publish(
      [&](LiveSnapshot&) {
        std::thread other([&] { second = channel.Publish([](LiveSnapshot&) {}, false); });
        other.join();
      },
      true);
  CHECK_FALSE(second);
  CHECK(channel.Publish([](LiveSnapshot& s) { s.step = 5; }, false));
  LiveSnapshot s;
  REQUIRE(channel.Read(s));
  CHECK(s.step == 5);
  CHECK(s.version == 2);
}

}  // namespace
}  // namespace rl
