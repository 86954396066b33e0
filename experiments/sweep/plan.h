// Planning a sweep: parsing `--seeds A:B` and `--grid key=v1,v2`, expanding them into runs,
// validating every run's config up front, and deciding how each run (re)starts.
#ifndef REWARDLAB_EXPERIMENTS_SWEEP_PLAN_H_
#define REWARDLAB_EXPERIMENTS_SWEEP_PLAN_H_

#include <string>
#include <utility>
#include <vector>

#include "experiments/sweep/manifest.h"

namespace rl {

// Most runs in one sweep (grid points x seeds).
inline constexpr int kMaxSweepRuns = 100000;

// Seeds A … B-1 of "A:B" (a Python slice); throws UserError for bad text, an empty range or more
// than kMaxSweepRuns seeds.
std::vector<uint64_t> ParseSeedRange(const std::string& text);
// "key=v1,v2" -> (key, [v1, v2]); commas inside [], {} or quotes do not split. Throws UserError.
std::pair<std::string, std::vector<std::string>> ParseGridFlag(const std::string& text);
// One run per grid point (first key slowest) and seed (fastest), with run folders under runs/;
// throws UserError for more than kMaxSweepRuns runs.
std::vector<SweepRun> ExpandRuns(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& grid,
    const std::vector<uint64_t>& seeds);
// Loads and validates the config of every run (grid overrides and seed applied) and returns the
// resolved base config as YAML; throws UserError naming the run's overrides on the first bad one.
std::string ValidateRuns(const std::string& config_path, const std::vector<SweepRun>& runs);

// What is on disk for a run.
enum class RunOnDisk {
  kNothing,    // no run folder, or one without a checkpoint (started again from scratch)
  kResumable,  // a checkpoint short of the end: `train --resume`
  kFinished,   // the run file is marked finished
  kFailed,     // the run stopped on a fault its run file records (`failure`); a rerun repeats it
};

// Inspects `run_dir` (absolute).
RunOnDisk InspectRun(const std::string& run_dir);
// The `rewardlab train` arguments (without the program) that start or continue `run`, or none
// when it is finished or failed on a recorded fault; a run folder left without a checkpoint is removed first. `sweep_dir`
// holds config.yaml.
std::vector<std::string> TrainArguments(const std::string& sweep_dir, const SweepRun& run);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_SWEEP_PLAN_H_
