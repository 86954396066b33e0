#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.h"
#include "envs/grid/value_iteration.h"
#include "rewards/reward_free/explorer.h"
#include "rewards/reward_free/planning.h"
#include "rewards/reward_free/vtr_explorer.h"

namespace rl {
namespace {

TabularMdp GridMdp(const std::string& layout, double slip = 0.1) {
  GridConfig config = GridDefaults(layout);
  config.slip = slip;
  return ExportTabular(GridWorld(config));
}

ExplorationData Explore(const std::string& method, const TabularMdp& mdp, int episodes, int horizon,
                        uint64_t seed = 0) {
  ExplorerConfig config;
  config.horizon = horizon;
  config.episodes = episodes;
  config.seed = seed;
  auto explorer = MakeExplorer(method, mdp, config);
  for (int k = 0; k < episodes; ++k) explorer->RunEpisode();
  return explorer->Data();
}

// 10 goal and 10 dense test rewards, drawn with a fixed seed.
std::vector<RewardFunction> TestRewards(const TabularMdp& mdp, int horizon) {
  Rng rng(7, RngStream::kReward, 100);
  std::vector<RewardFunction> rewards = RandomGoalRewards(mdp, 10, rng);
  for (RewardFunction& f : RandomDenseRewards(mdp, 10, horizon, rng)) rewards.push_back(f);
  return rewards;
}

double WorstSubOptimality(const TabularMdp& mdp, const ExplorationData& data) {
  double worst = 0.0;
  for (const RewardFunction& r : TestRewards(mdp, data.horizon)) {
    worst = std::max(worst, SubOptimality(mdp, r, PlanFromData(data, r)));
  }
  return worst;
}

TEST_CASE("reward-free counts sum to K times H for every method", "[reward_free][unit]") {
  const TabularMdp mdp = GridMdp("Empty-5x5");
  for (const std::string& method : ExplorerNames()) {
    const ExplorationData data = Explore(method, mdp, 20, 10);
    CHECK(data.episodes == 20);
    CHECK(data.Total() == 200.0);
    CHECK(data.starts.sum() == 20.0);
    CHECK(data.starts[0] == 20.0);  // Empty-5x5 starts top-left
  }
}

TEST_CASE("reward-free exhaustive data gives the true P and an optimal policy",
          "[reward_free][unit]") {
  const TabularMdp mdp = GridMdp("Empty-5x5");
  const int horizon = 12;
  ExplorationData data(mdp.num_states, mdp.num_actions, horizon);
  for (int a = 0; a < mdp.num_actions; ++a) data.counts[a] = 1000.0 * mdp.P[a];
  data.starts = mdp.initial;
  const TabularMdp model = EmpiricalModel(data);
  for (int a = 0; a < mdp.num_actions; ++a) CHECK((model.P[a] - mdp.P[a]).norm() < 1e-12);
  for (const RewardFunction& r : TestRewards(mdp, horizon)) {
    CHECK(SubOptimality(mdp, r, PlanFromData(data, r)) == Approx(0.0).margin(1e-12));
  }
}

TEST_CASE("reward-free unvisited pairs self-loop in the empirical model", "[reward_free][unit]") {
  const TabularMdp mdp = GridMdp("Empty-5x5");
  ExplorationData data(mdp.num_states, mdp.num_actions, 5);
  data.counts[1](0, 1) = 3.0;
  data.counts[1](0, 5) = 1.0;
  const TabularMdp model = EmpiricalModel(data);
  CHECK(model.P[1](0, 1) == 0.75);
  CHECK(model.P[1](0, 5) == 0.25);
  CHECK(model.P[0](0, 0) == 1.0);
  CHECK(model.P[2](7, 7) == 1.0);
  CHECK(data.VisitedPairs() == 1);
}

TEST_CASE("reward-free goal rewards pay once for acting in the goal", "[reward_free][unit]") {
  const TabularMdp mdp = GridMdp("Empty-5x5", 0.0);
  RewardFunction goal{"goal_12", Eigen::MatrixXd::Zero(25, 4), std::vector<bool>(25, false)};
  goal.r.row(12).setOnes();  // the centre cell, 4 moves from the start
  goal.stops[12] = true;
  CHECK(OptimalValue(mdp, goal, 4)[0] == 0.0);  // reached after the last action
  CHECK(OptimalValue(mdp, goal, 5)[0] == 1.0);
  CHECK(OptimalValue(mdp, goal, 50)[0] == 1.0);  // paid once, not every step after
}

TEST_CASE("reward-free VTR sub-optimality shrinks with K on Empty-5x5", "[reward_free][unit]") {
  const TabularMdp mdp = GridMdp("Empty-5x5");
  const int horizon = 20;
  ExplorerConfig config;
  config.horizon = horizon;
  config.episodes = 400;
  auto vtr = MakeExplorer("vtr", mdp, config);
  std::vector<double> worst;
  for (int k = 1; k <= 400; ++k) {
    vtr->RunEpisode();
    if (k == 10 || k == 400) worst.push_back(WorstSubOptimality(mdp, vtr->Data()));
  }
  CHECK(worst[1] < 0.5 * worst[0]);
  CHECK(worst[1] < 0.2);
}

TEST_CASE("reward-free VTR visits more pairs than random on Empty-8x8", "[reward_free][unit]") {
  // RF-UCRL does not (results/reward_free/README.md): b(1) > b(0) makes it revisit pairs seen once
  const TabularMdp mdp = GridMdp("Empty-8x8");
  int vtr = 0;
  int random = 0;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    vtr += Explore("vtr", mdp, 20, 20, seed).VisitedPairs();
    random += Explore("random", mdp, 20, 20, seed).VisitedPairs();
  }
  CHECK(vtr > random);
}

TEST_CASE("reward-free exploration is deterministic for a seed", "[reward_free][unit]") {
  const TabularMdp mdp = GridMdp("Empty-5x5");
  for (const std::string& method : ExplorerNames()) {
    const ExplorationData a = Explore(method, mdp, 15, 10, 3);
    const ExplorationData b = Explore(method, mdp, 15, 10, 3);
    const ExplorationData c = Explore(method, mdp, 15, 10, 4);
    bool same = true;
    bool differs = false;
    for (int i = 0; i < mdp.num_actions; ++i) {
      same = same && a.counts[i] == b.counts[i];
      differs = differs || a.counts[i] != c.counts[i];
    }
    CHECK(same);
    CHECK(differs);
  }
}

TEST_CASE("reward-free VTR keeps its model on the simplex", "[reward_free][unit]") {
  const Eigen::VectorXd p = ProjectToSimplex(Eigen::Vector3d(0.8, 0.5, -0.2));
  CHECK(p.minCoeff() >= 0.0);
  CHECK(p.sum() == Approx(1.0));
  CHECK(p[0] == Approx(0.65));
  const TabularMdp mdp = GridMdp("Empty-5x5");
  ExplorerConfig config;
  config.horizon = 10;
  VtrExplorer vtr(mdp, config);
  for (int k = 0; k < 30; ++k) vtr.RunEpisode();
  for (int s = 0; s < mdp.num_states; ++s) {
    for (int a = 0; a < mdp.num_actions; ++a) {
      CHECK(vtr.ModelRow(s, a).minCoeff() >= 0.0);
      CHECK(vtr.ModelRow(s, a).sum() == Approx(1.0));
    }
  }
  CHECK(vtr.Certificate() <= 1.0);
}

TEST_CASE("reward-free bad input is a one-line UserError", "[reward_free][unit]") {
  const TabularMdp mdp = GridMdp("Empty-5x5");
  ExplorerConfig config;
  config.horizon = 0;
  CHECK_THROWS_WITH(MakeExplorer("vtr", mdp, config), Catch::Contains("horizon H must be > 0"));
  config.horizon = -3;
  CHECK_THROWS_AS(MakeExplorer("random", mdp, config), UserError);
  config.horizon = 10;
  CHECK_THROWS_WITH(MakeExplorer("vtrr", mdp, config), Catch::Contains("did you mean 'vtr'"));
  const ExplorationData data(mdp.num_states, mdp.num_actions, 10);
  const RewardFunction wide{"wide", Eigen::MatrixXd::Zero(25, 5), {}};
  CHECK_THROWS_WITH(PlanFromData(data, wide), "reward 'wide' is 25 x 5, expected S x A = 25 x 4");
  RewardFunction bad{"nan", Eigen::MatrixXd::Zero(25, 4), {}};
  bad.r(3, 1) = std::nan("");
  CHECK_THROWS_AS(PlanFromData(data, bad), UserError);
  CHECK_THROWS_AS(ExplorationData(25, 4, 0), UserError);
}

}  // namespace
}  // namespace rl
