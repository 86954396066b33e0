// Potential-based shaping: exact values of F, telescoping over real episodes, policy invariance on
// every gridworld layout, and the known-wrong variants (Φ zeroed on truncation, a mismatched γ, a
// non-potential progress bonus) shown to change the optimal policy.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/config_node.h"
#include "core/run_file.h"
#include "envs/grid/grid_world.h"
#include "envs/grid/tabular.h"
#include "envs/grid/value_iteration.h"
#include "envs/registry.h"
#include "rewards/potential_shaping/potential.h"
#include "rewards/registry.h"
#include "rewards/starc/starc.h"
#include "rewards/tabular_reward.h"
#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

RewardPipeline Pipeline(const std::string& yaml, const Env& env, double gamma) {
  return MakeRewardPipeline(ParseYaml(yaml, "test.yaml"), {&env, gamma, 0, 0});
}

// The gridworld `layout` with its defaults (slip 0 unless given).
GridWorld Grid(const std::string& layout, double slip = 0.0) {
  GridConfig config = GridDefaults(layout);
  config.slip = slip;
  return GridWorld(config);
}

// Value iteration on the env's dynamics with the tabulated pipeline as reward.
ValueIterationResult Solve(const GridWorld& env, const std::vector<Eigen::MatrixXd>& table,
                           double gamma) {
  TabularMdp mdp = ExportTabular(env);
  mdp.R = ExpectedReward(mdp, table);
  return ValueIteration(mdp, gamma);
}

// The set of optimal actions of every state, as bit masks: actions within 1e-4 of the best
// (Q values of shaped rewards carry float32 rounding, which breaks exact ties either way).
std::vector<int> OptimalActions(const Eigen::MatrixXd& q) {
  std::vector<int> masks;
  for (int s = 0; s < q.rows(); ++s) {
    int mask = 0;
    for (int a = 0; a < q.cols(); ++a) mask |= (q(s, a) >= q.row(s).maxCoeff() - 1e-4) << a;
    masks.push_back(mask);
  }
  return masks;
}

// Φ of every state of `env` for the potential section `yaml`.
Eigen::VectorXf PotentialOfStates(const std::string& yaml, const GridWorld& env, double gamma) {
  const auto config = ReadConfig<PotentialConfig>(ParseYaml(yaml, "test.yaml"), "potential");
  const auto potential = MakePotential(config, "reward[0]", env, gamma);
  Eigen::MatrixXf obs(env.Spec().observation.Dim(), env.NumStates());
  Vec o(obs.rows());
  for (int st = 0; st < env.NumStates(); ++st) {
    env.Observe(st, o);
    obs.col(st) = o.cast<float>();
  }
  Eigen::VectorXf phi(env.NumStates());
  potential->Evaluate(obs, phi);
  return phi;
}

// A one-hot linear potential: value `phi` at state `s`, 0 elsewhere, as YAML weights.
std::string OneStatePotential(const GridWorld& env, int s, double phi) {
  std::string w;
  for (int i = 0; i < env.NumStates(); ++i) w += (i ? ", " : "") + std::to_string(i == s ? phi : 0);
  return "{type: linear, weights: [" + w + "]}";
}

TEST_CASE("pbrs with a constant potential pays (gamma-1)c and -c on termination", "[unit]") {
  const std::unique_ptr<Env> env = FindEnv("CartPole-v1").make({}, "env.options");
  const float c = 2.5f, gamma = 0.9f;
  const RewardPipeline shaping = Pipeline(
      "[{type: pbrs, potential: {type: linear, weights: [0, 0, 0, 0], bias: 2.5}}]", *env, gamma);
  Eigen::MatrixXf obs = Eigen::MatrixXf::Random(4, 3), action = Eigen::MatrixXf::Zero(1, 3);
  const Eigen::VectorXf env_reward = Eigen::VectorXf::Ones(3);
  const Eigen::MatrixXf terms = env_reward.transpose();
  const uint8_t terminated[3] = {0, 1, 0}, truncated[3] = {0, 0, 1};
  Eigen::VectorXf f(3);
  shaping.Label({obs, action, obs, env_reward, terms, terminated, truncated}, f);
  // (FMA contraction may round gamma*c - c differently in the last bit)
  CHECK(f[0] == Approx(gamma * c - c).epsilon(1e-6));
  CHECK(f[1] == -c);                                   // terminal: Φ(s') = 0
  CHECK(f[2] == Approx(gamma * c - c).epsilon(1e-6));  // truncated: Φ(s') is kept
}

