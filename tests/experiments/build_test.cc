// Building a run from a validated config: the env, evaluation env, agent and reward pipeline that
// validation built are the ones the run uses, and a run built from them trains exactly as one
// built afresh.
#include "experiments/build.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/agent_checks.h"
#include "tests/support/training.h"

namespace rl {
namespace {

// A gridworld run with a potential that reads the env's layout and a learned module.
const std::vector<std::string> kGridRun = {
    "env.id=Grid-Empty-5x5",
    "env.num_envs=2",
    "total_steps=256",
    "agent={type: ppo, num_steps: 32, net: {hidden: [8]}}",
    "reward=[{type: env}, {type: pbrs, potential: {type: grid_distance}}, "
    "{type: rnd, hidden: [8], window: 64, batch_size: 16}]",
    "eval.every_steps=128",
    "eval.episodes=2"};

TEST_CASE("a run takes over what validation built instead of building it again", "[unit]") {
  ValidatedParts parts;
  const ExperimentConfig config = LoadExperimentConfig("", kGridRun, nullptr, &parts);
  REQUIRE(parts.env);
  REQUIRE(parts.eval_env);
  REQUIRE(parts.agent);
  REQUIRE(parts.reward);
  const Env* env = parts.env.get();
  const Env* eval_env = parts.eval_env.get();
  const Agent* agent = parts.agent.get();
  const RewardPipeline* reward = parts.reward.get();
  Experiment run = BuildExperiment(config, std::move(parts));
  CHECK(&run.env->At(0) == env);
  CHECK(&run.eval_env->At(0) == eval_env);
  CHECK(run.agent.get() == agent);
  CHECK(run.reward.get() == reward);
  CHECK(run.env->Size() == 2);
  CHECK(run.eval_env->Size() == 2);
}

TEST_CASE("a run built from validated parts trains bit for bit as one built afresh", "[unit]") {
  const auto train = [](bool take_parts) {
    ValidatedParts parts;
    const ExperimentConfig config =
        LoadExperimentConfig("", kGridRun, nullptr, take_parts ? &parts : nullptr);
    Experiment run = BuildExperiment(config, std::move(parts));
    testing::Recorder events;
    run.trainer->AddHook(&events);
    run.trainer->Run();
    return events;
  };
  const testing::Recorder fresh = train(false), taken = train(true);
  REQUIRE(fresh.updates.size() == 4);
  REQUIRE(fresh.evals.size() == 2);
  testing::CheckSameEvents(fresh, taken);
}

}  // namespace
}  // namespace rl
