// Run folders (DESIGN §4): results/runs/<name>/<env>__<name>__s<seed>__<time>/ holding
// config.yaml (resolved), run.h5, checkpoints/ and console.log.
#ifndef REWARDLAB_EXPERIMENTS_RUN_DIR_H_
#define REWARDLAB_EXPERIMENTS_RUN_DIR_H_

#include <string>

#include "core/config_node.h"
#include "core/run_file.h"
#include "experiments/experiment_config.h"

namespace rl {

// The default run folder of a config, under `root` (results/runs).
std::string DefaultRunDir(const ExperimentConfig& config, const std::string& root = "results/runs");
// Creates `dir` (refusing one that already holds a run) and writes config.yaml; throws UserError.
void CreateRunDir(const std::string& dir, const ConfigNode& resolved);
// The root attributes of a new run file.
RunInfo MakeRunInfo(const ExperimentConfig& config, const ConfigNode& resolved);
// The current UTC time formatted by strftime `format` ("%Y%m%d-%H%M%S" for folder names).
std::string UtcNow(const char* format);
// Loads the resolved config of an existing run folder (validated, with what validation built in
// `parts` when given); throws UserError when `dir` is not a run.
ExperimentConfig LoadRunConfig(const std::string& dir, ConfigNode* resolved = nullptr,
                               ValidatedParts* parts = nullptr);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_RUN_DIR_H_
