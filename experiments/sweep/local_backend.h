// The local backend of `rewardlab sweep`: each run is its own `rewardlab train` process, at most
// `jobs` at once, with its output in logs/<index>.out. SIGTERM / SIGINT to the sweep are passed
// on to the runs, which checkpoint and stop; the manifest is saved after every change.
#ifndef REWARDLAB_EXPERIMENTS_SWEEP_LOCAL_BACKEND_H_
#define REWARDLAB_EXPERIMENTS_SWEEP_LOCAL_BACKEND_H_

#include <string>

#include "experiments/sweep/manifest.h"

namespace rl {

// How a sweep execution ended.
struct SweepOutcome {
  int finished = 0;      // runs finished (before or now)
  int interrupted = 0;   // runs stopped with a checkpoint (resumable)
  int failed = 0;        // runs that exited with an error
  bool stopped = false;  // the sweep itself got SIGTERM / SIGINT
};

// Runs every unfinished run of `manifest` with `program` (the rewardlab binary), at most
// `manifest.jobs` at once, updating and saving the manifest in `sweep_dir` as runs start and end.
SweepOutcome RunLocalSweep(const std::string& sweep_dir, const std::string& program,
                           SweepManifest& manifest);

// Sets each run's status from what its folder holds (finished / resumable / nothing) for runs
// not marked finished; a run marked finished is never touched. Returns the number finished.
int ReconcileRuns(const std::string& sweep_dir, SweepManifest& manifest);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_SWEEP_LOCAL_BACKEND_H_
