// The one store of raw transitions (s, a, true s', env reward, env reward terms, terminated,
// truncated) with their env slot, episode id and step in the episode, as VecEnv produces them.
// PPO's rollout, SAC's replay buffer and the reward pipeline's fitting window are each one of
// these. It lives in envs/ because it stores what VecEnv::Step hands back and both rewards/ (the
// window) and agents/ (rollout, replay) sit above envs/; rewards/ may not include agents/.
//
// Layout (docs/transition-store.md): columns are transitions, float32 matrices of `capacity`
// columns filled as a ring. Storage column c is written by the (c + k * capacity)-th transition;
// logical index 0 is the oldest stored transition. One Add appends one VecEnv step, slot n in
// column order, so a slot's transitions lie num_slots apart in logical order.
#ifndef REWARDLAB_ENVS_TRANSITION_STORE_H_
#define REWARDLAB_ENVS_TRANSITION_STORE_H_

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <vector>

#include "core/h5.h"
#include "core/rng.h"
#include "envs/vec_env.h"

namespace rl {

// Transitions gathered into contiguous copies (a minibatch, a segment, an episode).
struct TransitionBatch {
  Eigen::MatrixXf obs;                // (obs_dim x B) s
  Eigen::MatrixXf action;             // (act_dim x B) a as the env received it
  Eigen::MatrixXf next_obs;           // (obs_dim x B) the true s' (the final obs at episode ends)
  Eigen::VectorXf env_reward;         // (B) the env's reward
  Eigen::MatrixXf terms;              // (num_terms x B) the env's named reward terms
  std::vector<uint8_t> terminated;    // (B) 1 where s' is terminal
  std::vector<uint8_t> truncated;     // (B) 1 where the episode was cut after s'
  std::vector<int32_t> env_slot;      // (B) the VecEnv slot that produced it
  std::vector<int64_t> episode;       // (B) episode id (unique per slot and episode)
  std::vector<int32_t> episode_step;  // (B) 0-based step within the episode
  std::vector<uint8_t> absorbing;     // (B) 1 where the row is DAC's absorbing self-loop; empty
                                      // unless gathered by SampleAbsorbing
  // Number of transitions.
  int Size() const { return static_cast<int>(env_reward.size()); }
};

// A fixed-capacity ring of transitions; the oldest are overwritten. Episode ids are global and
// given in the order episodes start (env step, then slot): slot n's first episode is n, every new
// one takes the next id. They continue across Clear() and Save/Load.
class TransitionStore {
 public:
  // Room for `capacity` transitions of the given widths.
  TransitionStore(int64_t capacity, int obs_dim, int act_dim, int num_terms);

  // Appends one VecEnv step: N transitions (s = obs, a = action, the rest from `step`), slot n in
  // column n; every call must have the same N.
  void Add(const Mat& obs, const Mat& action, const VecStep& step);
  // Forgets the transitions and keeps the episode counters (PPO's rollout after each update).
  void Clear();

  // Transitions stored (at most the capacity).
  int64_t Size() const { return size_; }
  // Maximum number of transitions.
  int64_t Capacity() const { return capacity_; }
  // Slots per Add (0 before the first).
  int NumSlots() const { return static_cast<int>(slot_episode_.size()); }
  // The id the next new episode will get.
  int64_t NextEpisode() const { return next_episode_; }
  // Storage column of logical index i (0 = oldest, Size() - 1 = newest).
  int64_t Column(int64_t i) const { return (Start() + i) % capacity_; }
  // Bytes one transition takes.
  static int64_t BytesPerTransition(int obs_dim, int act_dim, int num_terms);
  // Bytes of the whole store.
  int64_t Bytes() const;

