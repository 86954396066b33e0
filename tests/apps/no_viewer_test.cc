// A binary built without the viewer (-DREWARDLAB_VIEWER=OFF, docs/viewer.md): `view`, `record` and
// `train --view` stop with one line saying so, exit 2, and write nothing. With the viewer built,
// the tests/viewer program covers these verbs and this test has nothing to check.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("without the viewer, view, record and train --view say it was not built", "[smoke]") {
  if (REWARDLAB_BUILT_WITH_VIEWER) {
    SUCCEED("built with the viewer: tests/viewer checks these verbs");
    return;
  }
  testing::TempDir tmp;
  const std::string config =
      std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/fourrooms_ppo.yaml";
  const std::string run = (tmp.Path() / "run").string();
  for (const std::string& args :
       {"view " + config, "record " + config + " --out " + run + ".mp4",
        "train " + config + " --out " + run + " --view"}) {
    const testing::CliResult r = testing::RunCli(args);
    INFO(args << "\n" << r.out);
    CHECK(r.code == 2);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    CHECK_THAT(r.out, Contains("was built without it"));
  }
  CHECK_FALSE(std::filesystem::exists(run));
  CHECK_FALSE(std::filesystem::exists(run + ".mp4"));
}

}  // namespace
}  // namespace rl
