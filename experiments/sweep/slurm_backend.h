// The SLURM backend of `rewardlab sweep`: one sbatch array job whose tasks are the sweep's
// unfinished runs (each runs `rewardlab sweep-task SWEEP INDEX`), followed with squeue (no
// accounting needed). SIGUSR1 arrives `signal_seconds` before the time limit; the task's run
// checkpoints and, with requeue, the task requeues itself and resumes.
#ifndef REWARDLAB_EXPERIMENTS_SWEEP_SLURM_BACKEND_H_
#define REWARDLAB_EXPERIMENTS_SWEEP_SLURM_BACKEND_H_

#include <string>
#include <vector>

#include "experiments/sweep/manifest.h"

namespace rl {

// Throws UserError unless sbatch, squeue and scontrol are on the PATH.
void RequireSlurm();
// The sbatch script of an array over `indices` (runs of `manifest`), run by `program`.
std::string SlurmArrayScript(const std::string& sweep_dir, const std::string& program,
                             const SweepManifest& manifest, const std::vector<int>& indices);
// Writes slurm/array_<n>.sh, submits it and returns the array job id; throws UserError when
// sbatch fails.
std::string SubmitSlurmArray(const std::string& sweep_dir, const std::string& program,
                             const SweepManifest& manifest, const std::vector<int>& indices);
// Whether any task of `job_id` is still pending, running or being requeued (squeue).
bool SlurmJobActive(const std::string& job_id);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_SWEEP_SLURM_BACKEND_H_
