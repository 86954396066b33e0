#include "envs/grid/tabular.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>

#include "core/error.h"
#include "envs/grid/value_iteration.h"

namespace rl {
namespace {

GridConfig WithSlip(const std::string& layout, double slip) {
  GridConfig c = GridDefaults(layout);
  c.slip = slip;
  return c;
}

// Manhattan distance from state s to the goal of Empty-5x5 at (4, 4).
int GoalDistance(const GridWorld& env, int s) {
  return std::abs(4 - env.Cell(s).row) + std::abs(4 - env.Cell(s).col);
}

// The states visited by following `policy` from the first start with intended moves only.
std::vector<int> GreedyPath(const GridWorld& env, const std::vector<int>& policy) {
  std::vector<int> path = {env.StartStates()[0]};
  while (!env.IsTerminal(path.back()) && path.size() < 100) {
    path.push_back(env.Move(path.back(), policy[path.back()]));
  }
  return path;
}

TEST_CASE("tabular P rows are distributions and terminal states absorb", "[unit]") {
  for (const std::string& name : LayoutNames()) {
    for (double slip : {0.0, 0.2, 1.0}) {
      const GridWorld env(WithSlip(name, slip));
      const TabularMdp m = ExportTabular(env);
      REQUIRE(m.num_states == env.NumStates());
      REQUIRE(m.num_actions == 4);
      REQUIRE(m.initial.sum() == Approx(1.0));
      for (int a = 0; a < m.num_actions; ++a) {
        REQUIRE(m.P[a].minCoeff() >= 0.0);
        for (int s = 0; s < m.num_states; ++s) REQUIRE(m.P[a].row(s).sum() == Approx(1.0));
      }
      for (int s = 0; s < m.num_states; ++s) {
        REQUIRE(m.terminal[s] == env.IsTerminal(s));
        if (!m.terminal[s]) continue;
        for (int a = 0; a < m.num_actions; ++a) {
          REQUIRE(m.P[a](s, s) == 1.0);
          REQUIRE(m.R(s, a) == 0.0);
        }
      }
      // R is the P-weighted transition reward
      const auto r3 = TransitionRewards(env);
      for (int a = 0; a < m.num_actions; ++a) {
        const Eigen::VectorXd r = m.P[a].cwiseProduct(r3[a]).rowwise().sum();
        REQUIRE((r - m.R.col(a)).cwiseAbs().maxCoeff() < 1e-12);
      }
    }
  }
}

TEST_CASE("tabular model matches Monte-Carlo samples of the env with slip", "[unit]") {
  struct Probe {
    std::string layout;
    int row, col, action;
  };
  const std::vector<Probe> probes = {
      {"LavaGap", 1, 2, 1},       // right into lava, slips up into the wall or down
      {"LavaGap", 4, 5, 2},       // down into the goal
      {"CliffWalking", 2, 4, 1},  // along the cliff edge: a slip right falls
      {"CliffWalking", 0, 0, 0},  // into the corner
      {"FourRooms", 3, 6, 1},     // through a doorway
      {"TwoGoals", 1, 2, 3},      // into the small goal
  };
  const int n = 20000;
  for (const Probe& p : probes) {
    GridConfig c = WithSlip(p.layout, 0.2);
    if (p.layout != "CliffWalking") c.step_reward = -0.1;
    GridWorld env(c);
    env.Seed(11);
    const TabularMdp m = ExportTabular(env);
    const int s = env.StateAt(p.row, p.col);
    REQUIRE(s >= 0);
    Vec obs(env.Spec().observation.Dim());
    StepResult out;
    env.ResizeFor(out);
    ResetOptions o;
    o.init_state = Vec::Constant(1, s);
    Eigen::VectorXd counts = Eigen::VectorXd::Zero(m.num_states);
    double reward = 0.0;
    for (int i = 0; i < n; ++i) {
      env.Reset(obs, o);
      env.Step(Vec::Constant(1, p.action), out);
      counts[env.State()] += 1.0;
      reward += out.reward;
    }
    INFO(p.layout << " (" << p.row << ", " << p.col << ") action " << p.action);
    const Eigen::VectorXd freq = counts / n;
    REQUIRE((freq - m.P[p.action].row(s).transpose()).cwiseAbs().maxCoeff() < 0.015);
    const double scale = p.layout == "CliffWalking" ? 100.0 : 1.0;
    REQUIRE(std::abs(reward / n - m.R(s, p.action)) < 0.02 * scale);
  }
}

TEST_CASE("tabular model matches the env exactly without slip", "[unit]") {
  for (const std::string& name : LayoutNames()) {
    GridWorld env(WithSlip(name, 0.0));
    const TabularMdp m = ExportTabular(env);
    Vec obs(env.Spec().observation.Dim());
    StepResult out;
    env.ResizeFor(out);
    for (int s = 0; s < m.num_states; ++s) {
      if (m.terminal[s]) continue;
      for (int a = 0; a < m.num_actions; ++a) {
        ResetOptions o;
        o.init_state = Vec::Constant(1, s);
        env.Reset(obs, o);
        env.Step(Vec::Constant(1, a), out);
        REQUIRE(m.P[a](s, env.State()) == 1.0);
        REQUIRE(out.reward == m.R(s, a));
        REQUIRE(out.terminated == m.terminal[env.State()]);
      }
    }
  }
}

TEST_CASE("value iteration on Empty-5x5 gives gamma^(d-1) and heads to the goal", "[unit]") {
  const GridWorld env(GridDefaults("Empty-5x5"));
  const double gamma = 0.9;
  const ValueIterationResult vi = ValueIteration(ExportTabular(env), gamma);
  REQUIRE(vi.converged);
  for (int s = 0; s < env.NumStates(); ++s) {
    const int d = GoalDistance(env, s);
    if (d == 0) {
      REQUIRE(vi.v[s] == 0.0);
      continue;
    }
    REQUIRE(vi.v[s] == Approx(std::pow(gamma, d - 1)).margin(1e-9));
    REQUIRE(GoalDistance(env, env.Move(s, vi.policy[s])) == d - 1);
    REQUIRE((vi.policy[s] == 1 || vi.policy[s] == 2));
  }
}

TEST_CASE("backward induction gives undiscounted shortest paths", "[unit]") {
  // goal 1, step -1: d steps to the goal pay -(d - 1) in total (the last step pays 1 - 1 = 0);
  // with k < d steps left the agent cannot arrive and pays -k
  GridConfig c = GridDefaults("Empty-5x5");
  c.step_reward = -1.0;
  const GridWorld env(c);
  const TabularMdp m = ExportTabular(env);
  const int horizon = 12;
  const FiniteHorizonResult fh = BackwardInduction(m, horizon);
  REQUIRE(fh.v.size() == horizon + 1);
  REQUIRE(fh.q.size() == horizon);
  for (int h = 0; h <= horizon; ++h) {
    const int left = horizon - h;
    for (int s = 0; s < env.NumStates(); ++s) {
      const int d = GoalDistance(env, s);
      const double want = d == 0 ? 0.0 : d <= left ? 1.0 - d : -left;
      REQUIRE(fh.v[h][s] == Approx(want).margin(1e-12));
    }
  }
  // with enough steps left this is the undiscounted optimum, which value iteration finds too
  const ValueIterationResult vi = ValueIteration(m, 1.0);
  REQUIRE(vi.converged);
  REQUIRE((vi.v - fh.v[0]).cwiseAbs().maxCoeff() < 1e-9);
  // evaluating the greedy non-stationary policy returns V_h
  std::vector<Eigen::MatrixXd> pi;
  for (const auto& p : fh.policy) pi.push_back(PolicyMatrix(p, m.num_actions));
  const auto v = EvaluatePolicyFiniteHorizon(m, pi);
  for (int h = 0; h <= horizon; ++h) REQUIRE((v[h] - fh.v[h]).cwiseAbs().maxCoeff() < 1e-12);
}

TEST_CASE("CliffWalking hugs the cliff without slip and keeps away with slip", "[unit]") {
  auto path_of = [](double slip) {
    const GridWorld env(WithSlip("CliffWalking", slip));
    const ValueIterationResult vi = ValueIteration(ExportTabular(env), 0.99);
    REQUIRE(vi.converged);
    std::vector<GridCell> cells;
    for (int s : GreedyPath(env, vi.policy)) cells.push_back(env.Cell(s));
    REQUIRE(env.Tile(env.StateAt(cells.back().row, cells.back().col)) == 'G');
    return cells;
  };
  const std::vector<GridCell> safe = path_of(0.0);
  REQUIRE(safe.size() == 14);  // 13 moves: up, 11 x right, down
  for (size_t i = 1; i + 1 < safe.size(); ++i) REQUIRE(safe[i].row == 2);
  for (const GridCell& cell : path_of(0.1)) {
    if (cell.col >= 1 && cell.col <= 10) REQUIRE(cell.row <= 1);
  }
}

TEST_CASE("TwoGoals: far-sighted agents take the big goal - myopic ones the small", "[unit]") {
  // from the start, g is 2 steps away (0.3 * gamma) and G is 6 (gamma^5): G wins iff gamma^4 > 0.3
  const GridWorld env(GridDefaults("TwoGoals"));
  const TabularMdp m = ExportTabular(env);
  auto end_tile = [&](double gamma) {
    return env.Tile(GreedyPath(env, ValueIteration(m, gamma).policy).back());
  };
  REQUIRE(end_tile(0.99) == 'G');
  REQUIRE(end_tile(0.9) == 'G');
  REQUIRE(end_tile(0.7) == 'g');
  REQUIRE(end_tile(0.5) == 'g');
}

TEST_CASE("policy evaluation of the optimal policy gives V*", "[unit]") {
  for (const std::string& name : LayoutNames()) {
    const GridWorld env(WithSlip(name, 0.1));
    const TabularMdp m = ExportTabular(env);
    const ValueIterationResult vi = ValueIteration(m, 0.95);
    INFO(name);
    REQUIRE((EvaluatePolicy(m, vi.policy, 0.95) - vi.v).cwiseAbs().maxCoeff() < 1e-8);
    // a stochastic policy satisfies its Bellman equation
    const Eigen::MatrixXd uniform = Eigen::MatrixXd::Constant(m.num_states, 4, 0.25);
    const Eigen::VectorXd v = EvaluatePolicy(m, uniform, 0.95);
    const Eigen::VectorXd backup = QFromV(m, v, 0.95).rowwise().mean();
    for (int s = 0; s < m.num_states; ++s) {
      if (!m.terminal[s]) REQUIRE(v[s] == Approx(backup[s]).margin(1e-9));
    }
  }
  // undiscounted: a proper policy evaluates fine, one that never terminates is rejected
  GridConfig c = GridDefaults("Empty-5x5");
  c.step_reward = -1.0;
  const TabularMdp m = ExportTabular(GridWorld(c));
  const ValueIterationResult vi = ValueIteration(m, 1.0);
  REQUIRE((EvaluatePolicy(m, vi.policy, 1.0) - vi.v).cwiseAbs().maxCoeff() < 1e-9);
  REQUIRE_THROWS_AS(EvaluatePolicy(m, std::vector<int>(m.num_states, 0), 1.0), UserError);
}

}  // namespace
}  // namespace rl
