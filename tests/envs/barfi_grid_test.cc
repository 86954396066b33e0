// BARFI's almost gridworld (algorithms.md §2.6): sub-steps, clipping, goal termination vs the
// 50-step truncation, the random-action rate, the heuristics at hand-computed states, the option
// check and determinism.
#include <catch2/catch.hpp>
#include <string>

#include "core/config_node.h"
#include "envs/grid/almost_grid.h"
#include "envs/registry.h"
#include "tests/support/errors.h"

namespace rl {
namespace {

// The env with `heuristic`, deterministic moves unless `random_prob` is given.
AlmostGridWorld Grid(const std::string& heuristic = "none", double random_prob = 0.0) {
  return AlmostGridWorld(
      AlmostGridConfig{.heuristic = heuristic, .random_action_prob = random_prob});
}

// Resets `env` to (x, y) and takes one step with `action`.
StepResult StepFrom(AlmostGridWorld& env, double x, double y, int action) {
  Vec obs(2);
  env.Reset(obs, ResetOptions{Eigen::Vector2d(x, y)});
  StepResult out;
  env.ResizeFor(out);
  env.Step(Vec::Constant(1, action), out);
  return out;
}

TEST_CASE("almost gridworld spec: terms, heuristic left out of the sum, start",
          "[barfi_env][unit]") {
  AlmostGridWorld env = Grid();
  const EnvSpec& spec = env.Spec();
  CHECK(spec.id == "barfi/GridWorld-v0");
  CHECK(spec.reward_terms == std::vector<std::string>{"step", "goal", "heuristic"});
  CHECK(spec.num_aux_terms == 1);
  CHECK(spec.NumSummedTerms() == 2);
  CHECK(spec.max_episode_steps == 50);
  CHECK(spec.action.n == 4);
  Vec obs(2);
  env.Reset(obs);
  CHECK(obs == Eigen::Vector2d(0.125, 0.125));
  // the registry builds the same env
  CHECK(MakeEnv("barfi/GridWorld-v0")->Spec().reward_terms == spec.reward_terms);
}

TEST_CASE("almost gridworld moves 4 sub-steps of 0.045 and clips to the square",
          "[barfi_env][unit]") {
  AlmostGridWorld env = Grid();
  // 0 up, 1 right, 2 down, 3 left: 4 x 0.045 = 0.18
  StepResult r = StepFrom(env, 0.5, 0.5, 0);
  CHECK(r.obs[0] == 0.5);
  CHECK(r.obs[1] == Approx(0.68).margin(1e-12));
  CHECK(StepFrom(env, 0.5, 0.5, 1).obs[0] == Approx(0.68).margin(1e-12));
  CHECK(StepFrom(env, 0.5, 0.5, 2).obs[1] == Approx(0.32).margin(1e-12));
  r = StepFrom(env, 0.5, 0.5, 3);
  CHECK(r.obs[0] == Approx(0.32).margin(1e-12));
  CHECK_FALSE(r.terminated);
  CHECK(r.reward == -0.1);
  CHECK(r.terms[0] == -0.1);
  CHECK(r.terms[1] == 0.0);
  // no walls: the square's edges stop the point
  CHECK(StepFrom(env, 0.02, 0.5, 3).obs == Eigen::Vector2d(0.0, 0.5));
  CHECK(StepFrom(env, 0.3, 0.9, 0).obs == Eigen::Vector2d(0.3, 1.0));
  CHECK(StepFrom(env, 1.0, 0.0, 2).obs == Eigen::Vector2d(1.0, 0.0));
  // a start outside the square is refused
  Vec obs(2);
  CHECK_THAT(testing::ErrorOf([&] { env.Reset(obs, ResetOptions{Eigen::Vector2d(1.2, 0.5)}); }),
             Catch::Contains("[0, 1]^2"));
}

TEST_CASE("almost gridworld's goal pays +100 and terminates; 50 steps truncate",
          "[barfi_env][unit]") {
  CHECK(AlmostGridWorld::InGoal(0.75, 0.99));
  CHECK_FALSE(AlmostGridWorld::InGoal(0.749, 0.8));
  CHECK_FALSE(AlmostGridWorld::InGoal(0.8, 0.991));
  AlmostGridWorld env = Grid();
  // 0.7 -> 0.745 -> 0.79: the move stops at the second sub-step, inside the goal
  StepResult r = StepFrom(env, 0.7, 0.8, 1);
  CHECK(r.terminated);
  CHECK_FALSE(r.truncated);
  CHECK(r.obs[0] == Approx(0.79).margin(1e-12));
  CHECK(r.terms[1] == 100.0);
  CHECK(r.reward == Approx(99.9));
  // along the top edge above the goal (y = 1 > 0.99) nothing ends
  CHECK_FALSE(StepFrom(env, 0.6, 1.0, 1).terminated);

  // pushing into the bottom-left corner for 50 steps: truncated at 50, never terminated
  Vec obs(2);
  env.Reset(obs);
  StepResult out;
  env.ResizeFor(out);
  double ret = 0.0;
  for (int t = 1; t <= 50; ++t) {
    env.Step(Vec::Constant(1, t % 2 == 0 ? 2.0 : 3.0), out);
    ret += out.reward;
    CHECK_FALSE(out.terminated);
    CHECK(out.truncated == (t == 50));
  }
  CHECK(ret == Approx(-5.0));
  CHECK(out.obs == Eigen::Vector2d(0.0, 0.0));
}

TEST_CASE("almost gridworld replaces about 10% of the actions", "[barfi_env][unit]") {
  // a replaced action is another direction 3 times in 4: expect 7.5% of the moves not up
  for (const auto& [prob, want] : {std::pair{0.1, 0.075}, std::pair{1.0, 0.75}}) {
    AlmostGridWorld env = Grid("none", prob);
    env.Seed(7);
    int other = 0;
    const int n = 4000;
    for (int i = 0; i < n; ++i) other += StepFrom(env, 0.5, 0.5, 0).obs[1] <= 0.5;
    INFO("random_action_prob " << prob);
    CHECK(static_cast<double>(other) / n == Approx(want).margin(0.02));
  }
}

TEST_CASE("almost gridworld heuristics at hand-computed states", "[barfi_env][unit]") {
  // good: -|p - (0.87, 0.87)|^2 summed over the sub-steps (0.17..0.305, 0.125) from the start
  AlmostGridWorld good = Grid("good");
  const double xs = 0.7 * 0.7 + 0.655 * 0.655 + 0.61 * 0.61 + 0.565 * 0.565;
  StepResult r = StepFrom(good, 0.125, 0.125, 1);
  CHECK(r.terms[2] == Approx(-(xs + 4 * 0.745 * 0.745)).margin(1e-12));
  CHECK(r.reward == -0.1);  // left out of the sum
  CHECK(good.SubStepHeuristic(0.87, 0.87) == 0.0);
  // the agent's y counts (the official code's distance saw x only)
  CHECK(good.SubStepHeuristic(0.3, 0.87) == Approx(-0.57 * 0.57));
  CHECK(good.SubStepHeuristic(0.3, 0.1) == Approx(-(0.57 * 0.57 + 0.77 * 0.77)));

  // bad: +50 per sub-step that ends in [0.4, 0.6]^2
  AlmostGridWorld bad = Grid("bad");
  CHECK(StepFrom(bad, 0.4, 0.5, 1).terms[2] == 200.0);   // 0.445 .. 0.58
  CHECK(StepFrom(bad, 0.35, 0.5, 1).terms[2] == 150.0);  // 0.395 is outside
  CHECK(StepFrom(bad, 0.55, 0.5, 1).terms[2] == 50.0);   // 0.595 only
  CHECK(StepFrom(bad, 0.5, 0.7, 1).terms[2] == 0.0);
  CHECK(StepFrom(bad, 0.4, 0.5, 1).reward == -0.1);
  CHECK(StepFrom(bad, 0.7, 0.8, 1).terms[2] == 0.0);  // terminal step

  // none: always 0
  AlmostGridWorld none = Grid("none");
  CHECK(StepFrom(none, 0.4, 0.5, 1).terms[2] == 0.0);
  CHECK(StepFrom(none, 0.1, 0.1, 1).terms[2] == 0.0);
}

TEST_CASE("almost gridworld rejects an unknown heuristic in one line", "[barfi_env][unit]") {
  const std::string e = testing::ErrorOf(
      [] { MakeEnv("barfi/GridWorld-v0", ParseYaml("heuristic: great\n", "test.yaml")); });
  CHECK_THAT(e,
             Catch::Contains("heuristic") && Catch::Contains("great") && Catch::Contains("good"));
  CHECK(e.find('\n') == std::string::npos);
  CHECK_THAT(testing::ErrorOf([] {
               MakeEnv("barfi/GridWorld-v0", ParseYaml("random_action_prob: 2\n", "test.yaml"));
             }),
             Catch::Contains("random_action_prob"));
}

TEST_CASE("almost gridworld: same seed, same episode", "[barfi_env][unit]") {
  const auto episode = [](uint64_t seed) {
    AlmostGridWorld env = Grid("good", 0.1);
    env.Seed(seed);
    Vec obs(2);
    env.Reset(obs);
    StepResult out;
    env.ResizeFor(out);
    std::vector<double> trace;
    for (int t = 0; t < 50 && !out.terminated; ++t) {
      env.Step(Vec::Constant(1, t % 3 == 0 ? 0.0 : 1.0), out);
      trace.insert(trace.end(), {out.obs[0], out.obs[1], out.reward, out.terms[2]});
    }
    return trace;
  };
  CHECK(episode(3) == episode(3));
  CHECK(episode(3) != episode(4));
}

}  // namespace
}  // namespace rl
