#include "experiments/sweep/plan.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "core/run_file.h"
#include "experiments/experiment_config.h"
#include "loop/checkpointer.h"

namespace rl {
namespace fs = std::filesystem;

namespace {

uint64_t ParseSeed(const std::string& text, const std::string& flag) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    throw UserError("--seeds " + flag + ": '" + text +
                    "' is not a seed; write A:B with whole numbers, e.g. --seeds 0:5");
  }
  return value;
}

// Part of a folder name: letters, digits, '.', '-' and '_' kept, anything else '_'.
std::string Slug(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool keep =
        std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
    out += keep ? c : (c == '=' ? '-' : '_');
  }
  return out.substr(0, 48);
}

// Finished, failed on a recorded fault, or neither. A run file that cannot be read is neither: a
// run stopped within its first moments (its sweep killed while it created the file) leaves a few
// bytes of HDF5 superblock.
RunOnDisk RunFileState(const fs::path& h5) {
  if (!fs::exists(h5)) return RunOnDisk::kNothing;
  try {
    const RunData data = ReadRunFile(h5.string());
    if (data.finished) return RunOnDisk::kFinished;
    if (!data.failure.empty()) return RunOnDisk::kFailed;
  } catch (const UserError&) {
  }
  return RunOnDisk::kNothing;
}

}  // namespace

std::vector<uint64_t> ParseSeedRange(const std::string& text) {
  const size_t colon = text.find(':');
  if (colon == std::string::npos) {
    throw UserError("--seeds " + text + ": expected A:B (seeds A … B-1), e.g. --seeds 0:5");
  }
  const uint64_t a = ParseSeed(text.substr(0, colon), text);
  const uint64_t b = ParseSeed(text.substr(colon + 1), text);
  if (b <= a) {
    throw UserError("--seeds " + text + ": no seeds in A … B-1; B must be larger than A");
  }
  if (b - a > static_cast<uint64_t>(kMaxSweepRuns)) {
    throw UserError("--seeds " + text + ": " + std::to_string(b - a) +
                    " seeds; a sweep has at most " + std::to_string(kMaxSweepRuns) +
                    " runs, give a smaller range");
  }
  std::vector<uint64_t> seeds;
  for (uint64_t s = a; s < b; ++s) seeds.push_back(s);
  return seeds;
}

std::pair<std::string, std::vector<std::string>> ParseGridFlag(const std::string& text) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size()) {
    throw UserError("--grid " + text +
                    ": expected key.path=v1,v2,... e.g. --grid agent.lr=1e-3,3e-3");
  }
  std::string key = text.substr(0, eq);
  if (key == "seed") throw UserError("--grid seed=...: give seeds with --seeds A:B instead");
  std::vector<std::string> values;
  std::string current;
  int depth = 0;
  char quote = 0;
  for (char c : text.substr(eq + 1)) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      --depth;
    } else if (c == ',' && depth == 0) {
      values.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  values.push_back(current);
  for (const std::string& v : values) {
    if (v.empty()) throw UserError("--grid " + text + ": an empty value; remove the extra comma");
  }
  return {key, values};
}

std::vector<SweepRun> ExpandRuns(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& grid,
    const std::vector<uint64_t>& seeds) {
  double total = static_cast<double>(seeds.size());
  for (const auto& entry : grid) total *= static_cast<double>(entry.second.size());
  if (total > kMaxSweepRuns) {
    throw UserError("--grid/--seeds: " + std::to_string(static_cast<int64_t>(total)) +
                    " runs (grid points x seeds); a sweep has at most " +
                    std::to_string(kMaxSweepRuns) + ", sweep fewer values or seeds");
  }
  std::vector<std::vector<std::string>> points{{}};
  for (const auto& [key, values] : grid) {
    std::vector<std::vector<std::string>> next;
    for (const auto& point : points) {
      for (const std::string& v : values) {
        next.push_back(point);
        next.back().push_back(key + "=" + v);
      }
    }
    points = std::move(next);
  }
  std::vector<SweepRun> runs;
  for (const auto& point : points) {
    for (uint64_t seed : seeds) {
      SweepRun run;
      run.index = static_cast<int>(runs.size());
      run.overrides = point;
      run.seed = seed;
      char prefix[16];
      std::snprintf(prefix, sizeof(prefix), "%03d", run.index);
      std::string name = prefix;
      for (const std::string& o : point) name += "__" + Slug(o);
      run.run_dir = "runs/" + name + "__s" + std::to_string(seed);
      runs.push_back(std::move(run));
    }
  }
  return runs;
}

std::string ValidateRuns(const std::string& config_path, const std::vector<SweepRun>& runs) {
  ConfigNode resolved;
  LoadExperimentConfig(config_path, {}, &resolved);
  for (const SweepRun& run : runs) {
    std::vector<std::string> sets = run.overrides;
    sets.push_back("seed=" + std::to_string(run.seed));
    try {
      LoadExperimentConfig(config_path, sets);
    } catch (const UserError& e) {
      std::string grid;
      for (const std::string& o : run.overrides) grid += (grid.empty() ? "" : " ") + o;
      throw UserError("--grid " + grid + ": " + e.what());
    }
  }
  return resolved.ToYaml();
}

RunOnDisk InspectRun(const std::string& run_dir) {
  const RunOnDisk file = RunFileState(fs::path(run_dir) / "run.h5");
  if (file != RunOnDisk::kNothing) return file;
  if (!Checkpointer::Latest((fs::path(run_dir) / "checkpoints").string()).empty()) {
    return RunOnDisk::kResumable;
  }
  return RunOnDisk::kNothing;
}

std::vector<std::string> TrainArguments(const std::string& sweep_dir, const SweepRun& run) {
  const std::string dir = (fs::path(sweep_dir) / run.run_dir).string();
  const RunOnDisk state = InspectRun(dir);
  if (state == RunOnDisk::kFinished || state == RunOnDisk::kFailed) return {};
  if (state == RunOnDisk::kResumable) return {"train", "--resume", dir, "--quiet"};
  fs::remove_all(dir);
  std::vector<std::string> args = {"train", (fs::path(sweep_dir) / "config.yaml").string()};
  for (const std::string& o : run.overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  args.insert(args.end(), {"--seed", std::to_string(run.seed), "--out", dir, "--quiet"});
  return args;
}

}  // namespace rl
