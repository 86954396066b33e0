// Demonstrations in Minari's on-disk layout (docs/demos.md): a dataset folder holding
// data/main_data.hdf5 (one group episode_<i> per episode) and data/metadata.json. The writer makes
// the files Minari's HDF5 storage makes; the reader takes datasets from any program that writes
// that layout (Minari itself, h5py scripts) and checks them against the env they will be used with.
#ifndef REWARDLAB_ENVS_DEMO_DATASET_H_
#define REWARDLAB_ENVS_DEMO_DATASET_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/env.h"

namespace rl {

// One recorded episode of T steps.
struct DemoEpisode {
  Mat obs;                            // (obs_dim x T+1) the reset's observation, then one per step
  Mat actions;                        // (act_dim x T) as the env received them (Discrete: index)
  Vec rewards;                        // (T) env rewards
  std::vector<uint8_t> terminations;  // (T) 1 where the MDP reached a terminal state (last step)
  std::vector<uint8_t> truncations;   // (T) 1 where the episode was cut (time limit; last step)
  int64_t id = 0;                     // the episode's `id` attribute (its index when absent)
  std::optional<uint64_t> seed;       // the episode's `seed` attribute, when recorded

  // Steps in the episode.
  int Steps() const { return static_cast<int>(rewards.size()); }
  // Whether the episode ended in a true terminal state (not a time limit).
  bool Terminated() const { return !terminations.empty() && terminations.back() != 0; }
};

// What the writer stores beside the episodes in metadata.json.
struct DemoDatasetInfo {
  std::string dataset_id;      // Minari id "(namespace/)name(-v<k>)", e.g. "rewardlab/x/expert-v0"
  std::string algorithm_name;  // Minari's `algorithm_name`: what produced the demos
  nlohmann::ordered_json extras = nlohmann::ordered_json::object();  // stored as key "rewardlab"
};

// Writes `episodes` of the env `spec` as a Minari dataset folder `dir`, which must not exist or be
// empty. Everything is written into a temporary sibling folder that is renamed to `dir` at the
// end, so a failed or killed write never leaves a folder that looks finished. Throws UserError.
void WriteDemoDataset(const std::string& dir, const EnvSpec& spec,
                      const std::vector<DemoEpisode>& episodes, const DemoDatasetInfo& info);

// Options of LoadDemos.
struct LoadDemosOptions {
  int num_demos = 0;  // the first this many episodes (0: all); more than there are is an error
};

// A dataset as read by LoadDemos.
struct DemoDataset {
  std::string path;                   // the folder as given
  std::string dataset_id;             // metadata's `dataset_id` ("" when absent)
  int64_t total_episodes = 0;         // episodes in the dataset
  std::vector<DemoEpisode> episodes;  // the episodes kept, in order
};

// Reads the Minari dataset folder `dir` (or its data/ folder) for the env `spec`: its spaces must
// match the env's (dimensions, Box bounds), its env_spec id (when present) must be spec.id, every
// episode needs T+1 observations for T actions, rewards and flags, finite values, and flags set on
// the last step only. Each refusal is a one-line UserError naming the dataset and the fix.
DemoDataset LoadDemos(const std::string& dir, const EnvSpec& spec,
                      const LoadDemosOptions& options = {});

// GAIL's subsampling (Ho & Ermon 2016; DAC): the step indices offset, offset + stride, ... below
// the episode's length, with the offset uniform in [0, stride) drawn from `rng`. stride >= 1.
std::vector<int> SubsampleTransitions(const DemoEpisode& episode, int stride, Rng& rng);

}  // namespace rl

#endif  // REWARDLAB_ENVS_DEMO_DATASET_H_
