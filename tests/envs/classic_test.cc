// Crafted-state checks of the classic-control quirks that Gymnasium's numbers depend on.
#include <catch2/catch.hpp>
#include <cmath>
#include <initializer_list>
#include <numbers>

#include "core/config.h"
#include "core/config_node.h"
#include "core/error.h"
#include "envs/classic/acrobot.h"
#include "envs/classic/cartpole.h"
#include "envs/classic/mountain_car.h"
#include "envs/classic/pendulum.h"

namespace rl {
namespace {

constexpr double kPi = std::numbers::pi;

// Resets `env` to `state` and takes one step with `action`.
StepResult StepFrom(Env& env, const Vec& state, double action) {
  Vec obs(env.Spec().observation.Dim());
  env.Reset(obs, ResetOptions{state});
  StepResult out;
  env.ResizeFor(out);
  env.Step(Vec::Constant(1, action), out);
  return out;
}

TEST_CASE("cartpole pays the failing step and fails strictly past the bands", "[unit]") {
  CartPole env;
  REQUIRE(env.Spec().reward_terms == std::vector<std::string>{"alive"});
  // x = 2.4 exactly is still inside; 2.39 + 0.02 * 1 is outside
  CHECK_FALSE(StepFrom(env, Eigen::Vector4d(2.4, 0.0, 0.0, 0.0), 1).terminated);
  StepResult out = StepFrom(env, Eigen::Vector4d(2.39, 1.0, 0.0, 0.0), 1);
  CHECK(out.terminated);
  CHECK(out.reward == 1.0);
  // stepping past the end pays nothing (Gymnasium's steps_beyond_terminated)
  env.Step(Vec::Constant(1, 0.0), out);
  CHECK(out.reward == 0.0);
  // 12 degrees exactly is inside; beyond it fails
  const double limit = 12 * 2 * kPi / 360;
  CHECK_FALSE(StepFrom(env, Eigen::Vector4d(0.0, 0.0, limit, 0.0), 0).terminated);
  CHECK(StepFrom(env, Eigen::Vector4d(0.0, 0.0, -limit, -0.01), 0).terminated);
}

TEST_CASE("cartpole sutton_barto_reward pays 0 per step and -1 on failure", "[unit]") {
  CartPole env(CartPoleConfig{.sutton_barto_reward = true});
  CHECK(env.Spec().reward_terms == std::vector<std::string>{"failure"});
  CHECK(StepFrom(env, Eigen::Vector4d::Zero(), 1).reward == 0.0);
  CHECK(StepFrom(env, Eigen::Vector4d(2.39, 1.0, 0.0, 0.0), 1).reward == -1.0);
  const CartPoleConfig read = ReadConfig<CartPoleConfig>(
      ParseYaml("sutton_barto_reward: true\n", "test.yaml"), "env.options");
  CHECK(read.sutton_barto_reward);
}

TEST_CASE("pendulum wraps angles with Python's floored modulo", "[unit]") {
  CHECK(AngleNormalize(3 * kPi / 2) == Approx(-kPi / 2).margin(1e-15));
  CHECK(AngleNormalize(kPi) == -kPi);  // [-pi, pi): +pi maps to -pi
  CHECK(AngleNormalize(-kPi) == -kPi);
  CHECK(AngleNormalize(-3 * kPi / 2) == Approx(kPi / 2).margin(1e-15));
  CHECK(AngleNormalize(0.5) == Approx(0.5).margin(1e-15));
}

TEST_CASE("pendulum charges the pre-step state and the clipped torque", "[unit]") {
  Pendulum env;
  const Vec state = Eigen::Vector2d(3 * kPi / 2, 2.0);
  const StepResult out = StepFrom(env, state, 5.0);
  const double angle = AngleNormalize(3 * kPi / 2);
  CHECK(out.terms[0] == -(angle * angle));  // (-pi/2)^2, not (3pi/2)^2
  CHECK(out.terms[1] == -(0.1 * 4.0));
  CHECK(out.terms[2] == -(0.001 * 4.0));  // torque 5 is clipped to 2
  CHECK(out.reward == -(angle * angle + 0.1 * 4.0 + 0.001 * 4.0));
  CHECK_FALSE(out.terminated);
  // the torque clip also applies to the physics
  Pendulum clipped;
  StepFrom(clipped, state, 2.0);
  CHECK(env.PhysicalState() == clipped.PhysicalState());
  // gravity is an option; g must be positive
  Pendulum light(PendulumConfig{.g = 1.0});
  StepFrom(light, Eigen::Vector2d(1.0, 0.0), 0.0);
  CHECK(light.PhysicalState()[1] == (0.0 + (3 * 1.0 / 2.0 * std::sin(1.0) + 0.0) * 0.05));
  CHECK_THROWS_AS(ReadConfig<PendulumConfig>(ParseYaml("g: -1\n", "test.yaml"), "env.options"),
                  UserError);
}

TEST_CASE("mountain car continuous charges the unclipped action", "[unit]") {
  MountainCarContinuous env, reference;
  const Vec state = Eigen::Vector2d(-0.5, 0.0);
  const StepResult out = StepFrom(env, state, 3.0);
  CHECK(out.terms[0] == 0.0);
  CHECK(out.terms[1] == -(9.0 * 0.1));
  CHECK(out.reward == Approx(-0.9));
  const StepResult ref = StepFrom(reference, state, 1.0);
  CHECK(out.obs == ref.obs);
  CHECK(env.PhysicalState() == reference.PhysicalState());
  // the state is kept as float32 after a step
  for (int i = 0; i < 2; ++i) {
    const double x = env.PhysicalState()[i];
    CHECK(x == static_cast<double>(static_cast<float>(x)));
  }
  // reaching 0.45 moving right pays 100 on top of the control cost
  const StepResult goal = StepFrom(env, Eigen::Vector2d(0.44, 0.05), 0.5);
  CHECK(goal.terminated);
  CHECK(goal.reward == 100.0 - 0.25 * 0.1);
}

// HERON ranks `goal` above effort (algorithms.md §3.4): unlike the authors' "done" flag, the goal
// term is paid by reaching the flag and never by the time limit.
TEST_CASE("mountain car continuous pays its goal term on reaching the flag, never on truncation",
          "[unit]") {
  MountainCarContinuous env;
  env.SetMaxEpisodeSteps(3);
  Vec obs(2);
  env.Reset(obs, ResetOptions{Eigen::Vector2d(-0.5, 0.0)});
  StepResult out;
  env.ResizeFor(out);
  for (int i = 0; i < 3; ++i) env.Step(Vec::Constant(1, 0.0), out);
  CHECK(out.truncated);
  CHECK_FALSE(out.terminated);
  CHECK(out.terms[0] == 0.0);
  // the goal on the step the limit also cuts: terminated, paid
  env.Reset(obs, ResetOptions{Eigen::Vector2d(0.44, 0.05)});
  env.SetMaxEpisodeSteps(1);
  env.Step(Vec::Constant(1, 0.5), out);
  CHECK(out.terminated);
  CHECK(out.terms[0] == 100.0);
}

TEST_CASE("mountain car stops at the left wall and finishes at the flag", "[unit]") {
  MountainCar env;
  const StepResult out = StepFrom(env, Eigen::Vector2d(-1.19, -0.05), 0);
  CHECK(env.PhysicalState()[0] == -1.2);
  CHECK(env.PhysicalState()[1] == 0.0);
  CHECK(out.reward == -1.0);
  CHECK_FALSE(out.terminated);
  CHECK(StepFrom(env, Eigen::Vector2d(0.49, 0.05), 2).terminated);
  // a goal velocity the car does not reach keeps the episode going
  MountainCar strict(MountainCarConfig{.goal_velocity = 0.07});
  CHECK_FALSE(StepFrom(strict, Eigen::Vector2d(0.49, 0.05), 2).terminated);
}

TEST_CASE("acrobot pays 0 on the terminal step and wraps its angles", "[unit]") {
  Acrobot env;
  const StepResult up = StepFrom(env, Eigen::Vector4d(kPi, 0.0, 0.0, 0.0), 1);
  CHECK(up.terminated);
  CHECK(up.reward == 0.0);
  const StepResult down = StepFrom(env, Eigen::Vector4d::Zero(), 1);
  CHECK_FALSE(down.terminated);
  CHECK(down.reward == -1.0);
  CHECK(AcrobotWrap(3 * kPi, -kPi, kPi) == Approx(kPi));
  CHECK(AcrobotWrap(-7.0, -kPi, kPi) == Approx(-7.0 + 2 * kPi));
  CHECK(AcrobotWrap(kPi, -kPi, kPi) == kPi);  // the bounds themselves stay
  // velocities are bounded to 4 pi and 9 pi
  StepFrom(env, Eigen::Vector4d(0.0, 0.0, 100.0, -100.0), 1);
  CHECK(std::abs(env.PhysicalState()[2]) == 4 * kPi);
  CHECK(std::abs(env.PhysicalState()[3]) == 9 * kPi);
}

TEST_CASE("classic resets sample Gymnasium's ranges - deterministically per seed", "[unit]") {
  CartPole cartpole, cartpole_twin;
  Pendulum pendulum;
  MountainCar car;
  MountainCarContinuous car_continuous;
  Acrobot acrobot;
  cartpole.Seed(5);
  cartpole_twin.Seed(5);
  pendulum.Seed(5);
  car.Seed(5);
  car_continuous.Seed(5);
  acrobot.Seed(5);
  Vec obs4(4), twin(4), obs3(3), obs2(2), obs6(6);
  for (int i = 0; i < 200; ++i) {
    // CartPole: U(-0.05, 0.05) per entry, the same draws for the same seed
    cartpole.Reset(obs4);
    cartpole_twin.Reset(twin);
    CHECK(obs4 == twin);
    CHECK(cartpole.PhysicalState().cwiseAbs().maxCoeff() < 0.05);
    CHECK(cartpole.Spec().observation.Contains(obs4));

    // Pendulum: theta ~ U(-pi, pi), theta_dot ~ U(-1, 1)
    pendulum.Reset(obs3);
    CHECK(std::abs(pendulum.PhysicalState()[0]) <= kPi);
    CHECK(std::abs(pendulum.PhysicalState()[1]) < 1.0);
    CHECK(pendulum.Spec().observation.Contains(obs3));

    // MountainCar(Continuous): position ~ U(-0.6, -0.4), at rest
    for (Env* env : std::initializer_list<Env*>{&car, &car_continuous}) {
      env->Reset(obs2);
      CHECK(env->PhysicalState()[0] >= -0.6);
      CHECK(env->PhysicalState()[0] < -0.4);
      CHECK(env->PhysicalState()[1] == 0.0);
      CHECK(env->Spec().observation.Contains(obs2));
    }

    // Acrobot: U(-0.1, 0.1) per entry, cast to float32 as Gymnasium does
    acrobot.Reset(obs6);
    const Vec s = acrobot.PhysicalState();
    CHECK(s.cwiseAbs().maxCoeff() <= 0.1);
    CHECK(s == s.cast<float>().cast<double>());
    CHECK(acrobot.Spec().observation.Contains(obs6));
  }
}

}  // namespace
}  // namespace rl
