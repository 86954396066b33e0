// BARFI's heuristic options of CartPole-v1 (PD-controller agreement) and MountainCar-v0 (sparse
// primary, energy pumping), algorithms.md §2.6; and the env reward module's weight 0 for
// heuristic terms.
#include <catch2/catch.hpp>
#include <string>

#include "core/config_node.h"
#include "envs/check_env.h"
#include "envs/classic/cartpole.h"
#include "envs/classic/mountain_car.h"
#include "envs/grid/almost_grid.h"
#include "envs/registry.h"
#include "rewards/registry.h"
#include "tests/support/errors.h"

namespace rl {
namespace {

// Resets `env` to `state` and returns a sized StepResult.
StepResult ResetTo(Env& env, const Vec& state) {
  Vec obs(env.Spec().observation.Dim());
  env.Reset(obs, ResetOptions{state});
  StepResult out;
  env.ResizeFor(out);
  return out;
}

// The heuristic term of one step with `action` from `state`.
double HeuristicFrom(Env& env, const Vec& state, int action) {
  StepResult out = ResetTo(env, state);
  env.Step(Vec::Constant(1, action), out);
  return out.terms[1];
}

// CartPole-v1 with `heuristic`.
CartPole Pole(const std::string& heuristic) {
  return CartPole(CartPoleConfig{.sutton_barto_reward = false, .heuristic = heuristic});
}

TEST_CASE("cartpole's heuristic term exists only when asked for", "[barfi_env][unit]") {
  CartPole plain;
  CHECK(plain.Spec().reward_terms == std::vector<std::string>{"alive"});
  CHECK(plain.Spec().num_aux_terms == 0);
  CHECK(plain.SnapshotState().size() == 4);
  CartPole best = Pole("best");
  CHECK(best.Spec().reward_terms == std::vector<std::string>{"alive", "heuristic"});
  CHECK(best.Spec().num_aux_terms == 1);
  CHECK(MakeEnv("CartPole-v1", ParseYaml("heuristic: bad5\n", "test.yaml"))->Spec().num_aux_terms ==
        1);
}

TEST_CASE("cartpole PD controller: P = 0.1 on theta, D on theta's change", "[barfi_env][unit]") {
  // z = 0.1 * 0.02 + D * (0.02 - 0.03): D = 0.5 gives -0.003 (push left), D = 0.1 gives +0.001
  CHECK(CartPole::PdAction(0.1, 0.5, 0.02, 0.03) == 0);
  CHECK(CartPole::PdAction(0.1, 0.1, 0.02, 0.03) == 1);
  CHECK(CartPole::PdAction(0.1, 0.5, -0.02, -0.01) == 0);
  CHECK(CartPole::PdAction(0.1, 0.5, 0.0, 0.0) == 0);  // round(sigmoid(0)) = round(0.5) = 0
}

TEST_CASE("cartpole's best PD controller balances 500 steps and always agrees",
          "[barfi_env][unit]") {
  CartPole env = Pole("best");
  env.Seed(5);
  Vec obs(4);
  env.Reset(obs);
  StepResult out;
  env.ResizeFor(out);
  double prev = 0.0, ret = 0.0, agreement = 0.0;
  for (int t = 0; t < 500 && !out.terminated; ++t) {
    const int a = CartPole::PdAction(0.1, 0.5, obs[2], prev);
    prev = obs[2];
    env.Step(Vec::Constant(1, a), out);
    obs = out.obs;
    ret += out.reward;
    agreement += out.terms[1];
  }
  CHECK(ret == 500.0);
  CHECK(agreement == 500.0);
}

TEST_CASE("cartpole PD heuristics at hand-computed states", "[barfi_env][unit]") {
  // first step: previous angle 0, z = 0.1 * 0.05 + 0.5 * 0.05 > 0, the controller pushes right
  const Vec tilted = Eigen::Vector4d(0.0, 0.0, 0.05, 0.0);
  const auto heuristic = [&](const std::string& name, int action) {
    CartPole env = Pole(name);
    return HeuristicFrom(env, tilted, action);
  };
  CHECK(heuristic("best", 1) == 1.0);
  CHECK(heuristic("best", 0) == 0.0);
  CHECK(heuristic("good", 1) == 1.0);
  CHECK(heuristic("bad", 1) == -1.0);
  CHECK(heuristic("bad", 0) == 0.0);
  CHECK(heuristic("best5", 1) == 5.0);
  CHECK(heuristic("best5", 0) == -1.0);
  CHECK(heuristic("bad5", 1) == -5.0);
  CHECK(heuristic("bad5", 0) == 1.0);

  // second step: theta 0.02 -> 0.01 (theta_dot -0.5), z = 0.001 - 0.005 < 0: the controller
  // pushes left although the pole leans right; the reward stays +1 either way
  CartPole env = Pole("best");
  StepResult out = ResetTo(env, Eigen::Vector4d(0.0, 0.0, 0.02, -0.5));
  env.Step(Vec::Constant(1, 1.0), out);
  CHECK(out.terms[1] == 1.0);
  CHECK(out.obs[2] == Approx(0.01).margin(1e-7));
  const Vec snapshot = env.SnapshotState();
  env.Step(Vec::Constant(1, 0.0), out);
  CHECK(out.terms[1] == 1.0);
  CHECK(out.reward == 1.0);

  // a restored snapshot keeps the controller's previous angle
  CartPole restored = Pole("best");
  Vec obs(4);
  restored.RestoreState(snapshot, 1, Rng(0), obs);
  StepResult again;
  restored.ResizeFor(again);
  restored.Step(Vec::Constant(1, 1.0), again);
  CHECK(again.terms[1] == 0.0);  // disagrees with the left push
}

TEST_CASE("mountain car's sparse primary pays +1 at the flag only", "[barfi_env][unit]") {
  MountainCar plain;
  CHECK(plain.Spec().reward_terms == std::vector<std::string>{"step"});
  MountainCar env(MountainCarConfig{.sparse_reward = true});
  CHECK(env.Spec().reward_terms == std::vector<std::string>{"goal"});
  StepResult out = ResetTo(env, Eigen::Vector2d(-0.5, 0.0));
  env.Step(Vec::Constant(1, 2.0), out);
  CHECK(out.reward == 0.0);
  CHECK_FALSE(out.terminated);
  out = ResetTo(env, Eigen::Vector2d(0.49, 0.07));
  env.Step(Vec::Constant(1, 2.0), out);
  CHECK(out.terminated);
  CHECK(out.reward == 1.0);
}

TEST_CASE("mountain car's energy-pumping heuristic at hand-computed states", "[barfi_env][unit]") {
  MountainCar pump(MountainCarConfig{.sparse_reward = true, .heuristic = "pump"});
  CHECK(pump.Spec().reward_terms == std::vector<std::string>{"goal", "heuristic"});
  CHECK(pump.Spec().num_aux_terms == 1);
  const Vec left = Eigen::Vector2d(-0.5, -0.01), right = Eigen::Vector2d(-0.5, 0.01);
  CHECK(HeuristicFrom(pump, left, 0) == 1.0);
  CHECK(HeuristicFrom(pump, left, 1) == -1.0);
  CHECK(HeuristicFrom(pump, left, 2) == -1.0);
  CHECK(HeuristicFrom(pump, right, 2) == 1.0);
  CHECK(HeuristicFrom(pump, right, 0) == -1.0);
  for (int a = 0; a < 3; ++a) CHECK(HeuristicFrom(pump, Eigen::Vector2d(-0.5, 0.0), a) == -1.0);
  // left out of the reward
  StepResult out = ResetTo(pump, left);
  pump.Step(Vec::Constant(1, 0.0), out);
  CHECK(out.reward == 0.0);

  MountainCar velocity(MountainCarConfig{.heuristic = "velocity"});
  CHECK(HeuristicFrom(velocity, Eigen::Vector2d(-0.5, -0.02), 1) == Approx(0.2));
  CHECK(HeuristicFrom(velocity, Eigen::Vector2d(-0.5, 0.03), 0) == Approx(0.3));
}

TEST_CASE("an unknown heuristic is a one-line error naming the option", "[barfi_env][unit]") {
  for (const char* id : {"CartPole-v1", "MountainCar-v0"}) {
    const std::string e =
        testing::ErrorOf([&] { MakeEnv(id, ParseYaml("heuristic: worst\n", "test.yaml")); });
    INFO(id << ": " << e);
    CHECK_THAT(e,
               Catch::Contains("heuristic") && Catch::Contains("worst") && Catch::Contains("none"));
    CHECK(e.find('\n') == std::string::npos);
  }
  CHECK_THAT(testing::ErrorOf([] { CartPole(CartPoleConfig{.heuristic = "worst"}); }),
             Catch::Contains("env.options.heuristic"));
}

TEST_CASE("the heuristic options keep the env contract", "[barfi_env][unit]") {
  for (const auto& [id, yaml] :
       {std::pair{"CartPole-v1", "heuristic: best5\n"},
        std::pair{"MountainCar-v0", "{sparse_reward: true, heuristic: pump}"},
        std::pair{"barfi/GridWorld-v0", "heuristic: bad\n"}}) {
    for (const CheckResult& r : CheckEnv(id, ParseYaml(yaml, "test.yaml"), {1, 2000})) {
      INFO(id << " check " << r.name << ": " << r.detail);
      CHECK(r.passed);
    }
  }
}

TEST_CASE("the env reward module weighs heuristic terms 0 unless named", "[barfi_env][unit]") {
  const AlmostGridWorld env(AlmostGridConfig{.heuristic = "bad", .random_action_prob = 0.0});
  // one transition: step -0.1, goal 0, heuristic 200; the env reward -0.1
  Eigen::MatrixXf obs = Eigen::MatrixXf::Zero(2, 1), action = Eigen::MatrixXf::Zero(1, 1);
  Eigen::VectorXf env_reward = Eigen::VectorXf::Constant(1, -0.1f);
  Eigen::MatrixXf terms(3, 1);
  terms << -0.1f, 0.0f, 200.0f;
  const uint8_t flags[1] = {0};
  const auto label = [&](const std::string& yaml) {
    const RewardPipeline p = MakeRewardPipeline(ParseYaml(yaml, "test.yaml"), {&env, 0.99, 0, 0});
    Eigen::VectorXf r(1);
    p.Label({obs, action, obs, env_reward, terms, flags, flags}, r);
    return r[0];
  };
  CHECK(label("[{type: env}]") == Approx(-0.1f));
  CHECK(label("[{type: env, terms: {goal: 1}}]") == Approx(-0.1f));
  CHECK(label("[{type: env, terms: {heuristic: 1}}]") == Approx(199.9f));
  CHECK(label("[{type: env, terms: {heuristic: 0.5}}]") == Approx(99.9f));
}

}  // namespace
}  // namespace rl
