#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>

#include "core/config.h"
#include "core/config_node.h"
#include "core/error.h"
#include "envs/grid/grid_world.h"
#include "envs/grid/tabular.h"
#include "envs/grid/value_iteration.h"
#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

// A GridWorld reset to state `s` (the layout's start when s < 0).
struct Harness {
  GridWorld env;
  StepResult out;
  Vec obs;

  explicit Harness(const GridConfig& c, int s = -1) : env(c) {
    env.ResizeFor(out);
    obs.resize(env.Spec().observation.Dim());
    ResetOptions o;
    if (s >= 0) o.init_state = Vec::Constant(1, s);
    env.Reset(obs, o);
  }
  const StepResult& Step(int a) {
    env.Step(Vec::Constant(1, a), out);
    return out;
  }
};

GridConfig Layout(const std::string& name) { return GridDefaults(name); }

TEST_CASE("grid spec follows the layout", "[unit]") {
  GridWorld rooms(Layout("FourRooms"));
  REQUIRE(rooms.Spec().id == "Grid-FourRooms");
  REQUIRE(rooms.Rows() == 13);
  REQUIRE(rooms.Cols() == 13);
  REQUIRE(rooms.NumStates() == 104);
  REQUIRE(rooms.Spec().action.IsDiscrete());
  REQUIRE(rooms.Spec().action.n == 4);
  REQUIRE(rooms.Spec().observation.Dim() == 104);
  REQUIRE(rooms.Spec().reward_terms == std::vector<std::string>{"goal", "step", "hazard"});
  REQUIRE(rooms.Spec().state_names == std::vector<std::string>{"cell"});
  REQUIRE(rooms.Spec().max_episode_steps == 4 * 13 * 13);
  REQUIRE(GridWorld(Layout("Empty-8x8")).NumStates() == 64);
  GridWorld cliff(Layout("CliffWalking"));
  REQUIRE(cliff.NumStates() == 48);
  REQUIRE(cliff.Spec().max_episode_steps == 100);
  REQUIRE(cliff.Config().step_reward == -1.0);
  REQUIRE(cliff.Config().hazard_reward == -100.0);
  REQUIRE(cliff.Tile(cliff.StateAt(3, 0)) == 'S');
  REQUIRE(cliff.Tile(cliff.StateAt(3, 11)) == 'G');
  for (int c = 1; c <= 10; ++c) REQUIRE(cliff.Tile(cliff.StateAt(3, c)) == 'L');
  REQUIRE(rooms.StateAt(0, 0) == -1);
  REQUIRE(rooms.StateAt(-1, 3) == -1);
  for (int s = 0; s < rooms.NumStates(); ++s) {
    REQUIRE(rooms.StateAt(rooms.Cell(s).row, rooms.Cell(s).col) == s);
  }
  for (const std::string& name : LayoutNames()) REQUIRE_NOTHROW(GridWorld(Layout(name)));
}

TEST_CASE("grid config is checked", "[unit]") {
  GridConfig c;
  c.slip = 1.5;
  REQUIRE_THROWS_AS(GridWorld(c), UserError);
  c = GridConfig{};
  c.layout = "FourRoom";
  REQUIRE_THROWS_WITH(GridWorld(c), Catch::Contains("FourRooms"));
  c = GridConfig{};
  c.observation = "pixels";
  REQUIRE_THROWS_AS(GridWorld(c), UserError);
  const ConfigNode node = ParseYaml("layout: LavaGap\nslip: 0.1\nobservation: xy\n", "t.yaml");
  const GridConfig read = ReadConfig(node, "env.options", GridDefaults("LavaGap"));
  REQUIRE(read.slip == 0.1);
  REQUIRE(GridWorld(read).Spec().observation.Dim() == 2);
  REQUIRE_THROWS_AS(ReadConfig(ParseYaml("slip: -0.1\n", "t.yaml"), "env.options", GridConfig{}),
                    UserError);
}

