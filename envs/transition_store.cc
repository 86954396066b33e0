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
    if (size_ == capacity_) num_terminated_ -= terminated_[c];
    num_terminated_ += step.terminated[i] != 0;
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
  num_terminated_ = 0;
}

namespace {

// dst's column b = src's column columns[b], for column-major float matrices of equal height.
void GatherColumns(const Eigen::MatrixXf& src, std::span<const int64_t> columns,
                   Eigen::MatrixXf& dst) {
  const Eigen::Index rows = src.rows();
  dst.resize(rows, static_cast<Eigen::Index>(columns.size()));
  const float* from = src.data();
  float* to = dst.data();
  for (const int64_t c : columns) {
    const float* col = from + c * rows;
    for (Eigen::Index r = 0; r < rows; ++r) *to++ = col[r];
  }
}

// dst[b] = src[columns[b]].
template <class Dst, class Src>
void GatherEntries(const Src& src, std::span<const int64_t> columns, Dst& dst) {
  dst.resize(static_cast<Eigen::Index>(columns.size()));
  for (size_t b = 0; b < columns.size(); ++b) dst[b] = src[columns[b]];
}

// the batch's column list, reused by each thread
std::vector<int64_t>& ColumnScratch(size_t count) {
  thread_local std::vector<int64_t> columns;
  columns.resize(count);
  return columns;
}

}  // namespace

void TransitionStore::CopyColumns(std::span<const int64_t> columns, TransitionBatch& out) const {
  GatherColumns(obs_, columns, out.obs);
  GatherColumns(action_, columns, out.action);
  GatherColumns(next_obs_, columns, out.next_obs);
  GatherEntries(env_reward_, columns, out.env_reward);
  GatherColumns(terms_, columns, out.terms);
  GatherEntries(terminated_, columns, out.terminated);
  GatherEntries(truncated_, columns, out.truncated);
  GatherEntries(env_slot_, columns, out.env_slot);
  GatherEntries(episode_, columns, out.episode);
  GatherEntries(episode_step_, columns, out.episode_step);
  out.absorbing.clear();
}

void TransitionStore::Sample(int batch, Rng& rng, TransitionBatch& out) const {
  if (size_ == 0) throw std::logic_error("TransitionStore::Sample from an empty store");
  std::vector<int64_t>& columns = ColumnScratch(static_cast<size_t>(batch));
  for (int64_t& c : columns) c = static_cast<int64_t>(rng.UniformInt(static_cast<uint64_t>(size_)));
  CopyColumns(columns, out);
}

void TransitionStore::SampleAbsorbing(int batch, Rng& rng, TransitionBatch& out) const {
  if (size_ == 0) throw std::logic_error("TransitionStore::SampleAbsorbing from an empty store");
  // draws past Size() are self-loops: gather column 0 in their place, then overwrite the row
  const uint64_t augmented = static_cast<uint64_t>(size_ + num_terminated_);
  std::vector<int64_t>& columns = ColumnScratch(static_cast<size_t>(batch));
  thread_local std::vector<int> loops;
  loops.clear();
  for (int b = 0; b < batch; ++b) {
    const auto u = static_cast<int64_t>(rng.UniformInt(augmented));
    if (u >= size_) loops.push_back(b);
    columns[b] = u < size_ ? u : 0;
  }
  CopyColumns(columns, out);
  out.absorbing.assign(static_cast<size_t>(batch), 0);
  for (const int b : loops) {
    out.obs.col(b).setZero();
    out.action.col(b).setZero();
    out.next_obs.col(b).setZero();
    out.env_reward[b] = 0.0f;
    out.terms.col(b).setZero();
    out.terminated[b] = 0;
    out.truncated[b] = 0;
    out.env_slot[b] = -1;
    out.episode[b] = -1;
    out.episode_step[b] = -1;
    out.absorbing[b] = 1;
  }
}

void TransitionStore::Segment(int64_t first, int64_t count, TransitionBatch& out) const {
  if (first < 0 || count < 0 || first + count > size_) {
    throw std::out_of_range("TransitionStore::Segment [" + std::to_string(first) + ", " +
                            std::to_string(first + count) + ") of " + std::to_string(size_));
  }
  std::vector<int64_t>& columns = ColumnScratch(static_cast<size_t>(count));
  for (int64_t k = 0; k < count; ++k) columns[k] = Column(first + k);
  CopyColumns(columns, out);
}

void TransitionStore::Gather(std::span<const int64_t> columns, TransitionBatch& out) const {
  for (const int64_t c : columns) {
    if (c < 0 || c >= size_) {
      throw std::out_of_range("TransitionStore::Gather: column " + std::to_string(c) + " of " +
                              std::to_string(size_));
    }
  }
  CopyColumns(columns, out);
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
