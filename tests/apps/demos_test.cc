// `rewardlab demos` as a user runs it: a trained run's episodes recorded as a Minari dataset that
// replays step for step in the env (terminated and truncated episodes alike), the expert's return
// in the metadata, and one-line refusals with exit code 2 that leave nothing behind.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "envs/demo_dataset.h"
#include "envs/registry.h"
#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using testing::RunCli;

// A short run of a shipped config (its final checkpoint is the one `demos` plays).
fs::path TrainedRun(const std::string& config, const std::string& sets) {
  static testing::TempDir tmp;
  const fs::path dir = tmp.Path() / config;
  if (fs::exists(dir / "checkpoints")) return dir;
  const testing::CliResult r =
      RunCli("train " REWARDLAB_SOURCE_DIR "/experiments/configs/" + config + " " + sets +
             " --set eval.every_steps=0 --set eval.episodes=1 --quiet --out " + dir.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  return dir;
}

// Replays every episode's actions from its seed, as `rollout --seed` does: the same observations,
// rewards and flags come out.
void CheckReplays(const DemoDataset& d, const std::string& env_id) {
  for (const DemoEpisode& e : d.episodes) {
    REQUIRE(e.seed.has_value());
    std::unique_ptr<Env> env = MakeEnv(env_id);
    env->SetRng(Rng(*e.seed, RngStream::kEnv, 0));
    Vec obs(e.obs.rows());
    env->Reset(obs);
    CHECK(obs == e.obs.col(0));
    StepResult r;
    env->ResizeFor(r);
    for (int t = 0; t < e.Steps(); ++t) {
      env->Step(e.actions.col(t), r);
      CHECK(r.obs == e.obs.col(t + 1));
      CHECK(r.reward == e.rewards[t]);
      CHECK(r.terminated == (e.terminations[t] != 0));
      CHECK(r.truncated == (e.truncations[t] != 0));
    }
  }
}

TEST_CASE("demos records a run's policy as a Minari dataset that replays in the env",
          "[smoke][minari]") {
  testing::TempDir tmp;
  SECTION("Pendulum-v1: every episode truncated at the time limit") {
    const fs::path run = TrainedRun("pendulum_sac.yaml", "--set total_steps=300");
    const std::string out = (tmp.Path() / "pendulum_demos").string();
    const testing::CliResult r =
        RunCli("demos " + run.string() + " --episodes 3 --seed 5 --out " + out);
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, StartsWith("demos Pendulum-v1 3 episodes: expert return "));
    CHECK_THAT(r.out, Contains("seeds 5..7, checkpoint step 300, deterministic -> " + out));
    const DemoDataset d = LoadDemos(out, MakeEnv("Pendulum-v1")->Spec());
    REQUIRE(d.episodes.size() == 3);
    double sum = 0.0;
    for (size_t k = 0; k < 3; ++k) {
      CHECK(d.episodes[k].seed == 5 + k);
      CHECK(d.episodes[k].Steps() == 200);
      CHECK(d.episodes[k].truncations.back() == 1);
      CHECK_FALSE(d.episodes[k].Terminated());
      sum += d.episodes[k].rewards.sum();
    }
    CheckReplays(d, "Pendulum-v1");
    const auto m = nlohmann::json::parse(testing::ReadText(out + "/data/metadata.json"));
    CHECK(m["rewardlab"]["expert_return_mean"].get<double>() == Approx(sum / 3));
    CHECK(m["rewardlab"]["source_checkpoint_step"] == 300);
    CHECK(m["rewardlab"]["policy"] == "deterministic");
    CHECK(m["algorithm_name"] == "rewardlab sac");
    CHECK(m["dataset_id"] == "rewardlab/Pendulum-v1/pendulum_demos-v0");
  }
  SECTION("Hopper-v4: an untrained hopper falls, so its episodes terminate") {
    const fs::path run =
        TrainedRun("hopper_sac.yaml",
                   "--set total_steps=200 --set agent.buffer_size=1000 --set agent.threads=1");
    const std::string out = (tmp.Path() / "hopper_demos").string();
    const testing::CliResult r =
        RunCli("demos " + run.string() + " --episodes 2 --stochastic --out " + out);
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Contains("stochastic"));
    const DemoDataset d = LoadDemos(out, MakeEnv("Hopper-v4")->Spec());
    REQUIRE(d.episodes.size() == 2);
    for (const DemoEpisode& e : d.episodes) {
      CHECK(e.Terminated());
      CHECK(e.truncations.back() == 0);
      CHECK(e.Steps() < 1000);
    }
    CheckReplays(d, "Hopper-v4");
  }
}

TEST_CASE("demos refuses bad input in one line with exit 2 and writes nothing", "[smoke][minari]") {
  testing::TempDir tmp;
  const std::string out = (tmp.Path() / "out").string();
  const auto refused = [&](const std::string& args, const std::string& says) {
    const testing::CliResult r = RunCli("demos " + args);
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Contains(says));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  };
  refused(tmp.Path().string() + "/norun --episodes 2 --out " + out, "no such run folder");
  refused(tmp.Path().string() + " --episodes 2 --out " + out, "");  // a folder that is no run
  const fs::path run = TrainedRun("pendulum_sac.yaml", "--set total_steps=300");
  refused(run.string() + " --episodes 0 --out " + out, "--episodes");
  refused(run.string() + " --episodes 2", "--out");
  CHECK_FALSE(fs::exists(out));
  // a folder that holds something is left as it was
  fs::create_directories(tmp.Path() / "full");
  tmp.Write("full/keep.txt", "keep");
  refused(run.string() + " --episodes 2 --out " + (tmp.Path() / "full").string(),
          "exists and is not an empty folder");
  CHECK(testing::ReadText(tmp.Path() / "full/keep.txt") == "keep");
  CHECK(std::distance(fs::directory_iterator(tmp.Path() / "full"), fs::directory_iterator{}) == 1);
}

}  // namespace
}  // namespace rl