TEST_CASE("pbrs telescopes over an episode to gamma^T Phi(s_T) - Phi(s_0)", "[unit]") {
  // a distance potential on FourRooms, random actions until the goal or the time limit
  GridWorld env = Grid("FourRooms", 0.1);
  const double gamma = 0.97;
  const RewardPipeline shaping =
      Pipeline("[{type: pbrs, potential: {type: grid_distance}}]", env, gamma);
  const Eigen::VectorXd phi = GoalDistancePotential(env);
  for (uint64_t seed : {1, 2, 3}) {
    INFO("seed " << seed);
    env.Seed(seed);
    Rng rng(seed, RngStream::kCli, 0);
    Vec obs(env.Spec().observation.Dim());
    env.Reset(obs);
    const int s0 = env.State();
    StepResult out;
    env.ResizeFor(out);
    double shaped = 0.0, discount = 1.0;
    Eigen::VectorXf f(1);
    do {
      Vec a = Vec::Constant(1, static_cast<double>(rng.UniformInt(4)));
      const Eigen::MatrixXf s = obs.cast<float>();
      env.Step(a, out);
      const Eigen::MatrixXf sp = out.obs.cast<float>(), af = a.cast<float>();
      const Eigen::VectorXf r = Eigen::VectorXf::Constant(1, static_cast<float>(out.reward));
      const Eigen::MatrixXf terms = out.terms.cast<float>();
      const uint8_t term = out.terminated, trunc = out.truncated;
      shaping.Label({s, af, sp, r, terms, &term, &trunc}, f);
      shaped += discount * f[0];
      discount *= gamma;
      obs = out.obs;
    } while (!out.terminated && !out.truncated);
    const double end = out.terminated ? 0.0 : discount * phi[env.State()];
    CHECK(shaped == Approx(end - phi[s0]).margin(1e-4));
  }
}

TEST_CASE("pbrs keeps the optimal policy on every gridworld layout", "[unit]") {
  const double gamma = 0.95;
  for (const std::string& layout : LayoutNames()) {
    for (const double slip : {0.0, 0.2}) {
      const GridWorld env = Grid(layout, slip);
      const ValueIterationResult plain =
          Solve(env, TabulateReward(Pipeline("[{type: env}]", env, gamma), env), gamma);
      for (const std::string& potential :
           {std::string("{type: grid_distance}"), std::string("{type: optimal_value}"),
            std::string("{type: grid_distance, scale: -3}"),
            OneStatePotential(env, env.NumStates() / 2, 7.0)}) {
        INFO(layout << " slip " << slip << " potential " << potential);
        const RewardPipeline shaped =
            Pipeline("[{type: env}, {type: pbrs, potential: " + potential + "}]", env, gamma);
        const ValueIterationResult s = Solve(env, TabulateReward(shaped, env), gamma);
        CHECK(OptimalActions(s.q) == OptimalActions(plain.q));
        // Q*' = Q* - Φ(s) at every non-terminal state, the theorem's exact statement
        const Eigen::VectorXf phi = PotentialOfStates(potential, env, gamma);
        double worst = 0.0;
        for (int st = 0; st < env.NumStates(); ++st) {
          if (env.IsTerminal(st)) continue;
          worst = std::max(
              worst, (s.q.row(st).array() - plain.q.row(st).array() + phi[st]).abs().maxCoeff());
        }
        CHECK(worst < 1e-4);
      }
    }
  }
}