TEST_CASE("grid walls and the map edge block moves", "[unit]") {
  Harness h(Layout("FourRooms"));
  const int start = h.env.StateAt(1, 1);
  REQUIRE(h.env.State() == start);
  REQUIRE(h.Step(0).obs[start] == 1.0);  // up: wall
  REQUIRE(h.Step(3).obs[start] == 1.0);  // left: wall
  REQUIRE(h.env.State() == start);
  REQUIRE(h.Step(1).obs[h.env.StateAt(1, 2)] == 1.0);
  // the vertical wall between the top rooms
  Harness w(Layout("FourRooms"), h.env.StateAt(1, 5));
  w.Step(1);
  REQUIRE(w.env.State() == w.env.StateAt(1, 5));
  // no border walls: off the map counts as a wall
  Harness e(Layout("Empty-5x5"));
  e.Step(0);
  e.Step(3);
  REQUIRE(e.env.State() == e.env.StateAt(0, 0));
  REQUIRE_FALSE(e.out.terminated);
}

TEST_CASE("grid goals and hazards terminate with their terms", "[unit]") {
  Harness goal(Layout("Empty-5x5"), 23);  // (4, 3), left of the goal
  const StepResult& g = goal.Step(1);
  REQUIRE(g.terminated);
  REQUIRE_FALSE(g.truncated);
  REQUIRE(g.terms[0] == 1.0);
  REQUIRE(g.terms[1] == 0.0);
  REQUIRE(g.terms[2] == 0.0);
  REQUIRE(g.reward == 1.0);

  Harness small(Layout("TwoGoals"));
  REQUIRE_FALSE(small.Step(3).terminated);
  REQUIRE(small.Step(3).terminated);
  REQUIRE(small.out.terms[0] == 0.3);
  REQUIRE(small.env.Tile(small.env.State()) == 'g');

  Harness cliff(Layout("CliffWalking"));
  const StepResult& c = cliff.Step(1);
  REQUIRE(c.terminated);
  REQUIRE(c.terms[0] == 0.0);
  REQUIRE(c.terms[1] == -1.0);
  REQUIRE(c.terms[2] == -100.0);
  REQUIRE(c.reward == -101.0);
  // past termination the state is absorbing and pays nothing
  REQUIRE(cliff.Step(0).terminated);
  REQUIRE(cliff.out.reward == 0.0);
  REQUIRE(cliff.env.Tile(cliff.env.State()) == 'L');

  Harness lava(Layout("LavaGap"));
  lava.Step(1);
  REQUIRE(lava.Step(1).terminated);
  REQUIRE(lava.out.terms[2] == -1.0);
}

TEST_CASE("grid step reward is paid every step and the time limit truncates", "[unit]") {
  GridConfig c = Layout("Empty-5x5");
  c.step_reward = -0.5;
  c.max_steps = 3;
  Harness h(c);
  REQUIRE(h.env.Spec().max_episode_steps == 3);
  for (int t = 1; t <= 3; ++t) {
    const StepResult& r = h.Step(0);
    REQUIRE(r.terms[1] == -0.5);
    REQUIRE(r.reward == -0.5);
    REQUIRE_FALSE(r.terminated);
    REQUIRE(r.truncated == (t == 3));
  }
  Harness g(c, 23);
  REQUIRE(g.Step(1).reward == 0.5);
}

