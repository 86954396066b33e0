// BARFI's buffer of past whole episodes, with the actions the policy gave them when they were
// collected, from which the Hessian-vector product's batch is drawn (algorithms.md §2.3: the HVP
// on episodes older than the current batch, so the outer gradient's two factors are independent).
#ifndef REWARDLAB_REWARDS_BARFI_EPISODE_BUFFER_H_
#define REWARDLAB_REWARDS_BARFI_EPISODE_BUFFER_H_

#include <Eigen/Dense>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/h5.h"
#include "core/rng.h"
#include "envs/transition_store.h"
#include "rewards/reward_module.h"

namespace rl::barfi {

// Up to `capacity` whole episodes, oldest first, each numbered in the order they were appended.
class EpisodeBuffer {
 public:
  // `owner` names the reward module in errors ("reward module 'barfi'").
  EpisodeBuffer(int capacity, std::string owner);

  // Appends the whole episodes of `batch` (each ending at a terminated or truncated row) with
  // their policy actions (act_dim x B); the oldest beyond the capacity are dropped.
  void Append(const RewardBatch& batch, const Eigen::MatrixXf& policy_actions);
  // Number of buffered episodes.
  int Size() const { return static_cast<int>(episodes_.size()); }
  // Ids of the buffered episodes, oldest first.
  std::vector<int64_t> Ids() const;
  // Ids of k distinct episodes drawn among the oldest `eligible` (k <= eligible <= Size()),
  // sorted.
  std::vector<int64_t> Sample(int k, int eligible, Rng& rng) const;
  // The episodes `ids`, back to back, into out and their policy actions; throws UserError for an
  // id that is not buffered.
  void Gather(const std::vector<int64_t>& ids, TransitionBatch& out,
              Eigen::MatrixXf& policy_actions) const;

  // Writes the next id as g's attribute "episodes_seen" and the episodes into the group
  // "hvp_buffer", which it returns for the caller's own datasets.
  h5::Group Save(const h5::Group& g) const;
  // Reads what Save wrote and returns the "hvp_buffer" group; throws UserError, changing nothing,
  // when its lengths and column counts disagree.
  h5::Group Load(const h5::Group& g);

 private:
  // One whole past episode, as the oracle served it.
  struct Episode {
    int64_t id = 0;
    TransitionBatch data;            // its raw transitions
    Eigen::MatrixXf policy_actions;  // (act_dim x length) as the policy scored them
  };

  // Appends rows [begin, begin + n) of batch and actions as episode `id`.
  void Push(int64_t id, const RewardBatch& batch, const Eigen::MatrixXf& actions, int begin, int n);

  int capacity_;
  std::string owner_;
  std::deque<Episode> episodes_;  // (<= capacity) oldest first
  int64_t next_id_ = 0;           // the id of the next appended episode
};

}  // namespace rl::barfi

#endif  // REWARDLAB_REWARDS_BARFI_EPISODE_BUFFER_H_