// The known-wrong variants on Empty-5x5 (goal reward 1, gamma 0.9), each against the correct one.
TEST_CASE("known-wrong shaping variants change the optimal policy", "[unit]") {
  const double gamma = 0.9;
  const GridWorld env = Grid("Empty-5x5");
  const int trap = 12;  // the centre cell
  const auto solve = [&](const std::string& yaml, double truncation_probability = 0.0) {
    // with episodes cut at random (probability p per step, bootstrapped as a time limit is), the
    // learner sees the truncated transition's reward with probability p
    const RewardPipeline reward = Pipeline(yaml, env, gamma);
    std::vector<Eigen::MatrixXd> table = TabulateReward(reward, env, false);
    const std::vector<Eigen::MatrixXd> cut = TabulateReward(reward, env, true);
    for (size_t a = 0; a < table.size(); ++a) {
      table[a] = (1 - truncation_probability) * table[a] + truncation_probability * cut[a];
    }
    return OptimalActions(Solve(env, table, gamma).q);
  };
  const std::vector<int> plain = solve("[{type: env}]");

  SECTION("a shaping discount other than the agent's") {
    const std::string phi = OneStatePotential(env, trap, 5.0);
    CHECK(solve("[{type: env}, {type: pbrs, potential: " + phi + "}]") == plain);
    CHECK(solve("[{type: env}, {type: pbrs, gamma: 1, potential: " + phi + "}]") != plain);
  }
  SECTION("the potential zeroed on truncation") {
    const std::string phi = OneStatePotential(env, trap, -5.0);
    CHECK(solve("[{type: env}, {type: pbrs, potential: " + phi + "}]", 0.1) == plain);
    CHECK(solve("[{type: env}, {type: pbrs, zero_on_truncation: true, potential: " + phi + "}]",
                0.1) != plain);
  }
  SECTION("a progress bonus that is not potential-based") {
    CHECK(solve("[{type: env}, {type: pbrs, potential: {type: grid_distance}}]") == plain);
    CHECK(solve("[{type: env}, {type: progress_bonus, progress: {type: grid_distance}}]") != plain);
  }
}

