// Every shipped experiment config loads and validates (extends resolved, every key known, the
// agent fits the env), so a config typo never waits for a long run to surface. Imitation configs
// name demonstrations recorded by the user; they get a dataset of their env here.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"
#include "tests/support/demos.h"

namespace rl {
namespace {

TEST_CASE("every shipped experiment config validates", "[contract]") {
  int checked = 0;
  const std::filesystem::path dir = std::filesystem::path(REWARDLAB_SOURCE_DIR) / "experiments/configs";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    std::vector<std::string> overrides;
    if (text.str().find("type: gail") != std::string::npos) {
      const std::string id =
          LoadExperimentConfig(entry.path().string(), {"reward=[{type: env}]"}).env.id;
      overrides.push_back("reward[0].demos=" + testing::RandomDemos(id));
    }
    ConfigNode resolved;
    const ExperimentConfig config =
        LoadExperimentConfig(entry.path().string(), overrides, &resolved);
    CHECK(config.name == entry.path().stem().string());
    CHECK(resolved.Find("agent")->Find("type"));
    ++checked;
  }
  CHECK(checked >= 12);
}

}  // namespace
}  // namespace rl
