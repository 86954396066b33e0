#include "agents/buffers/replay_buffer.h"

namespace rl {

ReplayBuffer::ReplayBuffer(int64_t capacity, int obs_dim, int act_dim, int num_terms)
    : capacity_(capacity),
      obs_(obs_dim, capacity),
      actions_(act_dim, capacity),
      next_obs_(obs_dim, capacity),
      rewards_(capacity),
      terms_(num_terms, capacity),
      terminated_(capacity, 0),
      truncated_(capacity, 0) {}

void ReplayBuffer::Add(const Mat& obs, const Mat& action, const VecStep& step) {
  for (int i = 0; i < obs.cols(); ++i) {
    obs_.col(cursor_) = obs.col(i).cast<float>();
    actions_.col(cursor_) = action.col(i).cast<float>();
    next_obs_.col(cursor_) = step.final_obs.col(i).cast<float>();
    rewards_[cursor_] = static_cast<float>(step.reward[i]);
    terms_.col(cursor_) = step.terms.col(i).cast<float>();
    terminated_[cursor_] = step.terminated[i];
    truncated_[cursor_] = step.truncated[i];
    cursor_ = (cursor_ + 1) % capacity_;
    size_ = std::min(size_ + 1, capacity_);
  }
}

void ReplayBuffer::Sample(int batch, Rng& rng, ReplaySample& out) const {
  out.obs.resize(obs_.rows(), batch);
  out.action.resize(actions_.rows(), batch);
  out.next_obs.resize(next_obs_.rows(), batch);
  out.env_reward.resize(batch);
  out.terms.resize(terms_.rows(), batch);
  out.terminated.resize(batch);
  out.truncated.resize(batch);
  for (int b = 0; b < batch; ++b) {
    const int64_t k = static_cast<int64_t>(rng.UniformInt(static_cast<uint64_t>(size_)));
    out.obs.col(b) = obs_.col(k);
    out.action.col(b) = actions_.col(k);
    out.next_obs.col(b) = next_obs_.col(k);
    out.env_reward[b] = rewards_[k];
    out.terms.col(b) = terms_.col(k);
    out.terminated[b] = terminated_[k];
    out.truncated[b] = truncated_[k];
  }
}

}  // namespace rl