TEST_CASE("grid observations are onehot or (column - row)", "[unit]") {
  Harness one(Layout("LavaGap"), 6);
  REQUIRE(one.obs.size() == one.env.NumStates());
  REQUIRE(one.obs.sum() == 1.0);
  REQUIRE(one.obs[6] == 1.0);
  REQUIRE(one.env.StateOfObs(one.obs) == 6);
  REQUIRE(one.env.Spec().observation.Contains(one.obs));
  GridConfig c = Layout("LavaGap");
  c.observation = "xy";
  Harness xy(c, 6);
  const GridCell cell = xy.env.Cell(6);
  REQUIRE(xy.obs.size() == 2);
  REQUIRE(xy.obs[0] == cell.col);
  REQUIRE(xy.obs[1] == cell.row);
  REQUIRE(xy.env.StateOfObs(xy.obs) == 6);
  xy.Step(2);
  REQUIRE(xy.out.obs[1] == cell.row + 1);
  REQUIRE(xy.env.Spec().observation.Contains(xy.out.obs));
  REQUIRE_THROWS_AS(xy.env.StateOfObs(Eigen::Vector2d(0, 0)), UserError);  // a wall
}

TEST_CASE("grid init_state accepts a cell index and rejects bad ones", "[unit]") {
  GridWorld env(Layout("CliffWalking"));
  Vec obs(env.Spec().observation.Dim());
  ResetOptions o;
  o.init_state = Vec::Constant(1, 13);
  env.Reset(obs, o);
  REQUIRE(env.PhysicalState()[0] == 13);
  REQUIRE(obs[13] == 1.0);
  o.init_state = Vec::Constant(1, 2.5);
  REQUIRE_THROWS_WITH(env.Reset(obs, o), Catch::Contains("not a state index"));
  o.init_state = Vec::Constant(1, -1);
  REQUIRE_THROWS_AS(env.Reset(obs, o), UserError);
  o.init_state = Vec::Constant(1, 48);
  REQUIRE_THROWS_AS(env.Reset(obs, o), UserError);
  o.init_state = Vec::Constant(1, env.StateAt(3, 5));
  REQUIRE_THROWS_WITH(env.Reset(obs, o), Catch::Contains("terminal"));
  o.init_state = Vec::Constant(2, 0);
  REQUIRE_THROWS_AS(env.Reset(obs, o), UserError);
}

TEST_CASE("grid with slip is deterministic per seed; slip 0 draws nothing", "[unit]") {
  GridConfig c = Layout("FourRooms");
  c.slip = 0.3;
  auto run = [&](uint64_t seed) {
    Harness h(c);
    h.env.Seed(seed);
    std::vector<int> states;
    for (int t = 0; t < 200; ++t) {
      const StepResult& r = h.Step(t % 4);
      states.push_back(h.env.State());
      if (r.terminated) break;
    }
    return states;
  };
  REQUIRE(run(5) == run(5));
  REQUIRE(run(5) != run(6));

  Harness d(Layout("FourRooms"));
  d.env.Seed(3);
  const auto before = d.env.GetRng().State();
  for (int t = 0; t < 20; ++t) d.Step(t % 4);
  REQUIRE(d.env.GetRng().State() == before);
}

// A map of one's own: S at (1,1), a wall column with a gap at the bottom, G at (1,5).
constexpr const char* kOwnMap =
    "#######\n"
    "#S..#G#\n"
    "#.#.#.#\n"
    "#.....#\n"
    "#######\n";

