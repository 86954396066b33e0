// A temporary folder for one test, removed when the test ends.
#ifndef REWARDLAB_TESTS_SUPPORT_TEMP_DIR_H_
#define REWARDLAB_TESTS_SUPPORT_TEMP_DIR_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace rl::testing {

// Creates a fresh folder under the system temp dir and deletes it on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("rewardlab_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The folder.
  const std::filesystem::path& Path() const { return path_; }
  // Writes `text` to `name` inside the folder and returns the file's path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::filesystem::path p = path_ / name;
    std::ofstream(p) << text;
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

// The whole text of a file ("" when it cannot be read).
inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_TEMP_DIR_H_
