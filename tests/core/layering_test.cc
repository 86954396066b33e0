// DESIGN §1 rule 7: nothing outside viewer/ includes ImGui, GLFW, OpenGL or EGL, so the project
// builds and tests without a display.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace rl {
namespace {

namespace fs = std::filesystem;

// headers that only viewer/ may include
const std::vector<std::string> kDisplayHeaders = {"<imgui", "<backends/imgui", "<GLFW/", "<GL/",
                                                  "<EGL/",  "\"imgui",         "\"GLFW/"};

TEST_CASE("only viewer/ includes display libraries", "[unit]") {
  std::vector<std::string> offenders;
  int files = 0;
  for (const char* dir :
       {"core", "nn", "envs", "agents", "rewards", "experiments", "apps", "bench"}) {
    const fs::path root = fs::path(REWARDLAB_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".h" && ext != ".cc") continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      while (std::getline(in, line)) {
        if (line.rfind("#include", 0) != 0) continue;
        for (const std::string& header : kDisplayHeaders) {
          if (line.find(header) != std::string::npos) offenders.push_back(entry.path().string());
        }
      }
    }
  }
  CHECK(files > 100);
  CHECK(offenders.empty());
}

}  // namespace
}  // namespace rl
