// What the fuzz targets share: an input written to a private temporary file, since the readers
// under test take paths (they check the file kind and size before reading).
#ifndef REWARDLAB_FUZZ_FUZZ_INPUT_H_
#define REWARDLAB_FUZZ_FUZZ_INPUT_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace rl::fuzz {

// A per-process temporary folder, removed when the process exits normally.
struct ScratchDir {
  std::string path;
  ScratchDir() {
    char tmpl[] = "/tmp/rewardlab_fuzz_XXXXXX";
    if (mkdtemp(tmpl) == nullptr) std::abort();
    path = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// Writes `size` bytes to a file named `suffix` in a per-process folder; returns its path.
inline std::string WriteInput(const uint8_t* data, size_t size, const std::string& suffix) {
  static const ScratchDir dir;
  const std::string path = dir.path + "/input" + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(data, 1, size, f) != size || std::fclose(f) != 0) std::abort();
  return path;
}

}  // namespace rl::fuzz

#endif  // REWARDLAB_FUZZ_FUZZ_INPUT_H_
