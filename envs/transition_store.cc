#include "envs/transition_store.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/error.h"

namespace rl {

TransitionStore::TransitionStore(int64_t capacity, int obs_dim, int act_dim, int num_terms)
    : capacity_(capacity),
      obs_(obs_dim, capacity),
      action_(act_dim, capacity),
      next_obs_(obs_dim, capacity),
      env_reward_(capacity),
      terms_(num_terms, capacity),
      terminated_(capacity, 0),
      truncated_(capacity, 0),
      env_slot_(capacity, 0),
      episode_(capacity, 0),
      episode_step_(capacity, 0) {
  if (capacity < 1) throw std::invalid_argument("TransitionStore needs a capacity of at least 1");
}

int64_t TransitionStore::BytesPerTransition(int obs_dim, int act_dim, int num_terms) {
  // s, a, s', reward and terms as floats, two flag bytes, slot, episode id and step
  return 4 * (2 * static_cast<int64_t>(obs_dim) + act_dim + 1 + num_terms) + 2 + 4 + 8 + 4;
}

int64_t TransitionStore::Bytes() const {
  return capacity_ * BytesPerTransition(static_cast<int>(obs_.rows()),
                                        static_cast<int>(action_.rows()),
                                        static_cast<int>(terms_.rows()));
}

void TransitionStore::Add(const Mat& obs, const Mat& action, const VecStep& step) {
  const int n = static_cast<int>(obs.cols());
  if (slot_episode_.empty()) {
    slot_episode_.assign(n, -1);
    slot_step_.assign(n, 0);
  } else if (n != NumSlots()) {
    throw UserError("transition store: a step of " + std::to_string(n) +
                    " env slots after steps of " + std::to_string(NumSlots()) +
                    " (was env.num_envs changed since the checkpoint? resume with the same value)");
  }
  for (int i = 0; i < n; ++i) {
    const int64_t c = cursor_;
    obs_.col(c) = obs.col(i).cast<float>();
    action_.col(c) = action.col(i).cast<float>();
    next_obs_.col(c) = step.final_obs.col(i).cast<float>();
    env_reward_[c] = static_cast<float>(step.reward[i]);
    terms_.col(c) = step.terms.col(i).cast<float>();
    terminated_[c] = step.terminated[i];
    truncated_[c] = step.truncated[i];
    // episodes start in slot order within a step, so ids follow (step, slot)
    if (slot_episode_[i] < 0) {
      slot_episode_[i] = next_episode_++;
      slot_step_[i] = 0;
    }
    env_slot_[c] = i;
    episode_[c] = slot_episode_[i];
    episode_step_[c] = slot_step_[i]++;
    if (step.terminated[i] || step.truncated[i]) slot_episode_[i] = -1;
    cursor_ = (cursor_ + 1) % capacity_;
    size_ = std::min(size_ + 1, capacity_);
  }
}

void TransitionStore::Clear() {
  size_ = 0;
  cursor_ = 0;
}

void TransitionStore::Resize(int batch, TransitionBatch& out) const {
  out.obs.resize(obs_.rows(), batch);
  out.action.resize(action_.rows(), batch);
  out.next_obs.resize(next_obs_.rows(), batch);
  out.env_reward.resize(batch);
  out.terms.resize(terms_.rows(), batch);
  out.terminated.resize(batch);
  out.truncated.resize(batch);
  out.env_slot.resize(batch);
  out.episode.resize(batch);
  out.episode_step.resize(batch);
}

void TransitionStore::CopyColumn(int64_t c, int b, TransitionBatch& out) const {
  out.obs.col(b) = obs_.col(c);
  out.action.col(b) = action_.col(c);
  out.next_obs.col(b) = next_obs_.col(c);
  out.env_reward[b] = env_reward_[c];
  out.terms.col(b) = terms_.col(c);
  out.terminated[b] = terminated_[c];
  out.truncated[b] = truncated_[c];
  out.env_slot[b] = env_slot_[c];
  out.episode[b] = episode_[c];
  out.episode_step[b] = episode_step_[c];
}

void TransitionStore::Sample(int batch, Rng& rng, TransitionBatch& out) const {
  if (size_ == 0) throw std::logic_error("TransitionStore::Sample from an empty store");
  Resize(batch, out);
  for (int b = 0; b < batch; ++b) {
    CopyColumn(static_cast<int64_t>(rng.UniformInt(static_cast<uint64_t>(size_))), b, out);
  }
}

void TransitionStore::Segment(int64_t first, int64_t count, TransitionBatch& out) const {
  if (first < 0 || count < 0 || first + count > size_) {
    throw std::out_of_range("TransitionStore::Segment [" + std::to_string(first) + ", " +
                            std::to_string(first + count) + ") of " + std::to_string(size_));
  }
  Resize(static_cast<int>(count), out);
  for (int64_t k = 0; k < count; ++k) CopyColumn(Column(first + k), static_cast<int>(k), out);
}

void TransitionStore::Gather(std::span<const int64_t> columns, TransitionBatch& out) const {
  Resize(static_cast<int>(columns.size()), out);
  for (size_t k = 0; k < columns.size(); ++k) {
    if (columns[k] < 0 || columns[k] >= size_) {
      throw std::out_of_range("TransitionStore::Gather: column " + std::to_string(columns[k]) +
                              " of " + std::to_string(size_));
    }
    CopyColumn(columns[k], static_cast<int>(k), out);
  }
}

std::vector<int64_t> TransitionStore::EpisodeColumns(int64_t id) const {
  std::vector<int64_t> columns;
  const int slots = NumSlots();
  if (size_ == 0 || slots == 0) return columns;
  // slot n's transitions sit `slots` apart in logical order and their ids never decrease
  const int slot0 = env_slot_[Column(0)];
  for (int n = 0; n < slots && columns.empty(); ++n) {
    const int64_t first = (n - slot0 + slots) % slots;
    if (first >= size_) continue;
    const int64_t count = (size_ - first + slots - 1) / slots;
    const auto id_at = [&](int64_t k) { return episode_[Column(first + k * slots)]; };
    int64_t lo = 0, hi = count;
    while (lo < hi) {
      const int64_t mid = lo + (hi - lo) / 2;
      if (id_at(mid) < id)
        lo = mid + 1;
      else
        hi = mid;
    }
    for (int64_t k = lo; k < count && id_at(k) == id; ++k) {
      columns.push_back(Column(first + k * slots));
    }
  }
  return columns;
}

void TransitionStore::Episode(int64_t id, TransitionBatch& out) const {
  const std::vector<int64_t> columns = EpisodeColumns(id);
  Gather(columns, out);
}

std::vector<int64_t> TransitionStore::CompleteEpisodes() const {
  // episodes start in id order, so every episode from the oldest stored start on has its start
  std::vector<int64_t> ids;
  int64_t first_start = -1;
  for (int64_t i = 0; i < size_; ++i) {
    const int64_t c = Column(i);
    if (first_start < 0 && episode_step_[c] == 0) first_start = episode_[c];
    const bool ends = terminated_[c] || truncated_[c];
    if (ends && first_start >= 0 && episode_[c] >= first_start) ids.push_back(episode_[c]);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace rl
