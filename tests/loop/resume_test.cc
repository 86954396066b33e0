// Exact resume, wired as `rewardlab train` wires it but without killing a process: a reference run
// keeps a copy of its checkpoint at step `at`; a fresh trainer and agent restored from that copy,
// writing into a copy of the reference run file truncated to the checkpoint's rows, must finish
// with the same rows bit for bit.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/run_file.h"
#include "loop/checkpointer.h"
#include "loop/run_logger.h"
#include "loop/transition_recorder.h"
#include "tests/support/demos.h"
#include "tests/support/run_data_checks.h"
#include "tests/support/temp_dir.h"
#include "tests/support/training.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using testing::LoadShippedConfig;
using testing::Session;

// Copies the newest checkpoint once the trainer has passed `at` (after the checkpointer ran).
class CheckpointCopier : public TrainerHook {
 public:
  CheckpointCopier(fs::path dir, int64_t at, fs::path copy)
      : dir_(std::move(dir)), at_(at), copy_(std::move(copy)) {}
  void OnIteration(int64_t step, const IterationTiming& /*timing*/) override {
    if (copied_ >= 0 || step < at_) return;
    fs::copy_file(Checkpointer::Latest(dir_.string()), copy_);
    copied_ = step;
  }
  int64_t copied_ = -1;  // the step of the copied checkpoint

 private:
  fs::path dir_;
  int64_t at_;
  fs::path copy_;
};

// Requires two transition files to hold the same rows bit for bit.
void CheckSameTransitions(const std::string& whole, const std::string& resumed) {
  const h5::File a = h5::File::OpenReadOnly(whole), b = h5::File::OpenReadOnly(resumed);
  for (const std::string name : {"obs", "action", "next_obs"}) {
    INFO(name);
    CHECK(a.Shape(name) == b.Shape(name));
    CHECK(a.Read<float>(name) == b.Read<float>(name));
  }
  for (const std::string name : {"env_reward", "terms"})
    CHECK(a.Read<double>(name) == b.Read<double>(name));
  for (const std::string name : {"terminated", "truncated"})
    CHECK(a.Read<uint8_t>(name) == b.Read<uint8_t>(name));
  for (const std::string name : {"episode", "episode_step"})
    CHECK(a.Read<int64_t>(name) == b.Read<int64_t>(name));
}

