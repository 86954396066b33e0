#include "rewards/barfi/episode_buffer.h"

#include <algorithm>
#include <span>
#include <utility>

#include "core/checkpoint.h"
#include "core/error.h"

namespace rl::barfi {

EpisodeBuffer::EpisodeBuffer(int capacity, std::string owner)
    : capacity_(capacity), owner_(std::move(owner)) {}

void EpisodeBuffer::Append(const RewardBatch& batch, const Eigen::MatrixXf& policy_actions) {
  int begin = 0;
  for (int t = 0; t < batch.Size(); ++t) {
    if (!batch.terminated[t] && !batch.truncated[t]) continue;
    Push(next_id_++, batch, policy_actions, begin, t + 1 - begin);
    if (Size() > capacity_) episodes_.pop_front();
    begin = t + 1;
  }
}

void EpisodeBuffer::Push(int64_t id, const RewardBatch& batch, const Eigen::MatrixXf& actions,
                         int begin, int n) {
  Episode e;
  e.id = id;
  e.data.obs = batch.obs.middleCols(begin, n);
  e.data.action = batch.action.middleCols(begin, n);
  e.data.next_obs = batch.next_obs.middleCols(begin, n);
  e.data.env_reward = batch.env_reward.segment(begin, n);
  e.data.terms = batch.terms.middleCols(begin, n);
  e.data.terminated.assign(batch.terminated + begin, batch.terminated + begin + n);
  e.data.truncated.assign(batch.truncated + begin, batch.truncated + begin + n);
  e.policy_actions = actions.middleCols(begin, n);
  episodes_.push_back(std::move(e));
}

std::vector<int64_t> EpisodeBuffer::Ids() const {
  std::vector<int64_t> ids;
  for (const Episode& e : episodes_) ids.push_back(e.id);
  return ids;
}

std::vector<int64_t> EpisodeBuffer::Sample(int k, int eligible, Rng& rng) const {
  // a partial Fisher-Yates shuffle of the eligible positions, then oldest first
  std::vector<int> at(eligible);
  for (int i = 0; i < eligible; ++i) at[i] = i;
  std::vector<int64_t> ids;
  for (int i = 0; i < k; ++i) {
    const int j = i + static_cast<int>(rng.UniformInt(static_cast<uint64_t>(eligible - i)));
    std::swap(at[i], at[j]);
    ids.push_back(episodes_[at[i]].id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void EpisodeBuffer::Gather(const std::vector<int64_t>& ids, TransitionBatch& out,
                           Eigen::MatrixXf& policy_actions) const {
  std::vector<const Episode*> episodes;
  int total = 0;
  for (const int64_t id : ids) {
    const auto e = std::find_if(episodes_.begin(), episodes_.end(),
                                [&](const Episode& x) { return x.id == id; });
    if (e == episodes_.end()) {
      throw UserError(owner_ + ": episode " + std::to_string(id) + " is not in the HVP buffer");
    }
    episodes.push_back(&*e);
    total += e->data.Size();
  }
  if (episodes.empty()) {
    out = TransitionBatch();
    policy_actions.resize(0, 0);
    return;
  }
  const Episode& first = *episodes.front();
  out.obs.resize(first.data.obs.rows(), total);
  out.action.resize(first.data.action.rows(), total);
  out.next_obs.resize(first.data.next_obs.rows(), total);
  out.env_reward.resize(total);
  out.terms.resize(first.data.terms.rows(), total);
  out.terminated.clear();
  out.truncated.clear();
  policy_actions.resize(first.policy_actions.rows(), total);
  int at = 0;
  for (const Episode* e : episodes) {
    const int n = e->data.Size();
    out.obs.middleCols(at, n) = e->data.obs;
    out.action.middleCols(at, n) = e->data.action;
    out.next_obs.middleCols(at, n) = e->data.next_obs;
    out.env_reward.segment(at, n) = e->data.env_reward;
    out.terms.middleCols(at, n) = e->data.terms;
    out.terminated.insert(out.terminated.end(), e->data.terminated.begin(),
                          e->data.terminated.end());
    out.truncated.insert(out.truncated.end(), e->data.truncated.begin(), e->data.truncated.end());
    policy_actions.middleCols(at, n) = e->policy_actions;
    at += n;
  }
}

h5::Group EpisodeBuffer::Save(const h5::Group& g) const {
  g.WriteIntAttr("episodes_seen", next_id_);
  // the episodes back to back, with their ids and lengths
  const std::vector<int64_t> ids = Ids();
  std::vector<int64_t> lengths;
  for (const Episode& e : episodes_) lengths.push_back(e.data.Size());
  TransitionBatch all;
  Eigen::MatrixXf actions;
  Gather(ids, all, actions);
  h5::Group b = g.CreateGroup("hvp_buffer");
  b.Write<int64_t>("ids", std::span<const int64_t>(ids.data(), ids.size()));
  b.Write<int64_t>("lengths", std::span<const int64_t>(lengths.data(), lengths.size()));
  ckpt::Write(b, "obs", all.obs);
  ckpt::Write(b, "action", all.action);
  ckpt::Write(b, "next_obs", all.next_obs);
  ckpt::Write(b, "env_reward", all.env_reward);
  ckpt::Write(b, "terms", all.terms);
  ckpt::Write(b, "policy_actions", actions);
  b.Write<uint8_t>("terminated", std::span<const uint8_t>(all.terminated));
  b.Write<uint8_t>("truncated", std::span<const uint8_t>(all.truncated));
  return b;
}

h5::Group EpisodeBuffer::Load(const h5::Group& g) {
  const int64_t next_id = g.ReadIntAttr("episodes_seen");
  h5::Group b = g.OpenGroup("hvp_buffer");
  const std::vector<int64_t> ids = b.Read<int64_t>("ids"), lengths = b.Read<int64_t>("lengths");
  TransitionBatch all;
  Eigen::MatrixXf actions;
  ckpt::Read(b, "obs", all.obs);
  ckpt::Read(b, "action", all.action);
  ckpt::Read(b, "next_obs", all.next_obs);
  ckpt::Read(b, "env_reward", all.env_reward);
  ckpt::Read(b, "terms", all.terms);
  ckpt::Read(b, "policy_actions", actions);
  all.terminated = b.Read<uint8_t>("terminated");
  all.truncated = b.Read<uint8_t>("truncated");
  // every column count agrees, and the positive lengths add up to it
  const int64_t size = all.Size();
  int64_t total = 0;
  bool ok = ids.size() == lengths.size();
  for (const int64_t n : lengths) {
    ok = ok && n > 0 && n <= size;
    total += n;
  }
  for (const int64_t cols :
       {all.obs.cols(), all.action.cols(), all.next_obs.cols(), all.terms.cols(), actions.cols(),
        static_cast<Eigen::Index>(all.terminated.size()),
        static_cast<Eigen::Index>(all.truncated.size())}) {
    ok = ok && cols == size;
  }
  if (!ok || total != size) {
    throw UserError(owner_ + ": the checkpoint's HVP buffer is inconsistent (" +
                    std::to_string(ids.size()) + " ids, " + std::to_string(lengths.size()) +
                    " lengths summing to " + std::to_string(total) + ", " + std::to_string(size) +
                    " transitions)");
  }
  // the episodes, cut by their stored lengths
  next_id_ = next_id;
  episodes_.clear();
  const RewardBatch view = ToRewardBatch(all);
  int at = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const int n = static_cast<int>(lengths[i]);
    Push(ids[i], view, actions, at, n);
    at += n;
  }
  return b;
}

}  // namespace rl::barfi
