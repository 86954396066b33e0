// The trainer hook that writes every training transition to `transitions.h5` (format
// "rewardlab-transitions" v1, docs/transitions.md), e.g. the data of reward-free exploration for a
// later planning or learning phase. Rows are one transition each, in (env step, slot) order, so
// row r is slot r % num_envs and the row count equals the trainer's global step.
//
// Rows are buffered in memory and appended at most once a second (and whenever Flush() is called,
// e.g. by the checkpointer before it records the trainer's step); the file is written with SWMR,
// so h5py (swmr=True) reads every flushed row while the run goes on and after a kill. A resumed
// run truncates the file to the checkpoint's global step and continues the episode numbering.
#ifndef REWARDLAB_LOOP_TRANSITION_RECORDER_H_
#define REWARDLAB_LOOP_TRANSITION_RECORDER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/h5.h"
#include "envs/env.h"
#include "loop/trainer.h"

namespace rl {

// The value of transitions.h5's root attribute `format`.
inline constexpr std::string_view kTransitionsFormat = "rewardlab-transitions";
// The value of transitions.h5's root attribute `format_version`.
inline constexpr int64_t kTransitionsVersion = 1;

// Appends every transition the trainer reports to an HDF5 file.
class TransitionRecorder : public TrainerHook {
 public:
  // Creates `path` for `num_envs` slots of an env with `spec` and starts SWMR writing.
  static std::unique_ptr<TransitionRecorder> Create(const std::string& path, const EnvSpec& spec,
                                                    int num_envs, double flush_interval_s = 1.0);
  // Reopens a file left by an earlier (finished or killed) writer and truncates it to `rows`
  // (the checkpoint's global step); throws UserError when it is missing, foreign or shorter.
  static std::unique_ptr<TransitionRecorder> Resume(const std::string& path, const EnvSpec& spec,
                                                    int num_envs, int64_t rows,
                                                    double flush_interval_s = 1.0);

  void OnStep(const StepRecord& step) override;
  void OnIteration(int64_t step, const IterationTiming& timing) override;
  void OnEnd(int64_t step) override;
  // Appends the buffered rows and makes every row durable and visible to SWMR readers.
  void Flush();
  // Flushes, sets `finished=1` and closes; the object is unusable afterwards.
  void Close();
  // Rows written or buffered so far.
  int64_t Rows() const { return rows_; }

 private:
  TransitionRecorder(h5::File file, int num_envs, double flush_interval_s);
  // Opens every dataset of `file_` (created when `create`).
  void Bind(const EnvSpec& spec, bool create);

  h5::File file_;
  int num_envs_;
  double flush_interval_s_;
  std::chrono::steady_clock::time_point last_flush_;
  int64_t rows_ = 0;
  h5::Appendable<float> obs_, action_, next_obs_;   // (rows x dim)
  h5::Appendable<double> env_reward_, terms_;       // (rows), (rows x num_terms)
  h5::Appendable<uint8_t> terminated_, truncated_;  // (rows)
  h5::Appendable<int64_t> episode_, episode_step_;  // (rows)
  // rows not yet appended, row-major
  std::vector<float> obs_rows_, action_rows_, next_obs_rows_;
  std::vector<double> env_reward_rows_, terms_rows_;
  std::vector<uint8_t> terminated_rows_, truncated_rows_;
  std::vector<int64_t> episode_rows_, episode_step_rows_;
  // per slot: its episode's id and the step within it; the id of the next episode to start
  std::vector<int64_t> slot_episode_, slot_step_;
  int64_t next_episode_ = 0;
};

}  // namespace rl

#endif  // REWARDLAB_LOOP_TRANSITION_RECORDER_H_
