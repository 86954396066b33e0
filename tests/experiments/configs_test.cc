// Every shipped experiment config loads and validates (extends resolved, every key known, the
// agent fits the env), so a config typo never waits for a long run to surface.
#include <catch2/catch.hpp>
#include <filesystem>

#include "experiments/experiment_config.h"

namespace rl {
namespace {

TEST_CASE("every shipped experiment config validates", "[contract]") {
  int checked = 0;
  const std::filesystem::path dir = std::filesystem::path(REWARDLAB_SOURCE_DIR) / "experiments/configs";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    ConfigNode resolved;
    const ExperimentConfig config = LoadExperimentConfig(entry.path().string(), {}, &resolved);
    CHECK(config.name == entry.path().stem().string());
    CHECK(resolved.Find("agent")->Find("type"));
    ++checked;
  }
  CHECK(checked >= 12);
}

}  // namespace
}  // namespace rl
