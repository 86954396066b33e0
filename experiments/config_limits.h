// Size limits of an experiment config, checked before anything large is built: hard caps on counts
// that must fit the types that hold them, and an estimate of the bytes the config would allocate
// compared with the machine's memory (docs/config.md "Limits").
#ifndef REWARDLAB_EXPERIMENTS_CONFIG_LIMITS_H_
#define REWARDLAB_EXPERIMENTS_CONFIG_LIMITS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "envs/env.h"
#include "experiments/experiment_config.h"

namespace rl {

// One part of a config's memory: the key that sizes it, what it is, and its bytes.
struct MemoryItem {
  std::string key;    // dotted key, e.g. "agent.buffer_size"
  std::string what;   // "2147483648 transitions of Hopper-v4"
  double bytes = 0;   // estimated bytes
  std::string where;  // file:line of the key when not found from the root (list entries)
};

// The memory a run of `config` would allocate, largest parts first; `env_bytes` is what one env
// of `spec` takes. Throws UserError (naming the key in `root`) for a count past a hard cap.
std::vector<MemoryItem> EstimateMemory(const ExperimentConfig& config, const ConfigNode& root,
                                       const EnvSpec& spec, double env_bytes);

// Memory a run may use: physical memory, or less when REWARDLAB_MEMORY_LIMIT (bytes, or with a
// K/M/G/T suffix) says so; throws UserError for a bad REWARDLAB_MEMORY_LIMIT.
double MemoryLimitBytes();

// Throws UserError naming the largest part, at its file:line, when `items` need more than `limit`.
void CheckMemory(const std::vector<MemoryItem>& items, const ConfigNode& root, double limit);

// Heap bytes in use by this process (glibc mallinfo2), to measure what building one env takes.
double HeapBytesInUse();

// "215 GiB", "3.2 MiB".
std::string FormatBytes(double bytes);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_CONFIG_LIMITS_H_
