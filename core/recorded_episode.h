// A recorded evaluation episode: where it started and what the agent did, enough to replay it
// exactly (envs are deterministic given their state, generator and actions). The trainer records
// the first `eval.record_episodes` episodes of every evaluation into /rollouts of the run file;
// the viewer replays them and checks the replayed rewards against the recorded ones.
#ifndef REWARDLAB_CORE_RECORDED_EPISODE_H_
#define REWARDLAB_CORE_RECORDED_EPISODE_H_

#include <array>
#include <cstdint>
#include <vector>

#include "envs/env.h"

namespace rl {

// One evaluation episode, step by step.
struct RecordedEpisode {
  int64_t step = 0;               // env steps (all envs) at the evaluation
  int64_t episode = 0;            // its index in the evaluation (the column of /eval/returns)
  Vec start_state;                // Env::SnapshotState() before the first step
  std::array<uint64_t, 4> rng{};  // the env's generator state before the first step
  Mat actions;                    // (act_dim x length) the actions as the env received them
  Vec rewards;                    // (length) env reward of each step
  Mat terms;                      // (num_terms x length) env reward terms of each step
  bool terminated = false;        // how it ended; false = truncated
  // Steps in the episode.
  int64_t Length() const { return rewards.size(); }
  // The undiscounted env return, summed in step order as the evaluation sums it.
  double Return() const;
};

// Records one env's episode while it is stepped.
class EpisodeTape {
 public:
  // Starts a new episode from `env`'s current state (right after its reset).
  void Start(const Env& env);
  // Adds one step: the action taken, and the env's reward and terms.
  void Add(const Eigen::Ref<const Vec>& action, double reward, const Eigen::Ref<const Vec>& terms);
  // The episode so far, labelled with its evaluation step and index.
  RecordedEpisode Finish(int64_t step, int64_t episode, bool terminated) const;

 private:
  Vec start_state_;
  std::array<uint64_t, 4> rng_{};
  int act_dim_ = 0, num_terms_ = 0;
  std::vector<double> actions_, rewards_, terms_;
};

// Restores `env` to the start of `episode` and writes the first observation.
void RestoreEpisodeStart(const RecordedEpisode& episode, Env& env, Eigen::Ref<Vec> obs);

}  // namespace rl

#endif  // REWARDLAB_CORE_RECORDED_EPISODE_H_
