#include "rewards/transition_window.h"

#include <algorithm>

#include "core/checkpoint.h"
#include "core/error.h"

namespace rl {

TransitionWindow::TransitionWindow(int capacity, int obs_dim, int act_dim, int num_terms)
    : obs_(obs_dim, capacity),
      action_(act_dim, capacity),
      next_obs_(obs_dim, capacity),
      terms_(num_terms, capacity),
      env_reward_(capacity),
      terminated_(capacity, 0),
      truncated_(capacity, 0) {}

void TransitionWindow::Push(const RewardBatch& batch) {
  for (int b = 0; b < batch.Size(); ++b) {
    obs_.col(head_) = batch.obs.col(b);
    action_.col(head_) = batch.action.col(b);
    next_obs_.col(head_) = batch.next_obs.col(b);
    terms_.col(head_) = batch.terms.col(b);
    env_reward_[head_] = batch.env_reward[b];
    terminated_[head_] = batch.terminated[b];
    truncated_[head_] = batch.truncated[b];
    head_ = (head_ + 1) % Capacity();
    size_ = std::min(size_ + 1, Capacity());
  }
}

RewardBatch TransitionWindow::View() const {
  return {obs_.leftCols(size_),    action_.leftCols(size_), next_obs_.leftCols(size_),
          env_reward_.head(size_), terms_.leftCols(size_),  terminated_.data(),
          truncated_.data()};
}

void TransitionWindow::Save(const h5::Group& g) const {
  g.WriteIntAttr("size", size_);
  g.WriteIntAttr("head", head_);
  ckpt::Write(g, "obs", obs_);
  ckpt::Write(g, "action", action_);
  ckpt::Write(g, "next_obs", next_obs_);
  ckpt::Write(g, "terms", terms_);
  ckpt::Write(g, "env_reward", env_reward_);
  g.Write<uint8_t>("terminated", terminated_);
  g.Write<uint8_t>("truncated", truncated_);
}

void TransitionWindow::Load(const h5::Group& g) {
  const int capacity = Capacity();
  ckpt::Read(g, "obs", obs_);
  ckpt::Read(g, "action", action_);
  ckpt::Read(g, "next_obs", next_obs_);
  ckpt::Read(g, "terms", terms_);
  ckpt::Read(g, "env_reward", env_reward_);
  terminated_ = g.Read<uint8_t>("terminated");
  truncated_ = g.Read<uint8_t>("truncated");
  size_ = static_cast<int>(g.ReadIntAttr("size"));
  head_ = static_cast<int>(g.ReadIntAttr("head"));
  if (obs_.cols() != capacity || env_reward_.size() != capacity ||
      static_cast<int>(terminated_.size()) != capacity || size_ > capacity || head_ >= capacity) {
    throw UserError(g.FilePath() + ": the reward window does not fit this config's window size");
  }
}

}  // namespace rl