TEST_CASE("grid map of one's own: inline or from a file, it steps and exports", "[unit]") {
  GridConfig c = Layout("Empty-5x5");
  c.map = kOwnMap;
  Harness h(c);
  REQUIRE(h.env.Rows() == 5);
  REQUIRE(h.env.Cols() == 7);
  REQUIRE(h.env.NumStates() == 12);
  REQUIRE(h.env.Spec().max_episode_steps == 4 * 5 * 7);
  REQUIRE(h.env.State() == h.env.StateAt(1, 1));
  // right into the wall at (1, 4) and back: the shortest path is 8 moves
  REQUIRE(h.Step(1).terms[0] == 0.0);
  h.Step(1);
  h.Step(1);
  REQUIRE(h.env.State() == h.env.StateAt(1, 3));
  for (int a : {2, 2, 1, 1, 0}) REQUIRE_FALSE(h.Step(a).terminated);
  h.Step(0);
  REQUIRE(h.env.State() == h.env.StateAt(1, 5));
  REQUIRE(h.out.terminated);
  REQUIRE(h.out.terms[0] == 1.0);

  // the exact model: value iteration finds the 8-step path
  const TabularMdp mdp = ExportTabular(h.env);
  REQUIRE(mdp.num_states == 12);
  const double gamma = 0.9;
  const ValueIterationResult vi = ValueIteration(mdp, gamma);
  REQUIRE(vi.v[h.env.StateAt(1, 1)] == Approx(std::pow(gamma, 7)));

  // the same map from a file (CRLF line ends and a blank last line are fine) is the same env
  testing::TempDir tmp;
  std::string crlf;
  for (const char* p = kOwnMap; *p; ++p) crlf += *p == '\n' ? "\r\n" : std::string(1, *p);
  GridConfig f = Layout("Empty-5x5");
  f.map_file = tmp.Write("map.txt", crlf + "\n");
  const GridWorld from_file(f);
  REQUIRE(from_file.LayoutText() == h.env.LayoutText());
  REQUIRE(ExportTabular(from_file).P[2] == mdp.P[2]);
}

TEST_CASE("grid map of one's own trains through the CLI", "[smoke]") {
  testing::TempDir tmp;
  const std::string map = tmp.Write("map.txt", kOwnMap);
  const testing::CliResult r =
      testing::RunCli("train --set env.id=Grid-Empty-5x5 --set env.options.map_file=" + map +
                      " --set total_steps=512 --set eval.episodes=2 --quiet --out " +
                      (tmp.Path() / "run").string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  REQUIRE(std::filesystem::exists(tmp.Path() / "run" / "run.h5"));
}

TEST_CASE("grid maps that are malformed get one line with the row and column", "[unit]") {
  const auto fails = [](const std::string& map, const std::string& what) {
    GridConfig c;
    c.map = map;
    INFO(map);
    REQUIRE_THROWS_WITH(GridWorld(c), Catch::StartsWith("env.options.map: ") &&
                                          Catch::Contains(what) && !Catch::Contains("\n"));
  };
  fails("\n  \n\n", "the map is empty");
  fails("...\n..G", "no start 'S'");
  fails("S..\n...", "no goal 'G' or 'g'");
  fails("S..\n..\n..G", "row 2, column 3: row 2 has 2 cells, row 1 has 3");
  fails("S..\n.x.\n..G", "row 2, column 2: unknown character 'x'");
  fails("S..\n. .\n..G", "row 2, column 2: unknown character ' '");
  fails("S\t.\n...\n..G", "row 1, column 2: unknown character '\t'");
  std::string huge = "S" + std::string(100, '.') + "\n";
  for (int r = 0; r < 99; ++r) huge += std::string(100, '.') + "G\n";
  fails(huge, "the map has 100 x 101 cells; at most 10000");

  GridConfig both;
  both.map = kOwnMap;
  both.map_file = "map.txt";
  REQUIRE_THROWS_WITH(GridWorld(both), Catch::Contains("map and map_file are both set"));
  GridConfig missing;
  missing.map_file = "/nonexistent/map.txt";
  REQUIRE_THROWS_WITH(GridWorld(missing), Catch::StartsWith("/nonexistent/map.txt: cannot read"));
  // a file's errors name the file
  testing::TempDir tmp;
  GridConfig bad;
  bad.map_file = tmp.Write("bad.txt", "S..\n.?G\n");
  REQUIRE_THROWS_WITH(GridWorld(bad), Catch::StartsWith(bad.map_file + ": row 2, column 2"));
  bad.map_file = tmp.Write("empty.txt", "");
  REQUIRE_THROWS_WITH(GridWorld(bad), Catch::StartsWith(bad.map_file + ": the map is empty"));
}

}  // namespace
}  // namespace rl
