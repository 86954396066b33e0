// The manifest of a sweep folder (sweep.json): what the sweep runs (config, seeds, grid, backend)
// and one row per run (overrides, seed, status, run folder). Rewritten whole through a temporary
// file and a rename, so a reader or a kill never sees it half-written.
#ifndef REWARDLAB_EXPERIMENTS_SWEEP_MANIFEST_H_
#define REWARDLAB_EXPERIMENTS_SWEEP_MANIFEST_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "experiments/experiment_config.h"

namespace rl {

// Format version of sweep.json written by this build; other versions are refused.
inline constexpr int kSweepFormatVersion = 1;

// Where a run of a sweep stands.
enum class RunStatus { kPending, kRunning, kFinished, kInterrupted, kFailed };

// "pending", "running", "finished", "interrupted" or "failed".
const char* RunStatusName(RunStatus status);

// One run of a sweep.
struct SweepRun {
  int index = 0;                       // position in the sweep, also the SLURM array index
  std::vector<std::string> overrides;  // "key=value" grid overrides
  uint64_t seed = 0;                   // experiment seed
  std::string run_dir;                 // run folder, relative to the sweep folder
  RunStatus status = RunStatus::kPending;
  int attempts = 0;    // processes started for this run
  int exit_code = -1;  // exit code of the last process, -1 when none or killed by a signal
};

// The SLURM settings of a sweep: the config's `slurm` section with the flags applied, and the
// array jobs submitted so far.
struct SlurmOptions : SlurmConfig {
  std::vector<std::string> job_ids;  // array jobs submitted so far, newest last
};

// A sweep folder's manifest.
struct SweepManifest {
  std::string name;               // sweep name
  std::string backend = "local";  // "local" or "slurm"
  int jobs = 1;                   // local: processes at once
  std::string config_path;        // the config file given on the command line
  std::string config_yaml;        // its resolved text, also written to config.yaml
  std::string seeds;              // "A:B"
  std::vector<std::pair<std::string, std::vector<std::string>>> grid;  // key -> values
  SlurmOptions slurm;                                                  // backend "slurm" only
  std::string created_at;                                              // UTC, ISO 8601
  std::vector<SweepRun> runs;                                          // one per (grid point, seed)
};

// The manifest's path inside a sweep folder.
std::string ManifestPath(const std::string& sweep_dir);
// Writes the manifest atomically (temporary file + rename); throws UserError when it cannot.
void SaveManifest(const std::string& sweep_dir, const SweepManifest& manifest);
// Reads a sweep folder's manifest; throws UserError for a missing, foreign, broken or
// other-version manifest.
SweepManifest LoadManifest(const std::string& sweep_dir);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_SWEEP_MANIFEST_H_
