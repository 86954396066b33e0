// DESIGN §1 rule 7: nothing outside viewer/ includes ImGui, GLFW, OpenGL or EGL, so the project
// builds and tests without a display. DESIGN §2: includes point down only.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
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
  for (const char* dir : {"core", "nn", "envs", "agents", "rewards", "loop", "experiments",
                          "viewer/support", "apps", "bench", "fuzz"}) {
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

// the layers of DESIGN §2, bottom first: a folder may include its own files and those of lower
// layers; nn/ and envs/ are siblings (neither includes the other), and so are the tools on top;
// viewer/support/ is the viewer's GL-free model, built into the library below the viewer
const std::map<std::string, int> kLayers = {
    {"core", 0},   {"nn", 1},   {"envs", 1},        {"rewards", 2},
    {"agents", 3}, {"loop", 4}, {"experiments", 5}, {"viewer/support", 6},
    {"viewer", 7}, {"apps", 8}, {"bench", 8},       {"fuzz", 8}};

// The layer folder of a path relative to the source root ("viewer/support/playback.h" ->
// "viewer/support"), or "" for a path in none.
std::string LayerFolder(const std::string& path) {
  std::string best;
  for (const auto& entry : kLayers) {
    const std::string& folder = entry.first;
    if (path.rfind(folder + "/", 0) == 0 && folder.size() > best.size()) best = folder;
  }
  return best;
}

TEST_CASE("includes point down the layers only", "[unit]") {
  std::vector<std::string> arrows;
  int files = 0;
  for (const auto& [dir, layer] : kLayers) {
    const fs::path root = fs::path(REWARDLAB_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const std::string ext = entry.path().extension().string();
      const std::string file = fs::relative(entry.path(), REWARDLAB_SOURCE_DIR).string();
      if ((ext != ".h" && ext != ".cc") || LayerFolder(file) != dir) continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int line_no = 1; std::getline(in, line); ++line_no) {
        if (line.rfind("#include \"", 0) != 0) continue;
        // generated headers (default_config.h, git_commit.h) have no folder
        const std::string path = line.substr(10, line.find('"', 10) - 10);
        if (path.find('/') == std::string::npos) continue;
        // a folder outside the layers (tests/, a vendored path) is an arrow too
        const std::string target = LayerFolder(path);
        if (!target.empty() && (target == dir || kLayers.at(target) < layer)) continue;
        arrows.push_back(file + ":" + std::to_string(line_no) + ": " + dir + "/ -> " +
                         (target.empty() ? path.substr(0, path.find('/')) : target) + "/");
      }
    }
  }
  CHECK(files > 100);
  for (const std::string& arrow : arrows) UNSCOPED_INFO("forbidden include " << arrow);
  CHECK(arrows.empty());
}

}  // namespace
}  // namespace rl