// Runs `config` whole and resumed from its checkpoint at step `at`; returns both run files. With
// `transitions`, both runs also record transitions, and their files must be equal.
std::pair<RunData, RunData> RunWholeAndResumed(const ExperimentConfig& config, int64_t at,
                                               bool transitions = false) {
  testing::TempDir tmp;
  const fs::path whole_ckpt = tmp.Path() / "whole", resumed_ckpt = tmp.Path() / "resumed";
  fs::create_directories(whole_ckpt);
  fs::create_directories(resumed_ckpt);
  const fs::path snapshot = tmp.Path() / "snapshot.h5";
  const std::string whole_file = (tmp.Path() / "whole.h5").string();
  const std::string resumed_file = (tmp.Path() / "resumed.h5").string();
  const std::string whole_steps = (tmp.Path() / "whole_transitions.h5").string();
  const std::string resumed_steps = (tmp.Path() / "resumed_transitions.h5").string();
  {
    Session run(config);
    const std::vector<std::string> metrics = run.GetTrainer().MetricNames();
    RunFile file = RunFile::Create(whole_file, RunInfo{},
                                   MakeRunLayout(run.GetTrainer(), config.eval.episodes));
    RunLogger logger(file, metrics);
    Checkpointer checkpointer(whole_ckpt.string(), config.checkpoint.every_steps, run.GetTrainer(),
                              run.GetAgent(), file, logger);
    CheckpointCopier copier(whole_ckpt, at, snapshot);
    std::unique_ptr<TransitionRecorder> recorder;
    if (transitions) {
      recorder = TransitionRecorder::Create(whole_steps, run.Env().Spec(), run.Env().Size());
      checkpointer.FlushBefore([&recorder] { recorder->Flush(); });
      run.GetTrainer().AddHook(recorder.get());
    }
    run.GetTrainer().AddHook(&logger);
    run.GetTrainer().AddHook(&checkpointer);
    run.GetTrainer().AddHook(&copier);
    run.Run();
    if (recorder) recorder->Close();
    file.Close();
    REQUIRE(copier.copied_ == at);
  }
  fs::copy_file(whole_file, resumed_file);
  if (transitions) fs::copy_file(whole_steps, resumed_steps);
  {
    Session run(config);
    const RowCounts counts =
        Checkpointer::Restore(snapshot.string(), run.GetTrainer(), run.GetAgent());
    REQUIRE(run.GetTrainer().GlobalStep() == at);
    RunFile file = RunFile::OpenForResume(resumed_file, counts);
    RunLogger logger(file, run.GetTrainer().MetricNames());
    Checkpointer checkpointer(resumed_ckpt.string(), config.checkpoint.every_steps,
                              run.GetTrainer(), run.GetAgent(), file, logger);
    std::unique_ptr<TransitionRecorder> recorder;
    if (transitions) {
      recorder = TransitionRecorder::Resume(resumed_steps, run.Env().Spec(), run.Env().Size(), at);
      checkpointer.FlushBefore([&recorder] { recorder->Flush(); });
      run.GetTrainer().AddHook(recorder.get());
    }
    run.GetTrainer().AddHook(&logger);
    run.GetTrainer().AddHook(&checkpointer);
    run.Run();
    if (recorder) recorder->Close();
    file.Close();
  }
  if (transitions) CheckSameTransitions(whole_steps, resumed_steps);
  // one recorded episode per evaluation (eval.record_episodes: 1), its steps equal too
  RunData whole = ReadRunFile(whole_file), resumed = ReadRunFile(resumed_file);
  CHECK(whole.rollout_step == whole.eval_step);
  for (int64_t k = 0; k < static_cast<int64_t>(resumed.rollout_step.size()); ++k) {
    const RecordedEpisode a = ReadRecordedEpisode(whole_file, k);
    const RecordedEpisode b = ReadRecordedEpisode(resumed_file, k);
    CHECK(a.start_state == b.start_state);
    CHECK(a.actions == b.actions);
    CHECK(a.rewards == b.rewards);
  }
  return {std::move(whole), std::move(resumed)};
}

TEST_CASE("a run resumed from a checkpoint between evaluations ends bit-identical", "[unit]") {
  SECTION("PPO on CartPole-v1") {
    // 8 envs x 32 steps: updates every 256 steps; checkpoints at 1024, evaluations at 1000
    const auto [whole, resumed] = RunWholeAndResumed(
        LoadShippedConfig("cartpole_ppo.yaml", {"total_steps=6000", "eval.every_steps=1000",
                                                "eval.episodes=4", "checkpoint.every_steps=1024"}),
        3072);
    REQUIRE(whole.eval_step.size() == 6);
    REQUIRE(whole.episode_step.back() > 3072);
    testing::CheckSameRows(whole, resumed);
  }
  SECTION("SAC on Pendulum-v1") {
    const auto [whole, resumed] = RunWholeAndResumed(
        LoadShippedConfig("pendulum_sac.yaml",
                          {"total_steps=700", "agent.batch_size=32", "eval.every_steps=300",
                           "eval.episodes=1", "checkpoint.every_steps=250"}),
        250);
    REQUIRE(whole.eval_step == std::vector<int64_t>{300, 600, 700});
    testing::CheckSameRows(whole, resumed);
  }
}

