// Playback (the viewer's display-free half): a config's policy stepping through episodes, with
// every reward term traced per step.
#include "experiments/playback.h"

#include <catch2/catch.hpp>
#include <numeric>

#include "core/error.h"
#include "envs/grid/grid_world.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

TEST_CASE("Playback traces every env term and reward module per step", "[unit]") {
  Playback playback({kConfigs + "fourrooms_ppo.yaml", false, 0, std::nullopt});
  REQUIRE_FALSE(playback.IsRun());
  CHECK(playback.Checkpoint().empty());
  CHECK(playback.TermNames() == std::vector<std::string>{"goal", "step", "hazard", "env"});
  for (int i = 0; i < 5; ++i) playback.Step();
  CHECK(playback.EpisodeStep() == 5);
  const std::vector<std::vector<float>>& traces = playback.TermTraces();
  REQUIRE(traces.size() == 4);
  for (const auto& t : traces) CHECK(t.size() == 5);
  // the env module's output is the env reward, which is the sum of the env terms
  double env_terms = 0;
  for (int k = 0; k < 3; ++k) env_terms += std::accumulate(traces[k].begin(), traces[k].end(), 0.0);
  const double module = std::accumulate(traces[3].begin(), traces[3].end(), 0.0);
  CHECK(module == Approx(env_terms));
  CHECK(playback.EpisodeReturn() == Approx(env_terms));
  CHECK(playback.EpisodeReturn() == Approx(-0.05));
}

TEST_CASE("Playback starts episodes from an init state and seeds episode k with k", "[unit]") {
  Playback a({kConfigs + "fourrooms_ppo.yaml", false, 0, Vec::Constant(1, 7)});
  CHECK(dynamic_cast<GridWorld&>(a.GetEnv()).State() == 7);
  a.Step();
  a.Reset(0);
  CHECK(dynamic_cast<GridWorld&>(a.GetEnv()).State() == 7);
  CHECK(a.TermTraces()[0].empty());

  // the deterministic policy from the same episode seed repeats itself
  Playback b({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
  Playback c({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
  b.Reset(3);
  c.Reset(3);
  for (int i = 0; i < 10; ++i) b.Step(), c.Step();
  CHECK(b.Observation() == c.Observation());
  CHECK(b.Episode() == 3);
}

TEST_CASE("Playback steps back through the episode and forward again to the same states",
          "[unit]") {
  Playback p({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
  std::vector<Vec> seen{p.Observation()};
  for (int i = 0; i < 10; ++i) p.Step(), seen.push_back(p.Observation());
  const double return_at_6 = [&] {
    Playback q({kConfigs + "hopper_ppo.yaml", false, 0, std::nullopt});
    for (int i = 0; i < 6; ++i) q.Step();
    return q.EpisodeReturn();
  }();
  for (int i = 0; i < 4; ++i) REQUIRE(p.StepBack());
  CHECK(p.EpisodeStep() == 6);
  CHECK(p.Observation() == seen[6]);
  CHECK(p.EpisodeReturn() == return_at_6);
  for (const auto& t : p.TermTraces()) CHECK(t.size() == 6);
  // the deterministic policy retraces its steps exactly
  for (int i = 0; i < 4; ++i) p.Step();
  CHECK(p.Observation() == seen[10]);
  for (int i = 0; i < 10; ++i) REQUIRE(p.StepBack());
  CHECK(p.Observation() == seen[0]);
  CHECK_FALSE(p.StepBack());
}

TEST_CASE("Playback rejects a missing source and a folder that is not a run", "[unit]") {
  CHECK_THROWS_WITH(Playback({"/nonexistent/run", false, 0, std::nullopt}),
                    Contains("no such run folder or config"));
  CHECK_THROWS_AS(Playback({REWARDLAB_SOURCE_DIR "/docs", false, 0, std::nullopt}), UserError);
}

}  // namespace
}  // namespace rl
