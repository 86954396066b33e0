// The most recent transitions, for reward modules that fit on them (HERON, GAIL, novelty
// bonuses): a ring buffer of raw float32 transitions that the trainer fills every step.
#ifndef REWARDLAB_REWARDS_TRANSITION_WINDOW_H_
#define REWARDLAB_REWARDS_TRANSITION_WINDOW_H_

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "core/h5.h"
#include "rewards/reward_module.h"

namespace rl {

// A fixed-capacity ring buffer of transitions; the oldest are overwritten.
class TransitionWindow {
 public:
  // An empty window of `capacity` transitions of the given widths.
  TransitionWindow(int capacity, int obs_dim, int act_dim, int num_terms);

  // Appends the transitions of `batch` (B columns), overwriting the oldest once full.
  void Push(const RewardBatch& batch);
  // Every stored transition (the first Size() columns; the order is not chronological).
  RewardBatch View() const;
  // Stored transitions.
  int Size() const { return size_; }
  // Maximum stored transitions.
  int Capacity() const { return static_cast<int>(env_reward_.size()); }
  // Writes the contents and write position for checkpoints.
  void Save(const h5::Group& g) const;
  // Restores what Save wrote; throws UserError when the shapes differ.
  void Load(const h5::Group& g);

 private:
  Eigen::MatrixXf obs_, action_, next_obs_, terms_;  // (dim x capacity)
  Eigen::VectorXf env_reward_;                       // (capacity)
  std::vector<uint8_t> terminated_, truncated_;      // (capacity)
  int size_ = 0;                                     // stored transitions
  int head_ = 0;                                     // next column to write
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_TRANSITION_WINDOW_H_
