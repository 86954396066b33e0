// The env contract, run under random actions: used by `rewardlab check-env` and by the contract
// tests, which loop over the whole registry.
#ifndef REWARDLAB_ENVS_CHECK_ENV_H_
#define REWARDLAB_ENVS_CHECK_ENV_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/config_node.h"
#include "core/rng.h"
#include "envs/space.h"

namespace rl {

// The outcome of one contract check.
struct CheckResult {
  std::string name;    // short name, e.g. "reward-sum"
  bool passed = true;  // whether the check held
  std::string detail;  // what was checked, or the first violation
};

// Options for CheckEnv.
struct CheckEnvOptions {
  uint64_t seed = 0;  // seed of the envs and of the random actions
  int steps = 2000;   // random steps for the stepping checks
};

// Runs every contract check on env `id` built with `options`. Never throws for a contract
// violation (it is reported as a failed check); throws UserError for an unknown id or bad options.
std::vector<CheckResult> CheckEnv(const std::string& id, const ConfigNode& options,
                                  const CheckEnvOptions& check = {});

// A uniformly random element of `space` (Box bounds must be finite).
Vec SampleAction(const Space& space, Rng& rng);

}  // namespace rl

#endif  // REWARDLAB_ENVS_CHECK_ENV_H_
