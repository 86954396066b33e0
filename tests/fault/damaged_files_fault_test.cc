// Damaged run files and checkpoints for every reader (export, plot, view --screenshot, train
// --resume): each returns within seconds, and a damage it detects is one line naming the file.
#include <hdf5.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "loop/checkpointer.h"
#include "tests/fault/files_fault_support.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using testing::ExpectOneLineError;
using testing::RunBounded;

const std::string kConfigs = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/";

// A finished CartPole run of 4096 steps whose config asks for more, so `--resume` has work to do
// and reads the run file; made once for all tests of this file.
const fs::path& SourceRun() {
  static testing::TempDir dir;
  static const fs::path run = [] {
    const fs::path r = dir.Path() / "run";
    const auto t = RunBounded("train " + kConfigs +
                                  "cartpole_ppo.yaml --quiet --set "
                                  "total_steps=4096 --out " +
                                  r.string(),
                              120);
    REQUIRE(t.r.code == 0);
    std::ifstream in(r / "config.yaml");
    std::stringstream text;
    text << in.rdbuf();
    std::string config = text.str();
    const size_t at = config.find("total_steps: 4096");
    REQUIRE(at != std::string::npos);
    std::ofstream(r / "config.yaml") << config.replace(at, 17, "total_steps: 6144");
    return r;
  }();
  return run;
}

// A copy of the source run in `dir`.
fs::path CopyRun(const testing::TempDir& dir, const std::string& name) {
  const fs::path to = dir.Path() / name;
  fs::copy(SourceRun(), to, fs::copy_options::recursive);
  return to;
}

// Whether `view --screenshot` can run here (viewer built, Xvfb installed).
bool CanView() {
  return REWARDLAB_BUILT_WITH_VIEWER && std::system("command -v xvfb-run >/dev/null 2>&1") == 0;
}

// Every reader of `run`: returns within 20 s, never crashes; a failure is one line naming
// `file`. Returns the readers that failed (exit code 2).
int ReadEveryWay(const fs::path& run, const std::string& file, const testing::TempDir& dir) {
  std::vector<std::pair<std::string, std::string>> calls = {
      {"export", "export " + run.string() + " --csv --out " + (dir.Path() / "csv").string()},
      {"plot", "plot " + run.string() + " --out " + (dir.Path() / "p.png").string()},
      {"resume", "train --quiet --resume " + run.string()}};
  std::string prefix;
  if (CanView()) {
    calls.push_back({"view", "view " + run.string() + " --frames 2 --screenshot " +
                                 (dir.Path() / "v.png").string()});
  }
  int failed = 0;
  for (const auto& [name, args] : calls) {
    const std::string wrap =
        name == "view" ? "xvfb-run -a -s \"-screen 0 640x480x24\" " : std::string();
    const auto t = RunBounded(args, 20, wrap);
    INFO(name << " on " << file << ": " << t.r.out);
    CHECK(t.seconds < 20);
    CHECK((t.r.code == 0 || t.r.code == 2));
    if (t.r.code == 2) {
      ExpectOneLineError(t.r, file);
      ++failed;
    }
  }
  return failed;
}

TEST_CASE("a truncated run file is one line for every reader", "[fault]") {
  testing::TempDir dir;
  for (double fraction : {0.5, 0.2}) {
    const fs::path run = CopyRun(dir, "half" + std::to_string(int(fraction * 10)));
    const std::string file = (run / "run.h5").string();
    testing::WriteTruncated((SourceRun() / "run.h5").string(), file, fraction);
    // export, plot and resume read every dataset, so they all fail
    CHECK(ReadEveryWay(run, file, dir) >= 3);
  }
}

TEST_CASE("bit flips in a run file never hang or crash a reader", "[fault]") {
  testing::TempDir dir;
  const std::string source = (SourceRun() / "run.h5").string();
  for (uint32_t seed : {1u, 2u, 3u}) {
    const fs::path run = CopyRun(dir, "flip" + std::to_string(seed));
    const std::string file = (run / "run.h5").string();
    testing::WriteFlipped(source, file, testing::SeededOffsets(fs::file_size(source), 32, seed));
    ReadEveryWay(run, file, dir);
  }
}

// The offsets of every occurrence of `magic` (an HDF5 metadata signature) in a file.
std::vector<uint64_t> FindSignatures(const std::string& path, const std::string& magic) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<uint64_t> out;
  for (size_t at = bytes.find(magic); at != std::string::npos; at = bytes.find(magic, at + 1)) {
    out.push_back(at);
  }
  return out;
}

TEST_CASE("damaged chunk indexes fail at once, resume included", "[fault]") {
  // a byte inside every extensible-array index block (the chunk index of the appendable
  // datasets): its checksum fails, which SWMR retried with doubling sleeps without end
  testing::TempDir dir;
  const std::string source = (SourceRun() / "run.h5").string();
  std::vector<uint64_t> offsets = FindSignatures(source, "EAIB");
  REQUIRE(!offsets.empty());
  for (uint64_t& offset : offsets) offset += 6;
  const fs::path run = CopyRun(dir, "eaib");
  const std::string file = (run / "run.h5").string();
  testing::WriteFlipped(source, file, offsets);
  CHECK(ReadEveryWay(run, file, dir) >= 3);
}

// The byte offset of the middle of the largest contiguous dataset of an HDF5 file.
uint64_t MiddleOfLargestDataset(const std::string& path) {
  struct Best {
    uint64_t offset = 0, size = 0;
  } best;
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  auto visit = [](hid_t obj, const char* name, const H5O_info_t* info, void* data) -> herr_t {
    if (info->type != H5O_TYPE_DATASET) return 0;
    const hid_t d = H5Dopen2(obj, name, H5P_DEFAULT);
    const haddr_t offset = H5Dget_offset(d);
    const hsize_t size = H5Dget_storage_size(d);
    auto* b = static_cast<Best*>(data);
    if (offset != HADDR_UNDEF && size > b->size) *b = {offset, size};
    H5Dclose(d);
    return 0;
  };
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, visit, &best, H5O_INFO_BASIC);
  H5Fclose(file);
  REQUIRE(best.size > 0);
  return best.offset + best.size / 2;
}

TEST_CASE("a damaged checkpoint is refused by --resume and view", "[fault]") {
  testing::TempDir dir;
  const std::string latest = Checkpointer::Latest((SourceRun() / "checkpoints").string());
  REQUIRE(!latest.empty());
  const std::string name = fs::path(latest).filename().string();
  const uint64_t middle = MiddleOfLargestDataset(latest);
  for (const std::string damage : {"flip", "truncate"}) {
    const fs::path run = CopyRun(dir, damage);
    const std::string file = (run / "checkpoints" / name).string();
    if (damage == "flip") {
      testing::WriteFlipped(latest, file, {middle});
    } else {
      testing::WriteTruncated(latest, file, 0.5);
    }
    const auto resume = RunBounded("train --quiet --resume " + run.string());
    ExpectOneLineError(resume.r, file);
    if (damage == "flip") CHECK(resume.r.out.find("checksum mismatch") != std::string::npos);
    if (CanView()) {
      const auto view = RunBounded(
          "view " + run.string() + " --frames 2 --screenshot " + (dir.Path() / "v.png").string(),
          20, "xvfb-run -a -s \"-screen 0 640x480x24\" ");
      ExpectOneLineError(view.r, file);
    }
  }
}

}  // namespace
}  // namespace rl