  // The storage, `capacity` columns each; the first Size() are filled (in logical order only
  // while Column(0) is 0, as in a PPO rollout).
  // s of every column (obs_dim x capacity).
  const Eigen::MatrixXf& Obs() const { return obs_; }
  // a as the env received it (act_dim x capacity).
  const Eigen::MatrixXf& Actions() const { return action_; }
  // The true s' (obs_dim x capacity).
  const Eigen::MatrixXf& NextObs() const { return next_obs_; }
  // The env reward (capacity).
  const Eigen::VectorXf& EnvRewards() const { return env_reward_; }
  // The env's reward terms (num_terms x capacity).
  const Eigen::MatrixXf& Terms() const { return terms_; }
  // 1 where s' is terminal (capacity).
  const std::vector<uint8_t>& Terminated() const { return terminated_; }
  // 1 where the episode was cut after s' (capacity).
  const std::vector<uint8_t>& Truncated() const { return truncated_; }
  // The VecEnv slot of each column (capacity).
  const std::vector<int32_t>& EnvSlots() const { return env_slot_; }
  // The episode id of each column (capacity).
  const std::vector<int64_t>& Episodes() const { return episode_; }
  // The 0-based step within its episode of each column (capacity).
  const std::vector<int32_t>& EpisodeSteps() const { return episode_step_; }

  // Draws `batch` storage columns uniformly with replacement (one rng.UniformInt(Size()) each, in
  // order) and gathers them into `out`.
  void Sample(int batch, Rng& rng, TransitionBatch& out) const;
  // Stored transitions with terminated = 1.
  int64_t NumTerminated() const { return num_terminated_; }
  // Samples DAC's augmented buffer (algorithms.md §4.5), where every stored true termination is
  // followed by one absorbing self-loop (s_abs, a_abs -> s_abs): one
  // rng.UniformInt(Size() + NumTerminated()) per row; a draw past Size() is a self-loop row
  // (absorbing 1, zero s, a, s', reward and terms, not terminated, slot, episode and step -1).
  void SampleAbsorbing(int batch, Rng& rng, TransitionBatch& out) const;
  // Gathers logical indices [first, first + count) into `out`, oldest first.
  void Segment(int64_t first, int64_t count, TransitionBatch& out) const;
  // Gathers the given storage columns, in the given order.
  void Gather(std::span<const int64_t> columns, TransitionBatch& out) const;
  // The storage columns of episode `id` in time order; empty when none is stored. Partial when
  // its start was overwritten or it is still running.
  std::vector<int64_t> EpisodeColumns(int64_t id) const;
  // Gathers the stored transitions of episode `id` in time order.
  void Episode(int64_t id, TransitionBatch& out) const;
  // Ids of the episodes stored whole (first step to termination or truncation), ascending.
  std::vector<int64_t> CompleteEpisodes() const;

  // Writes the transitions in logical order with the counters and the ring position.
  void Save(const h5::Group& g) const;
  // Restores what Save wrote into the same storage columns; throws a one-line UserError when the
  // widths or the capacity differ, or the group was written before this layout existed.
  void Load(const h5::Group& g);

 private:
  // Storage column of the oldest transition.
  int64_t Start() const { return (cursor_ - size_ + capacity_) % capacity_; }
  // Sizes `out` for columns.size() transitions and copies storage column columns[b] into its
  // column b, one array at a time (columns must be valid).
  void CopyColumns(std::span<const int64_t> columns, TransitionBatch& out) const;

  int64_t capacity_;
  int64_t size_ = 0;                   // transitions stored
  int64_t cursor_ = 0;                 // next storage column to write
  Eigen::MatrixXf obs_;                // (obs_dim x capacity)
  Eigen::MatrixXf action_;             // (act_dim x capacity)
  Eigen::MatrixXf next_obs_;           // (obs_dim x capacity)
  Eigen::VectorXf env_reward_;         // (capacity)
  Eigen::MatrixXf terms_;              // (num_terms x capacity)
  std::vector<uint8_t> terminated_;    // (capacity)
  std::vector<uint8_t> truncated_;     // (capacity)
  std::vector<int32_t> env_slot_;      // (capacity)
  std::vector<int64_t> episode_;       // (capacity)
  std::vector<int32_t> episode_step_;  // (capacity)

  // episode counters: each slot's running episode (-1: the next Add starts one) and step
  std::vector<int64_t> slot_episode_;  // (num_slots)
  std::vector<int32_t> slot_step_;     // (num_slots)
  int64_t next_episode_ = 0;
  int64_t num_terminated_ = 0;  // stored transitions with terminated = 1
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_TRANSITION_STORE_H_
