// The verbs of the `rewardlab` CLI; each file registers one or two subcommands.
#ifndef REWARDLAB_APPS_COMMANDS_H_
#define REWARDLAB_APPS_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/config_node.h"
#include "envs/space.h"

namespace rl {

// Thrown by a verb to end the program with `code` once everything has been unwound.
struct ExitRequest {
  int code = 0;  // the process exit code
};

// `envs` and `check-env ID`.
void AddEnvCommands(CLI::App& app);
// `rollout ID --actions FILE [--init-state ...] [--seed N] [--out FILE]`.
void AddRolloutCommand(CLI::App& app);
// `train [CONFIG] [--set k=v]... [--seed N] [--view [--screenshot FILE.png --frames N]]`.
void AddTrainCommand(CLI::App& app);
// `config describe [COMPONENT]` and `config show [CONFIG] [--set k=v]...`.
void AddConfigCommands(CLI::App& app);
// `compare-rewards ENV_ID REWARD... [--gamma G] [--policy uniform] [--format table|csv]`.
void AddCompareRewardsCommand(CLI::App& app);
// `view RUN_DIR|CONFIG [--screenshot FILE.png] [--frames N] [--episode K] [--stochastic]`.
void AddViewCommand(CLI::App& app);
// `record RUN_DIR|CONFIG --out FILE.mp4 [--episode K] [--fps N] [--max-frames N]`.
void AddRecordCommand(CLI::App& app);
// `eval RUN_DIR [--episodes N] [--seed S] [--stochastic] [--checkpoint STEP] [--out FILE]`.
void AddEvalCommand(CLI::App& app);

// `demos RUN_DIR --episodes N [--stochastic] [--seed S] --out DATASET_DIR`.
void AddDemosCommand(CLI::App& app);

// `sweep CONFIG --seeds A:B [--grid k=v1,v2]...`, `sweep --resume DIR` and the hidden
// `sweep-task DIR INDEX` that SLURM array tasks run.
void AddSweepCommands(CLI::App& app);
// `plot RUNS_OR_SWEEPS... --out FILE` and `export RUN --csv`.
void AddPlotCommands(CLI::App& app);

// Shortest text that reads back to the same value ("0.1", "1e-05", "3"); a double that is
// exactly a float32 prints as the shortest float32 text.
std::string FormatNumber(double x);
// Parses "1.5,2,-3" into a vector; throws UserError prefixed with `where` on bad numbers.
Vec ParseNumberList(const std::string& text, const std::string& where);
// Env options from `--set key=value` flags (keys relative to env.options).
ConfigNode OptionsFromOverrides(const std::vector<std::string>& overrides);
// Writes `text` to `path` through a temporary file, fsync and a rename, so a failed write leaves
// no partial file and no temporary; "-" or "" writes to stdout. Refuses a target that exists and
// is not a regular file (link, FIFO, device, folder); every failure is one UserError line.
void WriteFileAtomically(const std::string& path, const std::string& text);
// Flushes stdout; throws a one-line UserError when a write to it failed (e.g. `> /dev/full`).
void FlushStdout();
// The one-line error of `what` (e.g. "rewardlab view") in a binary built without the viewer.
[[noreturn]] void ThrowNoViewer(const std::string& what);
// The env step of a checkpoint file "step_<N>.h5", or -1.
int64_t CheckpointStep(const std::filesystem::path& path);
// A run's checkpoint: the newest, or the one of `step` (the error lists those there are).
std::string FindCheckpoint(const std::string& run_dir, std::optional<int64_t> step);
// Mean and population std of `x` (non-empty).
std::pair<double, double> MeanStd(const std::vector<double>& x);
// Holds an exclusive lock on `path` (created, holding this process's id) until the process ends,
// however it ends; throws UserError "`busy` (pid N)" when another process holds it.
void HoldProcessLock(const std::string& path, const std::string& busy);

}  // namespace rl

#endif  // REWARDLAB_APPS_COMMANDS_H_
