// Recording and replaying evaluation episodes (RecordedEpisode, core/run_file.h): enough to replay
// one exactly, since envs are deterministic given their state, generator and actions. The trainer
// records the first `eval.record_episodes` episodes of every evaluation into /rollouts of the run
// file; the viewer replays them and checks the replayed rewards against the recorded ones.
#ifndef REWARDLAB_LOOP_RECORDED_EPISODE_H_
#define REWARDLAB_LOOP_RECORDED_EPISODE_H_

#include <array>
#include <cstdint>
#include <vector>

#include "core/run_file.h"
#include "envs/env.h"

namespace rl {

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

#endif  // REWARDLAB_LOOP_RECORDED_EPISODE_H_
