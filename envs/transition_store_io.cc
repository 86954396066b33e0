// TransitionStore::Save and Load: one row per transition, oldest first, with the counters.
#include <algorithm>
#include <string>
#include <string_view>

#include "core/error.h"
#include "envs/transition_store.h"

namespace rl {
namespace {

constexpr std::string_view kLayout = "rewardlab-transition-store";
constexpr int64_t kLayoutVersion = 1;

// Where a store's group is, for messages: "<file>: <group>".
std::string Where(const h5::Group& g) { return g.FilePath() + ": " + g.Name(); }

// The ring's columns [start, start + size) (mod capacity) of `rows` values each, as one
// (size x rows) dataset (size values when `rows` is 0 for a vector).
template <class T>
void WriteRing(const h5::Group& g, std::string_view name, const T* data, int64_t rows,
               int64_t start, int64_t size, int64_t capacity) {
  const int64_t width = std::max<int64_t>(rows, 1);
  h5::Dims dims{static_cast<uint64_t>(size)};
  if (rows > 0) dims.push_back(static_cast<uint64_t>(rows));
  if (start + size <= capacity) {
    g.Write<T>(name, std::span<const T>(data + start * width, size * width), dims);
    return;
  }
  std::vector<T> ordered(size * width);
  const int64_t head = capacity - start;  // columns from start to the end of the storage
  std::copy(data + start * width, data + capacity * width, ordered.begin());
  std::copy(data, data + (size - head) * width, ordered.begin() + head * width);
  g.Write<T>(name, ordered, dims);
}

// Reads what WriteRing wrote back into the same storage columns; throws UserError on a shape that
// does not fit.
template <class T>
void ReadRing(const h5::Group& g, std::string_view name, T* data, int64_t rows, int64_t start,
              int64_t size, int64_t capacity) {
  const int64_t width = std::max<int64_t>(rows, 1);
  h5::Dims dims;
  const std::vector<T> v = g.Read<T>(name, &dims);
  h5::Dims expected{static_cast<uint64_t>(size)};
  if (rows > 0) expected.push_back(static_cast<uint64_t>(rows));
  if (dims != expected) {
    std::string shape;
    for (uint64_t d : dims) shape += (shape.empty() ? "" : " x ") + std::to_string(d);
    throw UserError(Where(g) + "/" + std::string(name) + " holds " + shape + " values where " +
                    std::to_string(size) + " transitions of width " + std::to_string(rows) +
                    " fit this store (was the env or the config changed since the checkpoint?)");
  }
  const int64_t head = std::min(size, capacity - start);
  std::copy(v.begin(), v.begin() + head * width, data + start * width);
  std::copy(v.begin() + head * width, v.end(), data);
}

// An int32 column in logical order, widened to int64 for the file.
std::vector<int64_t> Widened(const std::vector<int32_t>& v, int64_t start, int64_t size,
                             int64_t capacity) {
  std::vector<int64_t> out(size);
  for (int64_t i = 0; i < size; ++i) out[i] = v[(start + i) % capacity];
  return out;
}

}  // namespace

void TransitionStore::Save(const h5::Group& g) const {
  g.WriteStringAttr("layout", kLayout);
  g.WriteIntAttr("layout_version", kLayoutVersion);
  g.WriteIntAttr("capacity", capacity_);
  g.WriteIntAttr("size", size_);
  g.WriteIntAttr("cursor", cursor_);
  g.WriteIntAttr("next_episode", next_episode_);
  const int64_t start = Start(), cap = capacity_;
  WriteRing(g, "obs", obs_.data(), obs_.rows(), start, size_, cap);
  WriteRing(g, "action", action_.data(), action_.rows(), start, size_, cap);
  WriteRing(g, "next_obs", next_obs_.data(), next_obs_.rows(), start, size_, cap);
  WriteRing(g, "env_reward", env_reward_.data(), 0, start, size_, cap);
  // an env without named terms has none to write (rows 0 would mean a vector here)
  if (terms_.rows() > 0) WriteRing(g, "terms", terms_.data(), terms_.rows(), start, size_, cap);
  WriteRing(g, "terminated", terminated_.data(), 0, start, size_, cap);
  WriteRing(g, "truncated", truncated_.data(), 0, start, size_, cap);
  WriteRing(g, "episode", episode_.data(), 0, start, size_, cap);
  g.Write<int64_t>("env_slot", Widened(env_slot_, start, size_, cap));
  g.Write<int64_t>("episode_step", Widened(episode_step_, start, size_, cap));
  // each slot's running episode (-1: its next step starts one) and step within it
  g.Write<int64_t>("slot_episode", slot_episode_);
  g.Write<int64_t>("slot_step", Widened(slot_step_, 0, NumSlots(), std::max(NumSlots(), 1)));
}

void TransitionStore::Load(const h5::Group& g) {
  if (!g.HasAttr("layout") || g.ReadStringAttr("layout") != kLayout) {
    throw UserError(Where(g) +
                    " was written by an older rewardlab without the transition store "
                    "layout; resume with the binary that wrote it or start the run anew");
  }
  if (g.ReadIntAttr("layout_version") != kLayoutVersion) {
    throw UserError(Where(g) + " has transition store layout version " +
                    std::to_string(g.ReadIntAttr("layout_version")) + "; this build reads " +
                    std::to_string(kLayoutVersion));
  }
  const int64_t capacity = g.ReadIntAttr("capacity"), size = g.ReadIntAttr("size"),
                cursor = g.ReadIntAttr("cursor");
  if (capacity != capacity_) {
    throw UserError(Where(g) + " holds a store of " + std::to_string(capacity) +
                    " transitions where this config gives " + std::to_string(capacity_) +
                    " (was the buffer, window or rollout size changed since the checkpoint?)");
  }
  if (size < 0 || size > capacity || cursor < 0 || cursor >= capacity ||
      (size < capacity && cursor != size % capacity)) {
    throw UserError(Where(g) + ": size " + std::to_string(size) + " and cursor " +
                    std::to_string(cursor) + " do not describe a ring of " +
                    std::to_string(capacity) + " (a damaged checkpoint?)");
  }
  const int64_t start = (cursor - size + capacity) % capacity;
  ReadRing(g, "obs", obs_.data(), obs_.rows(), start, size, capacity);
  ReadRing(g, "action", action_.data(), action_.rows(), start, size, capacity);
  ReadRing(g, "next_obs", next_obs_.data(), next_obs_.rows(), start, size, capacity);
  ReadRing(g, "env_reward", env_reward_.data(), 0, start, size, capacity);
  if (terms_.rows() > 0) ReadRing(g, "terms", terms_.data(), terms_.rows(), start, size, capacity);
  ReadRing(g, "terminated", terminated_.data(), 0, start, size, capacity);
  ReadRing(g, "truncated", truncated_.data(), 0, start, size, capacity);
  ReadRing(g, "episode", episode_.data(), 0, start, size, capacity);
  std::vector<int64_t> wide(size);
  ReadRing(g, "env_slot", wide.data(), 0, 0, size, std::max<int64_t>(size, 1));
  for (int64_t i = 0; i < size; ++i)
    env_slot_[(start + i) % capacity] = static_cast<int32_t>(wide[i]);
  ReadRing(g, "episode_step", wide.data(), 0, 0, size, std::max<int64_t>(size, 1));
  for (int64_t i = 0; i < size; ++i) {
    episode_step_[(start + i) % capacity] = static_cast<int32_t>(wide[i]);
  }
  slot_episode_ = g.Read<int64_t>("slot_episode");
  const std::vector<int64_t> steps = g.Read<int64_t>("slot_step");
  if (steps.size() != slot_episode_.size()) {
    throw UserError(Where(g) + ": slot_episode and slot_step differ in length (a damaged file?)");
  }
  slot_step_.assign(steps.begin(), steps.end());
  size_ = size;
  cursor_ = cursor;
  next_episode_ = g.ReadIntAttr("next_episode");
  num_terminated_ = 0;
  for (int64_t i = 0; i < size_; ++i) num_terminated_ += terminated_[Column(i)] != 0;
}

}  // namespace rl