// The rnd module's networks, Adam moments, normalisers and RNG, the fitting window and the
// transition file's episode numbering all continue exactly.
TEST_CASE("a reward-free rnd run resumed from a checkpoint ends bit-identical", "[unit][rnd]") {
  // 8 envs x 64 steps: updates every 512 steps; checkpoints at 1024 and 2048
  const auto [whole, resumed] =
      RunWholeAndResumed(LoadShippedConfig("reward_free_rnd.yaml",
                                           {"total_steps=3072", "agent.num_steps=64",
                                            "env.max_episode_steps=100", "eval.every_steps=1024",
                                            "eval.episodes=1", "checkpoint.every_steps=1024"}),
                         2048, /*transitions=*/true);
  REQUIRE(whole.eval_step == std::vector<int64_t>{1024, 2048, 3072});
  REQUIRE(whole.episode_step.back() > 2048);
  REQUIRE(whole.metrics.count("reward"));
  REQUIRE(whole.episode_terms.at("rnd").back() > 0.0);
  testing::CheckSameRows(whole, resumed);
}

// BARFI's φ, learned discount (which the resumed trainer hands the agent again), Adam moments,
// HVP episode buffer and sampler continue exactly. REINFORCE updates (and checkpoints) at episode
// ends: the first checkpoint is at step 900.
TEST_CASE("a barfi run with a learned discount resumed from a checkpoint ends bit-identical",
          "[unit][barfi]") {
  const auto [whole, resumed] = RunWholeAndResumed(
      LoadShippedConfig(
          "cartpole_reinforce.yaml",
          {"total_steps=2400", "agent.episodes_per_update=4", "eval.every_steps=1000",
           "eval.episodes=1", "checkpoint.every_steps=800",
           "reward=[{type: barfi, features: {order: 1}, learn_gamma: true, gamma_l2: 0.1, "
           "warmup: 2, delta: 2, hvp_episodes: 3, hvp_buffer: 30, lr: 0.05}]"}),
      900);
  REQUIRE(whole.metrics.count("barfi"));
  const std::map<std::string, std::vector<double>>& barfi = whole.metrics.at("barfi").values;
  // γ_φ moved, and most outer steps drew their HVP batch from the buffer
  CHECK(barfi.at("gamma").back() != barfi.at("gamma").front());
  CHECK(barfi.at("hvp_fallback").back() < barfi.at("outer_steps").back() / 2);
  testing::CheckSameRows(whole, resumed);
}

// HERON's reward model, optimiser, statistics, item pool, RNG and fitting window continue
// exactly, with SAC fitting on a schedule and with PPO fitting on every rollout's segments.
TEST_CASE("a heron run resumed from a checkpoint ends bit-identical", "[unit][heron]") {
  SECTION("SAC on Pendulum-v1, transitions") {
    const auto [whole, resumed] = RunWholeAndResumed(
        LoadShippedConfig(
            "pendulum_sac.yaml",
            {"total_steps=700", "agent.batch_size=32", "eval.every_steps=300", "eval.episodes=1",
             "checkpoint.every_steps=250",
             "reward=[{type: heron, factors: [{term: angle}, {term: velocity}, {term: ctrl}], "
             "model: {hidden: [32]}, pairs: 256, fit_every: 100, window: 100, fifo: 400}]"}),
        250);
    REQUIRE(whole.metrics.count("heron"));
    testing::CheckSameRows(whole, resumed);
  }
  SECTION("PPO on Hopper-v4, segments") {
    const auto [whole, resumed] = RunWholeAndResumed(
        LoadShippedConfig(
            "hopper_ppo.yaml",
            {"total_steps=1536", "agent.num_steps=256", "agent.num_minibatches=4",
             "agent.update_epochs=1", "eval.every_steps=768", "eval.episodes=1",
             "checkpoint.every_steps=512",
             "reward=[{type: heron, factors: [{term: healthy}, {term: forward}, {term: ctrl}], "
             "compare: segments, segment_length: 8, model: {hidden: [32]}, pairs: 128, "
             "window: 256, fifo: 64}]"}),
        512);
    REQUIRE(whole.metrics.count("heron"));
    testing::CheckSameRows(whole, resumed);
  }
}

