// The top-level experiment config: one YAML file per experiment (DESIGN §4).
#ifndef REWARDLAB_EXPERIMENTS_EXPERIMENT_CONFIG_H_
#define REWARDLAB_EXPERIMENTS_EXPERIMENT_CONFIG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "envs/vec_env.h"

namespace rl {

// What an experiment runs: its name, seed, budget and environment.
struct ExperimentConfig {
  std::string name = "default";    // run name, part of the run folder
  uint64_t seed = 0;               // experiment seed; every random stream derives from it
  int64_t total_steps = 100000;    // env steps to train for (all envs together)
  EnvConfig env;                   // the environment

  template <class V>
  void Fields(V& v) {
    v("name", name, "run name, used in the run folder");
    v("seed", seed, "experiment seed; every random stream derives from it (core/rng.h)");
    v("total_steps", total_steps, "env steps to train for, all envs together", Check::Min(1));
    v("env", env, "the environment");
  }
};

// Loads a config file (or the defaults when `path` is empty), applies `--set` overrides and
// validates everything, env options included. Throws UserError naming file, line and key.
ExperimentConfig LoadExperimentConfig(const std::string& path,
                                      const std::vector<std::string>& overrides,
                                      ConfigNode* resolved = nullptr);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_EXPERIMENT_CONFIG_H_
