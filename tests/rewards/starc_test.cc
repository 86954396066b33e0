#include "rewards/starc/starc.h"

#include <catch2/catch.hpp>
#include <string>

#include "envs/grid/value_iteration.h"

namespace rl {
namespace {

constexpr double kGamma = 0.95;  // the STARC gamma, also used for shaping

GridConfig WithSlip(const std::string& layout, double slip) {
  GridConfig c = GridDefaults(layout);
  c.slip = slip;
  return c;
}

Eigen::VectorXd RandomPotential(int n, Rng& rng, double scale) {
  Eigen::VectorXd phi(n);
  for (int s = 0; s < n; ++s) phi[s] = scale * rng.Normal();
  return phi;
}

TransitionRewardTable ZeroReward(const TabularMdp& mdp) {
  return TransitionRewardTable(mdp.num_actions,
                               Eigen::MatrixXd::Zero(mdp.num_states, mdp.num_states));
}

StarcOptions Options(double gamma = kGamma) {
  StarcOptions o;
  o.gamma = gamma;
  return o;
}

TEST_CASE("starc canonical reward is the advantage of the uniform policy", "[starc][unit]") {
  const GridWorld env(WithSlip("Empty-5x5", 0.2));
  const TabularMdp mdp = ExportTabular(env);
  const Eigen::MatrixXd c = Canonicalize(mdp, TransitionRewards(env), kGamma);

  // against Q - V computed from the exported R(s, a) rather than the transition table
  const Eigen::VectorXd v = EvaluatePolicy(mdp, UniformPolicy(mdp), kGamma);
  const Eigen::MatrixXd a = QFromV(mdp, v, kGamma).colwise() - v;
  CHECK((c - a).cwiseAbs().maxCoeff() < 1e-12);

  // sign: next to the goal (4, 4), moving right into it beats the uniform average
  const int left_of_goal = env.StateAt(4, 3);
  CHECK(c(left_of_goal, 1) > 0.1);
  CHECK(c(left_of_goal, 3) < 0.0);

  // gamma = 0: the advantage is R(s, a) minus its mean over actions
  const Eigen::MatrixXd c0 = Canonicalize(mdp, TransitionRewards(env), 0.0);
  const Eigen::MatrixXd by_hand = mdp.R.colwise() - mdp.R.rowwise().mean();
  CHECK((c0 - by_hand).cwiseAbs().maxCoeff() < 1e-15);
}

TEST_CASE("starc ignores rewards that leave terminal states", "[starc][unit]") {
  const GridWorld env(GridDefaults("CliffWalking"));
  const TabularMdp mdp = ExportTabular(env);
  const TransitionRewardTable r = TransitionRewards(env);
  TransitionRewardTable changed = r;
  for (int s = 0; s < mdp.num_states; ++s) {
    if (mdp.terminal[s]) changed[0].row(s).setConstant(50.0);
  }
  const Eigen::MatrixXd c = Canonicalize(mdp, r, kGamma);
  CHECK(c == Canonicalize(mdp, changed, kGamma));
  for (int s = 0; s < mdp.num_states; ++s) {
    if (mdp.terminal[s]) CHECK(c.row(s).isZero(0.0));
  }
}

TEST_CASE("starc distance of potential-shaped rewards is 0 on every layout", "[starc][unit]") {
  Rng rng(11);
  for (const std::string& layout : LayoutNames()) {
    for (double slip : {0.0, 0.2}) {
      const GridWorld env(WithSlip(layout, slip));
      const TabularMdp mdp = ExportTabular(env);
      const TransitionRewardTable rewards[2] = {TransitionRewards(env), RandomReward(mdp, rng)};
      for (const TransitionRewardTable& r : rewards) {
        for (double scale : {0.1, 1.0, 10.0}) {
          INFO(layout << " slip " << slip << " potential scale " << scale);
          const Eigen::VectorXd phi = RandomPotential(mdp.num_states, rng, scale);
          const TransitionRewardTable shaped = ShapeWithPotential(mdp, r, phi, kGamma);
          // the shaping really changes the reward, and the wrong gamma is not invariant
          CHECK((ExpectedReward(mdp, shaped) - ExpectedReward(mdp, r)).cwiseAbs().maxCoeff() >
                0.05 * scale);
          CHECK(StarcDistance(mdp, r, shaped, Options()) <= 1e-9);
          const TransitionRewardTable wrong = ShapeWithPotential(mdp, r, phi, 0.5);
          CHECK(StarcDistance(mdp, r, wrong, Options()) > 1e-3);
        }
      }
    }
  }
}

TEST_CASE("starc distance of positively scaled rewards is 0", "[starc][unit]") {
  Rng rng(12);
  for (const std::string& layout : LayoutNames()) {
    const GridWorld env(WithSlip(layout, 0.1));
    const TabularMdp mdp = ExportTabular(env);
    for (const TransitionRewardTable& r : {TransitionRewards(env), RandomReward(mdp, rng)}) {
      for (double k : {1e-3, 0.5, 7.0, 1e4}) {
        INFO(layout << " k " << k);
        CHECK(StarcDistance(mdp, r, ScaleReward(r, k), Options()) <= 1e-9);
      }
    }
  }
}

TEST_CASE("starc distance of S'-redistributed rewards is 0", "[starc][unit]") {
  Rng rng(13);
  for (const std::string& layout : LayoutNames()) {
    for (double slip : {0.0, 0.3}) {
      INFO(layout << " slip " << slip);
      const GridWorld env(WithSlip(layout, slip));
      const TabularMdp mdp = ExportTabular(env);
      const TransitionRewardTable r = RandomReward(mdp, rng);
      const TransitionRewardTable moved = RedistributeNextStates(mdp, r, RandomReward(mdp, rng));
      // the means stay, the table itself changes (with slip also where P > 0)
      CHECK((ExpectedReward(mdp, moved) - ExpectedReward(mdp, r)).cwiseAbs().maxCoeff() < 1e-12);
      double changed_where_reachable = 0.0;
      for (int a = 0; a < mdp.num_actions; ++a) {
        const Eigen::MatrixXd reach = (mdp.P[a].array() > 0.0).cast<double>();
        changed_where_reachable = std::max(
            changed_where_reachable, reach.cwiseProduct(moved[a] - r[a]).cwiseAbs().maxCoeff());
      }
      if (slip > 0.0) CHECK(changed_where_reachable > 0.1);
      CHECK(StarcDistance(mdp, r, moved, Options()) <= 1e-9);
    }
  }
}

TEST_CASE("starc distance between unrelated rewards is clearly positive", "[starc][unit]") {
  Rng rng(14);
  for (const std::string& layout : LayoutNames()) {
    INFO(layout);
    const GridWorld env(GridDefaults(layout));
    const TabularMdp mdp = ExportTabular(env);
    const TransitionRewardTable a = RandomReward(mdp, rng);
    const TransitionRewardTable b = RandomReward(mdp, rng);
    CHECK(StarcDistance(mdp, a, b, Options()) > 0.3);
    CHECK(StarcDistance(mdp, TransitionRewards(env), a, Options()) > 0.3);
  }
}

TEST_CASE("starc distance is a metric on random rewards", "[starc][unit]") {
  Rng rng(15);
  const GridWorld env(WithSlip("FourRooms", 0.1));
  const TabularMdp mdp = ExportTabular(env);
  std::vector<TransitionRewardTable> rewards = {TransitionRewards(env),
                                                ScaleReward(TransitionRewards(env), -1.0)};
  rewards.push_back(
      ShapeWithPotential(mdp, ZeroReward(mdp), RandomPotential(mdp.num_states, rng, 1.0), kGamma));
  for (int i = 0; i < 7; ++i) rewards.push_back(RandomReward(mdp, rng));
  const Eigen::MatrixXd d = StarcDistanceMatrix(mdp, rewards, Options());
  const int n = static_cast<int>(rewards.size());
  for (int i = 0; i < n; ++i) {
    CHECK(d(i, i) == 0.0);
    for (int j = 0; j < n; ++j) {
      CHECK(d(i, j) == d(j, i));
      CHECK(d(i, j) <= 2.0 + 1e-12);
      if (i != j) CHECK(d(i, j) > 0.3);
      CHECK(d(i, j) == Approx(StarcDistance(mdp, rewards[i], rewards[j], Options())).margin(1e-12));
      for (int k = 0; k < n; ++k) CHECK(d(i, k) <= d(i, j) + d(j, k) + 1e-12);
    }
  }
}

TEST_CASE("starc distance between R and -R is 2 unless c(R) is 0", "[starc][unit]") {
  Rng rng(16);
  for (const char* layout : {"Empty-8x8", "CliffWalking", "TwoGoals"}) {
    INFO(layout);
    const GridWorld env(WithSlip(layout, 0.1));
    const TabularMdp mdp = ExportTabular(env);
    for (const TransitionRewardTable& r : {TransitionRewards(env), RandomReward(mdp, rng)}) {
      CHECK(StarcDistance(mdp, r, ScaleReward(r, -1.0), Options()) == Approx(2.0).margin(1e-12));
      CHECK(StarcDistance(mdp, r, ScaleReward(r, -0.01), Options()) == Approx(2.0).margin(1e-12));
    }
    const TransitionRewardTable shaping =
        ShapeWithPotential(mdp, ZeroReward(mdp), RandomPotential(mdp.num_states, rng, 3.0), kGamma);
    CHECK(StarcDistance(mdp, shaping, ScaleReward(shaping, -1.0), Options()) == 0.0);
  }
}

TEST_CASE("starc standardised reward of pure shaping is exactly 0", "[starc][unit]") {
  Rng rng(17);
  for (const std::string& layout : LayoutNames()) {
    INFO(layout);
    const GridWorld env(WithSlip(layout, 0.2));
    const TabularMdp mdp = ExportTabular(env);
    const TransitionRewardTable shaping =
        ShapeWithPotential(mdp, ZeroReward(mdp), RandomPotential(mdp.num_states, rng, 5.0), kGamma);
    CHECK(Canonicalize(mdp, shaping, kGamma).cwiseAbs().maxCoeff() < 1e-12);
    CHECK(StandardizedReward(mdp, shaping, Options()).isZero(0.0));
    CHECK(StandardizedReward(mdp, ZeroReward(mdp), Options()).isZero(0.0));
    // a unit vector is at distance 1 from 0
    CHECK(StarcDistance(mdp, shaping, TransitionRewards(env), Options()) ==
          Approx(1.0).margin(1e-12));
    CHECK(WeightedNorm(StandardizedReward(mdp, TransitionRewards(env), Options())) ==
          Approx(1.0).margin(1e-12));
  }
}

TEST_CASE("starc occupancy weights are a distribution over live states", "[starc][unit]") {
  Rng rng(18);
  const GridWorld env(WithSlip("LavaGap", 0.1));
  const TabularMdp mdp = ExportTabular(env);
  const Eigen::MatrixXd w = OccupancyWeights(mdp, UniformPolicy(mdp), kGamma);
  CHECK(w.sum() == Approx(1.0).margin(1e-12));
  CHECK(w.minCoeff() >= 0.0);
  for (int s = 0; s < mdp.num_states; ++s) {
    if (mdp.terminal[s]) CHECK(w.row(s).isZero(0.0));
  }
  const int start = env.StartStates()[0];
  CHECK(w.row(start).sum() > w.row(env.StateAt(5, 4)).sum());

  // the invariances hold under any weights; the distance itself changes with them
  StarcOptions weighted = Options();
  weighted.weights = w;
  const TransitionRewardTable r = RandomReward(mdp, rng);
  const TransitionRewardTable shaped =
      ShapeWithPotential(mdp, r, RandomPotential(mdp.num_states, rng, 1.0), kGamma);
  CHECK(StarcDistance(mdp, r, shaped, weighted) <= 1e-9);
  const TransitionRewardTable other = RandomReward(mdp, rng);
  CHECK(std::abs(StarcDistance(mdp, r, other, weighted) - StarcDistance(mdp, r, other, Options())) >
        1e-3);
}

}  // namespace
}  // namespace rl
