// Sweep planning and the manifest: seed ranges, grid flags, run expansion, the manifest's round
// trip and its refusal of other format versions.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "experiments/sweep/manifest.h"
#include "experiments/sweep/plan.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("seed ranges are Python slices and bad ones are refused", "[unit]") {
  CHECK(ParseSeedRange("0:3") == std::vector<uint64_t>{0, 1, 2});
  CHECK(ParseSeedRange("5:6") == std::vector<uint64_t>{5});
  CHECK_THROWS_AS(ParseSeedRange("3:3"), UserError);
  CHECK_THROWS_AS(ParseSeedRange("3"), UserError);
  CHECK_THROWS_AS(ParseSeedRange("a:4"), UserError);
  CHECK_THROWS_AS(ParseSeedRange("1:-4"), UserError);
}

TEST_CASE("grid flags split on commas outside brackets and quotes", "[unit]") {
  const auto [key, values] = ParseGridFlag("agent.lr=1e-3,3e-3");
  CHECK(key == "agent.lr");
  CHECK(values == std::vector<std::string>{"1e-3", "3e-3"});
  const auto [rkey, rvalues] =
      ParseGridFlag("reward=[{type: env}, {type: pbrs}],[{type: env}],'a,b'");
  CHECK(rkey == "reward");
  CHECK(rvalues ==
        std::vector<std::string>{"[{type: env}, {type: pbrs}]", "[{type: env}]", "'a,b'"});
  CHECK_THROWS_AS(ParseGridFlag("agent.lr"), UserError);
  CHECK_THROWS_AS(ParseGridFlag("agent.lr=1,,2"), UserError);
  CHECK_THROWS_AS(ParseGridFlag("seed=1,2"), UserError);
}

TEST_CASE("runs expand grid points slowest and seeds fastest", "[unit]") {
  const std::vector<SweepRun> runs =
      ExpandRuns({{"a", {"1", "2"}}, {"b.c", {"x"}}}, std::vector<uint64_t>{7, 8});
  REQUIRE(runs.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(runs[i].index == i);
  CHECK(runs[0].overrides == std::vector<std::string>{"a=1", "b.c=x"});
  CHECK(runs[0].seed == 7);
  CHECK(runs[1].seed == 8);
  CHECK(runs[2].overrides == std::vector<std::string>{"a=2", "b.c=x"});
  CHECK(runs[3].run_dir == "runs/003__a-2__b.c-x__s8");
  // every run folder differs
  for (int i = 0; i < 4; ++i) {
    for (int j = i + 1; j < 4; ++j) CHECK(runs[i].run_dir != runs[j].run_dir);
  }
}

TEST_CASE("the manifest reads back what was saved and refuses other versions", "[unit]") {
  testing::TempDir tmp;
  const std::string dir = tmp.Path().string();
  SweepManifest m;
  m.name = "s";
  m.backend = "slurm";
  m.jobs = 3;
  m.config_path = "/x/c.yaml";
  m.config_yaml = "name: s\nseed: 0\n";
  m.seeds = "0:2";
  m.grid = {{"agent.lr", {"1", "2"}}};
  m.slurm.partition = "debug";
  m.slurm.throttle = 2;
  m.slurm.requeue = true;
  m.slurm.extra = {"--mem=1G"};
  m.slurm.job_ids = {"12"};
  m.runs = ExpandRuns(m.grid, {0, 1});
  m.runs[1].status = RunStatus::kInterrupted;
  m.runs[1].attempts = 2;
  m.runs[1].exit_code = 75;
  SaveManifest(dir, m);
  CHECK_FALSE(std::filesystem::exists(ManifestPath(dir) + ".tmp"));

  const SweepManifest r = LoadManifest(dir);
  CHECK(r.name == m.name);
  CHECK(r.backend == "slurm");
  CHECK(r.jobs == 3);
  CHECK(r.config_yaml == m.config_yaml);
  CHECK(r.grid == m.grid);
  CHECK(r.slurm.partition == "debug");
  CHECK(r.slurm.throttle == 2);
  CHECK(r.slurm.requeue);
  CHECK(r.slurm.extra == m.slurm.extra);
  CHECK(r.slurm.job_ids == m.slurm.job_ids);
  REQUIRE(r.runs.size() == 4);
  CHECK(r.runs[1].status == RunStatus::kInterrupted);
  CHECK(r.runs[1].attempts == 2);
  CHECK(r.runs[1].exit_code == 75);
  CHECK(r.runs[3].run_dir == m.runs[3].run_dir);

  // another format version
  std::stringstream text;
  text << std::ifstream(ManifestPath(dir)).rdbuf();
  std::string changed = text.str();
  changed.replace(changed.find("\"format_version\": 1"), 19, "\"format_version\": 9");
  std::ofstream(ManifestPath(dir)) << changed;
  CHECK_THROWS_WITH(LoadManifest(dir), Contains("sweep format version 9"));
  CHECK_THROWS_WITH(LoadManifest(tmp.Path().string() + "/nothing"), Contains("not a sweep folder"));
}

}  // namespace
}  // namespace rl