TEST_CASE("a gail run resumed from a checkpoint ends bit-identical", "[unit][gail]") {
  // SAC on Pendulum-v1 with the wgan penalty and spectral norm: discriminator, Adam, input
  // statistics, expert inputs and the module's RNG all carry over
  const auto [whole, resumed] = RunWholeAndResumed(
      LoadShippedConfig("pendulum_sac.yaml",
                        {"total_steps=600", "agent.batch_size=32", "agent.learning_starts=100",
                         "eval.every_steps=300", "eval.episodes=1", "checkpoint.every_steps=250",
                         "reward=[{type: gail, demos: " + testing::RandomDemos("Pendulum-v1") +
                             ", stride: 2, hidden: [32, 32], batch_size: 32, fit_every: 2}]"}),
      250);
  REQUIRE(whole.metrics.count("gail"));
  testing::CheckSameRows(whole, resumed);
}

// MuJoCo envs keep more than (qpos, qvel) between steps: the solver's warm start, and the
// positions and constraint forces of the last substep that rewards and observations read.
TEST_CASE("a MuJoCo run resumed from a checkpoint ends bit-identical", "[unit][mujoco]") {
  for (const std::string id :
       {"Hopper-v4", "Walker2d-v4", "HalfCheetah-v4", "Swimmer-v4", "Ant-v4", "Reacher-v4",
        "InvertedPendulum-v4", "InvertedDoublePendulum-v4", "seals/Ant-v1"}) {
    INFO(id);
    const auto [whole, resumed] = RunWholeAndResumed(
        LoadShippedConfig("hopper_ppo.yaml", {"env.id=" + id, "total_steps=1536",
                                              "agent.num_steps=256", "agent.num_minibatches=4",
                                              "agent.update_epochs=1", "eval.every_steps=768",
                                              "eval.episodes=1", "checkpoint.every_steps=512"}),
        512);
    REQUIRE(whole.eval_step == std::vector<int64_t>{768, 1536});
    REQUIRE(!whole.episode_step.empty());
    testing::CheckSameRows(whole, resumed);
  }
}

// Sharded rollouts keep one exploration generator per shard, and the observation normaliser
// that they freeze during a rollout.
TEST_CASE("a PPO run with sharded rollouts resumed from a checkpoint ends bit-identical",
          "[unit][mujoco]") {
  const auto [whole, resumed] = RunWholeAndResumed(
      LoadShippedConfig(
          "hopper_ppo.yaml",
          {"total_steps=3072", "env.num_envs=4", "env.threads=2", "agent.rollout_shards=2",
           "agent.num_steps=128", "agent.num_minibatches=4", "agent.update_epochs=1",
           "eval.every_steps=1000", "eval.episodes=1", "checkpoint.every_steps=512"}),
      1536);
  REQUIRE(whole.eval_step == std::vector<int64_t>{1000, 2000, 3000, 3072});
  REQUIRE(!whole.episode_step.empty());
  testing::CheckSameRows(whole, resumed);
}

// A checkpoint written at an update that is also an evaluation step must include that evaluation
// (the trainer evaluates before the iteration hooks), or the resumed run evaluates one step late.
TEST_CASE("a run resumed from a checkpoint taken on an evaluation step ends bit-identical",
          "[unit]") {
  SECTION("PPO on CartPole-v1") {
    const auto [whole, resumed] = RunWholeAndResumed(
        LoadShippedConfig("cartpole_ppo.yaml", {"total_steps=6144", "eval.every_steps=2048",
                                                "eval.episodes=4", "checkpoint.every_steps=2048"}),
        2048);
    REQUIRE(whole.eval_step == std::vector<int64_t>{2048, 4096, 6144});
    testing::CheckSameRows(whole, resumed);
  }
  SECTION("SAC on Pendulum-v1") {
    const auto [whole, resumed] = RunWholeAndResumed(
        LoadShippedConfig("pendulum_sac.yaml",
                          {"total_steps=700", "agent.batch_size=32", "eval.every_steps=300",
                           "eval.episodes=1", "checkpoint.every_steps=300"}),
        300);
    REQUIRE(whole.eval_step == std::vector<int64_t>{300, 600, 700});
    testing::CheckSameRows(whole, resumed);
  }
}

}  // namespace
}  // namespace rl
