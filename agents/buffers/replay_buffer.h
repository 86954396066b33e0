// A ring buffer of raw transitions for off-policy agents. It stores what the env produced, never a
// reward derived from it: minibatches are labelled by the reward pipeline when sampled, so learned
// rewards never go stale, and terminated and truncated stay apart (bootstrap through truncation).
#ifndef REWARDLAB_AGENTS_BUFFERS_REPLAY_BUFFER_H_
#define REWARDLAB_AGENTS_BUFFERS_REPLAY_BUFFER_H_

#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "core/rng.h"
#include "envs/vec_env.h"
#include "rewards/reward_module.h"

namespace rl {

// One sampled minibatch, gathered into contiguous matrices.
struct ReplaySample {
  Eigen::MatrixXf obs;              // (obs_dim x B) s
  Eigen::MatrixXf action;           // (act_dim x B) a as the env received it
  Eigen::MatrixXf next_obs;         // (obs_dim x B) the true s'
  Eigen::VectorXf env_reward;       // (B)
  Eigen::MatrixXf terms;            // (num_terms x B) the env's named reward terms
  std::vector<uint8_t> terminated;  // (B)
  std::vector<uint8_t> truncated;   // (B)
  // The sample as a batch for the reward pipeline.
  RewardBatch Batch() const {
    return {obs, action, next_obs, env_reward, terms, terminated.data(), truncated.data()};
  }
};

// Fixed-capacity FIFO of transitions.
class ReplayBuffer {
 public:
  // Room for `capacity` transitions of the given sizes.
  ReplayBuffer(int64_t capacity, int obs_dim, int act_dim, int num_terms);

  // Appends the n transitions of one VecEnv step (s: obs, a: action, the rest from `step`).
  void Add(const Mat& obs, const Mat& action, const VecStep& step);
  // Draws `batch` transitions uniformly with replacement into `out`.
  void Sample(int batch, Rng& rng, ReplaySample& out) const;
  // Transitions stored (at most the capacity).
  int64_t Size() const { return size_; }
  // Maximum number of transitions.
  int64_t Capacity() const { return capacity_; }

  // Storage views for checkpoints (the first Size() columns in ring order from Start()).
  Eigen::MatrixXf& Obs() { return obs_; }
  Eigen::MatrixXf& Actions() { return actions_; }
  Eigen::MatrixXf& NextObs() { return next_obs_; }
  Eigen::VectorXf& Rewards() { return rewards_; }
  Eigen::MatrixXf& Terms() { return terms_; }
  std::vector<uint8_t>& Terminated() { return terminated_; }
  std::vector<uint8_t>& Truncated() { return truncated_; }
  // Next write position, for checkpoints.
  int64_t Cursor() const { return cursor_; }
  // Restores size and cursor after the storage was loaded.
  void SetCursor(int64_t cursor, int64_t size) {
    cursor_ = cursor;
    size_ = size;
  }

 private:
  int64_t capacity_;
  int64_t size_ = 0;
  int64_t cursor_ = 0;
  Eigen::MatrixXf obs_;              // (obs_dim x capacity)
  Eigen::MatrixXf actions_;          // (act_dim x capacity)
  Eigen::MatrixXf next_obs_;         // (obs_dim x capacity)
  Eigen::VectorXf rewards_;          // (capacity) env reward
  Eigen::MatrixXf terms_;            // (num_terms x capacity) env reward terms
  std::vector<uint8_t> terminated_;  // (capacity)
  std::vector<uint8_t> truncated_;   // (capacity); the critic ignores it, rewards may not
};

}  // namespace rl

#endif  // REWARDLAB_AGENTS_BUFFERS_REPLAY_BUFFER_H_
