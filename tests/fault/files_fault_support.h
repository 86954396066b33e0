// Helpers of the file fault tests: a small tmpfs mounted by the test, a bounded CLI call, and
// damaging files (truncation, bit flips at seeded offsets).
#ifndef REWARDLAB_TESTS_FAULT_FILES_FAULT_SUPPORT_H_
#define REWARDLAB_TESTS_FAULT_FILES_FAULT_SUPPORT_H_

#include <sys/statvfs.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/cli.h"

namespace rl::testing {

// A tmpfs of `size` mounted on a fresh folder for the life of the object (unmounted in every
// path); Mounted() is false where mounting is not allowed (not root).
class Tmpfs {
 public:
  Tmpfs(const std::filesystem::path& dir, const std::string& size) : dir_(dir) {
    std::filesystem::create_directories(dir_);
    const std::string cmd =
        "mount -t tmpfs -o size=" + size + " tmpfs '" + dir_.string() + "' 2>/dev/null";
    mounted_ = std::system(cmd.c_str()) == 0;
  }
  ~Tmpfs() {
    if (mounted_) std::system(("umount -l '" + dir_.string() + "'").c_str());
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

  // Whether the tmpfs is mounted.
  bool Mounted() const { return mounted_; }
  // The mount point.
  const std::filesystem::path& Path() const { return dir_; }
  // Fills the file system with a file `filler`, leaving about `leave` bytes free.
  void Fill(uint64_t leave) const {
    struct statvfs st;
    REQUIRE(statvfs(dir_.c_str(), &st) == 0);
    const uint64_t free = static_cast<uint64_t>(st.f_bavail) * st.f_bsize;
    std::ofstream out(dir_ / "filler", std::ios::binary);
    const std::string block(4096, 'x');
    for (uint64_t written = 0; written + leave + block.size() <= free && out;)
      out.write(block.data(), block.size()), written += block.size();
  }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
};

// Skips the rest of a test (with a WARN) when the tmpfs could not be mounted.
#define RL_REQUIRE_TMPFS(fs)                                            \
  if (!(fs).Mounted()) {                                                \
    WARN("cannot mount a tmpfs (not root?): full-disk checks skipped"); \
    return;                                                             \
  }

// A CLI call and how long it took.
struct TimedResult {
  CliResult r;
  double seconds = 0;
};

// Runs `rewardlab ARGS`, killed after `limit_s` seconds (exit code 137) so that a hang fails
// the test instead of blocking it.
inline TimedResult RunBounded(const std::string& args, int limit_s = 20,
                              const std::string& prefix = "") {
  const auto start = std::chrono::steady_clock::now();
  TimedResult t;
  t.r = RunCli(args, prefix + "timeout -s KILL " + std::to_string(limit_s) + " ");
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return t;
}

// Exit code 2 and exactly one line, an error that contains `needle` (e.g. the file's path).
inline void ExpectOneLineError(const CliResult& r, const std::string& needle) {
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  CHECK(r.out.find("rewardlab: error: ") == 0);
  CHECK(r.out.find(needle) != std::string::npos);
}

// A verb that printed progress first (train): its last line, and only it, is the error.
inline void ExpectLastLineError(const CliResult& r, const std::string& needle) {
  INFO(r.out);
  CHECK(r.code == 2);
  const size_t last = r.out.rfind('\n', r.out.size() >= 2 ? r.out.size() - 2 : 0);
  const std::string line = r.out.substr(last == std::string::npos ? 0 : last + 1);
  CHECK(line.find("rewardlab: error: ") == 0);
  CHECK(line.find(needle) != std::string::npos);
  CHECK(r.out.find("error") == r.out.find("rewardlab: error: ") + 11);
}

// Copies `from` to `to` truncated to `fraction` of its size.
inline void WriteTruncated(const std::string& from, const std::string& to, double fraction) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  const auto size = std::filesystem::file_size(to);
  std::filesystem::resize_file(to, static_cast<uint64_t>(size * fraction));
}

// Copies `from` to `to` with the byte at each of `offsets` inverted.
inline void WriteFlipped(const std::string& from, const std::string& to,
                         const std::vector<uint64_t>& offsets) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
  std::fstream f(to, std::ios::in | std::ios::out | std::ios::binary);
  for (uint64_t offset : offsets) {
    char c = 0;
    f.seekg(static_cast<std::streamoff>(offset));
    f.get(c);
    f.seekp(static_cast<std::streamoff>(offset));
    f.put(static_cast<char>(~c));
  }
}

// `count` offsets in [0, size), drawn from a fixed seed.
inline std::vector<uint64_t> SeededOffsets(uint64_t size, int count, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> out;
  for (int i = 0; i < count; ++i) out.push_back(rng() % size);
  return out;
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_FAULT_FILES_FAULT_SUPPORT_H_
