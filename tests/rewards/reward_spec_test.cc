#include "rewards/starc/reward_spec.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "core/error.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

bool SameTable(const TransitionRewardTable& a, const TransitionRewardTable& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

TEST_CASE("reward specs env and scaling build the env reward", "[starc][unit]") {
  const GridWorld env(GridDefaults("CliffWalking"));
  const TransitionRewardTable own = TransitionRewards(env);
  CHECK(SameTable(LoadRewardSpec("env", env), own));
  CHECK(SameTable(LoadRewardSpec("env*3", env), ScaleReward(own, 3.0)));
  CHECK(SameTable(LoadRewardSpec("scale:0.5", env), ScaleReward(own, 0.5)));
  CHECK(SameTable(LoadRewardSpec("env*-1", env), ScaleReward(own, -1.0)));
}

TEST_CASE("reward spec distance potential is minus the steps to the nearest goal",
          "[starc][unit]") {
  const GridWorld empty(GridDefaults("Empty-5x5"));
  const Eigen::VectorXd phi = GoalDistancePotential(empty);
  for (int s = 0; s < empty.NumStates(); ++s) {
    CHECK(phi[s] == -(std::abs(4 - empty.Cell(s).row) + std::abs(4 - empty.Cell(s).col)));
  }
  // the small goal counts; lava blocks the way: LavaGap's start must go around through the gap
  const GridWorld two(GridDefaults("TwoGoals"));
  CHECK(GoalDistancePotential(two)[two.StartStates()[0]] == -2.0);
  const GridWorld lava(GridDefaults("LavaGap"));
  const Eigen::VectorXd phi_lava = GoalDistancePotential(lava);
  CHECK(phi_lava[lava.StartStates()[0]] == -8.0);
  CHECK(phi_lava[lava.StateAt(5, 2)] == -7.0);  // 3 steps away as the crow flies
  CHECK(phi_lava[lava.StateAt(1, 4)] == -5.0);

  // shaped:distance is env + gamma * Phi(s') - Phi(s) with the given gamma
  const TabularMdp mdp = ExportTabular(empty);
  const TransitionRewardTable shaped = LoadRewardSpec("shaped:distance", empty, {0.9});
  CHECK(SameTable(shaped, ShapeWithPotential(mdp, TransitionRewards(empty), phi, 0.9)));
}

TEST_CASE("reward spec random rewards and potentials follow the seed", "[starc][unit]") {
  const GridWorld env(GridDefaults("FourRooms"));
  CHECK(SameTable(LoadRewardSpec("random:1", env), LoadRewardSpec("random:1", env)));
  CHECK(!SameTable(LoadRewardSpec("random:1", env), LoadRewardSpec("random:2", env)));
  CHECK(SameTable(LoadRewardSpec("shaped:random:4", env), LoadRewardSpec("shaped:random:4", env)));
  CHECK(!SameTable(LoadRewardSpec("shaped:random:4", env), LoadRewardSpec("shaped:random:5", env)));
}

TEST_CASE("reward spec CSV files fill the listed transitions", "[starc][unit]") {
  testing::TempDir dir;
  const GridWorld env(GridDefaults("Empty-5x5"));
  const std::string path = dir.Write("r.csv",
                                     "s,a,s_next,r\n"
                                     "# entering the goal\n"
                                     "23,1,24,1.5\n"
                                     "\n"
                                     "19, 2, 24, -2e-1\r\n");
  const TransitionRewardTable r = LoadRewardSpec(path, env);
  REQUIRE(r.size() == 4);
  CHECK(r[1](23, 24) == 1.5);
  CHECK(r[2](19, 24) == -0.2);
  CHECK(r[1].cwiseAbs().sum() == 1.5);
  CHECK(r[0].isZero(0.0));
}

TEST_CASE("reward spec pipelines are tabulated through the reward modules", "[starc][unit]") {
  GridConfig config = GridDefaults("FourRooms");
  config.slip = 0.1;
  const GridWorld env(config);
  const TabularMdp mdp = ExportTabular(env);
  const auto distance = [&](const std::string& spec) {
    return StarcDistance(mdp, LoadRewardSpec("env", env), LoadRewardSpec(spec, env));
  };
  CHECK(distance("pipeline:[{type: env}]") < 1e-9);
  // pbrs at the STARC gamma is at distance 0 up to float32 rounding of γΦ(s') − Φ(s) (|Φ| up
  // to ~30 steps here, so ~1e-6 per transition against a sparse env reward: measured 2e-5 in a
  // Debug build, 7e-6 in Release); the wrong variants are four orders of magnitude further
  CHECK(distance("pipeline:[{type: env}, {type: pbrs, potential: {type: optimal_value}}]") < 1e-4);
  CHECK(distance("pipeline:[{type: env}, {type: pbrs, potential: {type: grid_distance}}]") < 1e-4);
  CHECK(distance("pipeline:[{type: env}, {type: pbrs, gamma: 1, "
                 "potential: {type: grid_distance}}]") > 0.1);
  CHECK(distance("pipeline:[{type: env}, {type: progress_bonus, "
                 "progress: {type: grid_distance}}]") > 0.1);
  testing::TempDir dir;
  const std::string file = dir.Write("r.yaml", "reward:\n  - {type: env, weight: 2}\n");
  CHECK(distance(file) < 1e-9);
}

TEST_CASE("reward spec errors name the spec or the file and line", "[starc][unit]") {
  const GridWorld env(GridDefaults("Empty-5x5"));
  auto message = [&](const std::string& spec) -> std::string {
    try {
      LoadRewardSpec(spec, env);
    } catch (const UserError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(message("bogus"), Contains("unknown reward spec 'bogus'") && Contains("env*K"));
  CHECK_THAT(message("env*x"), Contains("'x' is not a finite number"));
  CHECK_THAT(message("scale:inf"), Contains("not a finite number"));
  CHECK_THAT(message("random:-1"), Contains("seed '-1'"));
  CHECK_THAT(message("shaped:random:"), Contains("seed ''"));
  CHECK_THAT(message("/nonexistent/r.csv"), Contains("/nonexistent/r.csv: cannot open"));
  CHECK_THAT(message("pipeline:[{type: pbrs, potential: {type: bogus}}]"),
             Contains("reward[0].potential.type"));

  testing::TempDir dir;
  const std::string ok = "s,a,s_next,r\n0,1,1,0.5\n";
  CHECK_THAT(message(dir.Write("a.csv", ok + "0,1,1\n")), Contains("a.csv:3: expected 4 fields"));
  CHECK_THAT(message(dir.Write("b.csv", ok + "25,0,0,1\n")), Contains("b.csv:3: s = '25'"));
  CHECK_THAT(message(dir.Write("c.csv", ok + "0,4,0,1\n")), Contains("c.csv:3: a = '4'"));
  CHECK_THAT(message(dir.Write("d.csv", ok + "0,0,-1,1\n")), Contains("d.csv:3: s_next = '-1'"));
  CHECK_THAT(message(dir.Write("e.csv", ok + "0,0,1,abc\n")), Contains("e.csv:3: r = 'abc'"));
  CHECK_THAT(message(dir.Write("f.csv", ok + "0,0,1,nan\n")), Contains("f.csv:3: r = 'nan'"));
  CHECK_THAT(message(dir.Write("g.csv", ok + "0,1,1,2\n")),
             Contains("g.csv:3: a second row") && Contains("line 2"));
  CHECK_THAT(message(dir.Write("h.csv", ok + "s,a,s_next,r\n")), Contains("h.csv:3:"));
}

}  // namespace
}  // namespace rl
