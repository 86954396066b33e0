// Recorded evaluation episodes: the trainer tapes the first eval.record_episodes episodes of every
// evaluation into the run file, and an env restored to a recording's start and driven by its
// actions reproduces its rewards and its end bit for bit (a gridworld with slip and lava, where
// the env's generator decides the path, and a MuJoCo env).
#include "loop/recorded_episode.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/run_file.h"
#include "envs/registry.h"
#include "loop/run_logger.h"
#include "tests/support/temp_dir.h"
#include "tests/support/training.h"

namespace rl {
namespace {

using testing::LoadShippedConfig;

// Trains `config` into a run file at `path` the way `rewardlab train` writes it.
void TrainInto(const ExperimentConfig& config, const std::string& path) {
  testing::Session run(config);
  RunFile file =
      RunFile::Create(path, RunInfo{}, MakeRunLayout(run.GetTrainer(), config.eval.episodes));
  RunLogger logger(file, run.GetTrainer().MetricNames());
  run.GetTrainer().AddHook(&logger);
  run.Run();
  file.Close();
}

// Replays every recorded episode of `path` in a fresh env of `config`, step by step. With one
// evaluation env, an evaluation's episodes follow each other in that env: the reset after a replay
// must reach the next recording's start state and generator.
void CheckReplays(const ExperimentConfig& config, const std::string& path) {
  const RunData d = ReadRunFile(path);
  const int per_eval = config.eval.record_episodes;
  REQUIRE(d.rollout_step.size() == d.eval_step.size() * per_eval);
  std::unique_ptr<Env> env = MakeEnv(config.env.id, config.env.options);
  env->SetMaxEpisodeSteps(config.env.max_episode_steps);
  StepResult out;
  env->ResizeFor(out);
  Vec obs(env->Spec().observation.Dim());
  for (int64_t k = 0; k < static_cast<int64_t>(d.rollout_step.size()); ++k) {
    INFO("recorded episode " << k);
    const RecordedEpisode e = ReadRecordedEpisode(path, k);
    // the recordings of one evaluation are its first episodes to end, in order
    const size_t row = static_cast<size_t>(k / per_eval);
    CHECK(e.step == d.eval_step[row]);
    CHECK(e.episode == k % per_eval);
    CHECK(e.Return() == d.eval_returns[row * config.eval.episodes + e.episode]);
    CHECK(d.rollout_return[k] == e.Return());
    CHECK(d.rollout_length[k] == e.Length());
    RestoreEpisodeStart(e, *env, obs);
    for (int64_t t = 0; t < e.Length(); ++t) {
      env->Step(e.actions.col(t), out);
      REQUIRE(out.reward == e.rewards[t]);
      REQUIRE(out.terms == e.terms.col(t));
      REQUIRE((out.terminated || out.truncated) == (t + 1 == e.Length()));
    }
    CHECK(out.terminated == e.terminated);
    if (config.eval.num_envs == 1 && (k + 1) % per_eval != 0) {
      const RecordedEpisode next = ReadRecordedEpisode(path, k + 1);
      env->Reset(obs);
      CHECK(env->GetRng().State() == next.rng);
      CHECK(env->SnapshotState() == next.start_state);
    }
  }
}

TEST_CASE("recorded evaluation episodes replay to identical rewards", "[unit]") {
  testing::TempDir tmp;
  SECTION("a gridworld with slip; later episodes of a slot start after an autoreset") {
    const ExperimentConfig config = LoadShippedConfig(
        "fourrooms_ppo.yaml", {"total_steps=2048", "env.id=Grid-LavaGap", "env.options.slip=0.3",
                               "env.max_episode_steps=60", "eval.every_steps=1024",
                               "eval.episodes=4", "eval.num_envs=1", "eval.record_episodes=3"});
    const std::string path = (tmp.Path() / "grid.h5").string();
    TrainInto(config, path);
    CheckReplays(config, path);
  }
  SECTION("a MuJoCo env") {
    const ExperimentConfig config = LoadShippedConfig(
        "hopper_ppo.yaml", {"total_steps=1536", "agent.num_steps=256", "agent.num_minibatches=4",
                            "agent.update_epochs=1", "eval.every_steps=768", "eval.episodes=2"});
    const std::string path = (tmp.Path() / "hopper.h5").string();
    TrainInto(config, path);
    CheckReplays(config, path);
  }
}

TEST_CASE("eval.record_episodes 0 leaves the run file without recorded episodes", "[unit]") {
  testing::TempDir tmp;
  const ExperimentConfig config = LoadShippedConfig(
      "cartpole_ppo.yaml", {"total_steps=512", "eval.episodes=2", "eval.record_episodes=0"});
  const std::string path = (tmp.Path() / "run.h5").string();
  TrainInto(config, path);
  const RunData d = ReadRunFile(path);
  CHECK(d.eval_step.size() == 1);
  CHECK(d.layout.rollouts.action_dim == 0);
  CHECK(d.rollout_step.empty());
  CHECK_THROWS_WITH(ReadRecordedEpisode(path, 0), Catch::Contains("no recorded episode 0"));
}

}  // namespace
}  // namespace rl
