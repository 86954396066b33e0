// NaN and inf injected into training through the CLI (issue 16 §3): a non-finite optimised
// reward, update statistic or parameter stops `train` with one line and exit 2, the run file
// stays unfinished and says why, and the checkpoint left (if any) is finite and from before.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/h5.h"
#include "core/run_file.h"
#include "experiments/build.h"
#include "experiments/run_dir.h"
#include "loop/checkpointer.h"
#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

using testing::ReadText;

// The lines of `text` that contain `what`.
int CountLines(const std::string& text, const std::string& what) {
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line);) n += line.find(what) != std::string::npos;
  return n;
}

// What a faulted run left behind.
struct Fault {
  std::string error;        // the error line
  int64_t step = -1;        // the env step it names
  int64_t checkpoint = -1;  // the step of the checkpoint left, -1 when none
};

// Trains `args` into `run`, expects the fault to stop it and checks what it left: exit 2, one
// error line containing `what`, an unfinished run file whose `failure` attribute and console.log
// say the same, and a finite checkpoint from before the fault (if any).
Fault ExpectFault(const std::string& args, const fs::path& run, const std::string& what) {
  const testing::CliResult r =
      testing::RunCli("train " + args + " --out " + run.string() + " --quiet");
  INFO(r.out);
  REQUIRE(r.code == 2);
  REQUIRE(CountLines(r.out, "rewardlab: error:") == 1);
  CHECK(CountLines(r.out, "non-finite") + CountLines(r.out, " is inf") +
            CountLines(r.out, " is nan") + CountLines(r.out, " is -inf") ==
        1);
  Fault f;
  // "rewardlab: error: step N: ..." (std::regex trips GCC 12's maybe-uninitialized under ASan)
  const std::string prefix = "rewardlab: error: ";
  const size_t at = r.out.find(prefix + "step ");
  REQUIRE(at != std::string::npos);
  f.error = r.out.substr(at + prefix.size(), r.out.find('\n', at) - at - prefix.size());
  f.step = std::stoll(f.error.substr(5));
  CHECK_THAT(f.error, Contains(what));

  // the run: not finished, and it says why where a reader and a person look
  const std::string h5 = (run / "run.h5").string();
  CHECK_FALSE(ReadRunFile(h5).finished);
  CHECK(h5::File::OpenReadOnly(h5).ReadStringAttr("failure") == f.error);
  CHECK(CountLines(ReadText(run / "console.log"), "failed: " + f.error) == 1);

  // the checkpoint left holds finite parameters from before the fault
  const std::string latest = Checkpointer::Latest((run / "checkpoints").string());
  if (!latest.empty()) {
    f.checkpoint = h5::File::OpenReadOnly(latest).ReadIntAttr("step");
    CHECK(f.checkpoint < f.step);
    Experiment e = BuildExperiment(LoadRunConfig(run.string()));
    Checkpointer::RestoreAgent(latest, *e.agent);
    CHECK(e.agent->NonFinite({}).empty());
  }
  return f;
}

TEST_CASE("PPO: an env reward weight of 1e308 stops at the first step", "[fault]") {
  testing::TempDir tmp;
  const Fault f = ExpectFault(kConfigs + "cartpole_ppo.yaml --set total_steps=20000 --set " +
                                  "'reward=[{type: env, weight: 1e308}]'",
                              tmp.Path() / "run",
                              "optimised reward of env 0 is inf (reward module 'env' gives 1, "
                              "weight 1e+308)");
  // CartPole runs 8 envs: the first step of all of them
  CHECK(f.step == 8);
  CHECK(f.checkpoint == -1);
}

TEST_CASE("PPO: a PBRS potential scaled by 1e308 stops at the first step", "[fault]") {
  testing::TempDir tmp;
  const Fault f =
      ExpectFault(kConfigs + "cartpole_ppo.yaml --set total_steps=20000 --set " +
                      "'reward=[{type: env}, {type: pbrs, potential: {type: linear, weights: " +
                      "[1, 1, 1, 1], scale: 1e308}}]'",
                  tmp.Path() / "run", "optimised reward of env 0 is nan (reward module 'pbrs'");
  CHECK(f.step == 8);
}

TEST_CASE("PPO: a value loss that overflows stops the update before its checkpoint", "[fault]") {
  // rewards of 1e30 are finite floats, their squared value errors are not; the checkpoint due
  // at the end of that first iteration is not written
  testing::TempDir tmp;
  const Fault f =
      ExpectFault(kConfigs + "cartpole_ppo.yaml --set total_steps=20000 --set " +
                      "checkpoint.every_steps=256 --set " + "'reward=[{type: env, weight: 1e30}]'",
                  tmp.Path() / "run", "PPO update produced a non-finite value_loss");
  CHECK(f.step == 256);
  CHECK(f.checkpoint == -1);
}

TEST_CASE("SAC: a critic learning rate of 1e6 diverges, the checkpoint before is kept",
          "[fault]") {
  // Adam moves each weight by about the learning rate per step: three layers of 1e6-sized
  // weights give Q values whose squared errors overflow within a few updates
  testing::TempDir tmp;
  const Fault f = ExpectFault(kConfigs + "pendulum_sac.yaml --set total_steps=2000 --set " +
                                  "checkpoint.every_steps=100 --set agent.q_lr=1e6",
                              tmp.Path() / "run", "SAC update produced a non-finite");
  CHECK(f.checkpoint >= 100);
}

TEST_CASE("Hopper: a healthy reward of 1e308 stops at the first step", "[fault]") {
  testing::TempDir tmp;
  const Fault f = ExpectFault(kConfigs + "hopper_ppo.yaml --set total_steps=20000 --set " +
                                  "env.options.healthy_reward=1e308",
                              tmp.Path() / "run",
                              "optimised reward of env 0 is inf (reward module 'env' gives inf");
  CHECK(f.step == 1);
}

}  // namespace
}  // namespace rl