TEST_CASE("reward modules reject potentials and weights that do not fit", "[unit]") {
  const GridWorld grid = Grid("Empty-5x5");
  const std::unique_ptr<Env> cartpole = FindEnv("CartPole-v1").make({}, "env.options");
  const auto error = [](const std::string& yaml, const Env& env) {
    try {
      Pipeline(yaml, env, 0.99);
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error("[{type: pbrs, potential: {type: grid_distance}}]", *cartpole),
             Catch::Contains("test.yaml:1") && Catch::Contains("needs a gridworld"));
  CHECK_THAT(error("[{type: pbrs, potential: {type: linear, weights: [1]}}]", *cartpole),
             Catch::Contains("1 weights for 4 observation entries"));
  CHECK_THAT(
      error("[{type: pbrs, potential: {type: linear, indices: [7], weights: [1]}}]", *cartpole),
      Catch::Contains("index 7 is outside"));
  CHECK_THAT(error("[{type: pbr}]", grid), Catch::Contains("did you mean 'pbrs'"));
  CHECK_THAT(error("[{type: shaping}]", grid), Catch::Contains("types: env, pbrs"));
  CHECK_THAT(error("[{type: env, weight: -1}]", grid), Catch::Contains("must be >= 0"));
  CHECK_THAT(error("[{type: env, weight: .nan}]", grid), Catch::Contains("NaN"));
  CHECK_THAT(error("[{type: env}, {type: env}]", grid), Catch::Contains("two reward modules"));
  CHECK_THAT(error("[{type: env, name: goal}]", grid), Catch::Contains("also a reward term"));
  CHECK_THAT(error("[{type: env, terms: {ctl: 0}}]", grid), Catch::Contains("no reward term"));
  CHECK_THAT(error("[]", grid), Catch::Contains("non-empty list"));
  CHECK_THAT(error("[{type: pbrs, potential: {type: value_function}}]", grid),
             Catch::Contains("needs the run folder"));
}

TEST_CASE("the heuristic potential is the env's state-only heuristic", "[unit]") {
  // Φ of the observation columns `obs` for env `id` with env options `options`
  const auto phi = [](const std::string& id, const std::string& options, Eigen::MatrixXf obs) {
    const auto env = MakeEnv(id, ParseYaml(options, "test.yaml"));
    const auto config =
        ReadConfig<PotentialConfig>(ParseYaml("{type: heuristic}", "test.yaml"), "potential");
    Eigen::VectorXf out(obs.cols());
    MakePotential(config, "reward[0]", *env, 0.99)->Evaluate(obs, out);
    return out;
  };
  Eigen::MatrixXf grid_obs(2, 3);
  grid_obs << 0.3f, 0.5f, 0.87f, 0.1f, 0.5f, 0.87f;
  const Eigen::VectorXf good = phi("barfi/GridWorld-v0", "heuristic: good", grid_obs);
  CHECK(good[0] == Approx(-4 * (0.57 * 0.57 + 0.77 * 0.77)).epsilon(1e-5));
  CHECK(good[2] == Approx(0.0).margin(1e-6));
  const Eigen::VectorXf bad = phi("barfi/GridWorld-v0", "heuristic: bad", grid_obs);
  CHECK(bad[0] == 0.0f);
  CHECK(bad[1] == 200.0f);  // 4 sub-steps of +50 in the centre square
  Eigen::MatrixXf car_obs(2, 2);
  car_obs << -0.5f, 0.2f, 0.03f, -0.05f;
  const Eigen::VectorXf velocity = phi("MountainCar-v0", "heuristic: velocity", car_obs);
  CHECK(velocity[0] == Approx(0.3).epsilon(1e-5));
  CHECK(velocity[1] == Approx(0.5).epsilon(1e-5));

  // action-dependent heuristics, and none, are refused with the key
  for (const auto& [id, options] : std::vector<std::pair<std::string, std::string>>{
           {"barfi/GridWorld-v0", "heuristic: none"},
           {"MountainCar-v0", "heuristic: pump"},
           {"CartPole-v1", "heuristic: best"}}) {
    CAPTURE(id, options);
    CHECK_THROWS_WITH(phi(id, options, Eigen::MatrixXf::Zero(id == "CartPole-v1" ? 4 : 2, 1)),
                      Catch::Contains("reward[0].potential.type") &&
                          Catch::Contains("no heuristic that is a function of the state"));
  }
}

// A trained PPO critic as the potential: V of the run's newest checkpoint, through the CLI.
TEST_CASE("pbrs takes its potential from a PPO run's value function", "[smoke]") {
  testing::TempDir tmp;
  const std::string teacher = (tmp.Path() / "teacher").string();
  REQUIRE(testing::RunCli("train --quiet --out " + teacher +
                          " --set total_steps=2048 --set eval.episodes=1")
              .code == 0);
  const std::string shaped = (tmp.Path() / "shaped").string();
  const testing::CliResult r = testing::RunCli(
      "train --quiet --out " + shaped + " --set total_steps=1024 --set eval.episodes=1 " +
      "--set 'reward=[{type: env}, {type: pbrs, potential: {type: value_function, run: " + teacher +
      "}}]'");
  INFO(r.out);
  REQUIRE(r.code == 0);
  const RunData data = ReadRunFile(shaped + "/run.h5");
  REQUIRE(data.episode_terms.count("pbrs"));
  double total = 0.0;
  for (double f : data.episode_terms.at("pbrs")) total += std::abs(f);
  CHECK(total > 0.0);
  // a potential from another env is refused
  const testing::CliResult wrong = testing::RunCli(
      "train --out " + (tmp.Path() / "x").string() + " --set env.id=Acrobot-v1 " +
      "--set 'reward=[{type: pbrs, potential: {type: value_function, run: " + teacher + "}}]'");
  CHECK(wrong.code == 2);
  CHECK_THAT(wrong.out, Catch::Contains("trained on CartPole-v1"));
}

}  // namespace
}  // namespace rl
