// The run file `run.h5`, format "rewardlab-run" v1 (docs/run-file.md, DESIGN.md section 4).
//
// The writer creates every group, dataset and attribute up front (HDF5 1.10 SWMR cannot create
// objects later), then switches to SWMR writing. The trainer appends rows and calls Flush() once
// per iteration: a live reader (h5py with swmr=True, the viewer) sees every flushed row, and a
// `kill -9` leaves them all readable. Close() marks the run finished.
//
//   RunFile run = RunFile::Create(dir + "/run.h5", info, layout);
//   run.AppendEpisode({.step = 2048, .env_return = 21.0, .length = 21, .terms = terms});
//   run.AppendMetrics(run.MetricGroup("losses"), step, values);
//   run.Flush();
//   ...
//   run.Close();
#ifndef REWARDLAB_CORE_RUN_FILE_H_
#define REWARDLAB_CORE_RUN_FILE_H_

#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rl {

// The value of the root attribute `format`.
inline constexpr std::string_view kRunFileFormat = "rewardlab-run";
// The value of the root attribute `format_version`.
inline constexpr int64_t kRunFileVersion = 1;

// Root attributes describing a run, written once at creation.
struct RunInfo {
  std::string config;      // resolved YAML text
  int64_t seed = 0;        // experiment seed
  std::string env_id;      // e.g. "CartPole-v1"
  std::string agent_type;  // e.g. "ppo"
  std::string git_commit;  // source revision of the binary
  std::string started_at;  // ISO 8601 UTC, e.g. "2024-05-01T12:00:00Z"
};

// The widths of the recorded evaluation episodes (/rollouts); action_dim 0 = none recorded.
struct RolloutLayout {
  int64_t action_dim = 0;  // columns of /rollouts/action
  int64_t state_dim = 0;   // columns of /rollouts/start_state (the env's SnapshotState())
  int64_t num_terms = 0;   // columns of /rollouts/terms (the env's reward terms)
};

// The names fixed at creation: every dataset exists before SWMR writing starts.
struct RunLayout {
  std::vector<std::string> term_names;    // /episodes/terms/<name>, in AppendEpisode's order
  std::vector<std::string> metric_names;  // "group/name", e.g. "losses/approx_kl"
  int64_t eval_episodes = 1;              // columns of /eval/returns
  RolloutLayout rollouts;                 // recorded evaluation episodes; default: none
};

// One finished training episode.
struct EpisodeRow {
  int64_t step = 0;               // env steps (all envs) when it ended
  double env_return = 0;          // undiscounted env return
  int64_t length = 0;             // steps in the episode
  double optimized_return = 0;    // return of the reward the agent optimised
  bool terminated = false;        // false = truncated
  std::span<const double> terms;  // [term_names.size()] per-episode sums
};

// One recorded evaluation episode, step by step (a row of /rollouts): where it started and what
// the agent did, enough to replay it exactly (loop/recorded_episode.h records and restores it).
struct RecordedEpisode {
  int64_t step = 0;               // env steps (all envs) at the evaluation
  int64_t episode = 0;            // its index in the evaluation (the column of /eval/returns)
  Eigen::VectorXd start_state;    // the env's SnapshotState() before the first step
  std::array<uint64_t, 4> rng{};  // the env's generator state before the first step
  Eigen::MatrixXd actions;        // (act_dim x length) the actions as the env received them
  Eigen::VectorXd rewards;        // (length) env reward of each step
  Eigen::MatrixXd terms;          // (num_terms x length) env reward terms of each step
  bool terminated = false;        // how it ended; false = truncated
  // Steps in the episode.
  int64_t Length() const { return rewards.size(); }
  // The undiscounted env return, summed in step order as the evaluation sums it.
  double Return() const;
};

// Rows in each appendable group; a checkpoint stores them so a resume can truncate to them.
struct RowCounts {
  uint64_t episodes = 0;                    // rows of every /episodes dataset
  uint64_t eval = 0;                        // rows of every /eval dataset
  std::map<std::string, uint64_t> metrics;  // metric group -> rows of /metrics/<group>/*
  uint64_t rollouts = 0;                    // recorded episodes (rows of /rollouts/step, ...)
  uint64_t rollout_steps = 0;               // their steps (rows of /rollouts/action, ...)
};

// Writes a run file with SWMR; move-only.
class RunFile {
 public:
  // Creates the file with every dataset of `layout` and starts SWMR writing.
  static RunFile Create(const std::string& path, const RunInfo& info, const RunLayout& layout);
  // Reopens a file left by a finished or killed writer, reads every row back (a damaged file is
  // one UserError line, never a hang in SWMR writing), truncates every appendable dataset to
  // `counts` (rows written after the checkpoint), sets finished=0 and starts SWMR writing.
  static RunFile OpenForResume(const std::string& path, const RowCounts& counts);

  RunFile(RunFile&&) noexcept;
  RunFile& operator=(RunFile&&) noexcept;
  // Closes without marking the run finished.
  ~RunFile();

  // Appends one episode row; `row.terms` must hold one value per term name.
  void AppendEpisode(const EpisodeRow& row);
  // Appends one evaluation: `returns` (one per eval episode), their mean and population std.
  void AppendEval(int64_t step, std::span<const double> returns);
  // The index of a metric group, for AppendMetrics; throws for an undeclared group.
  int MetricGroup(std::string_view group) const;
  // The names of a group's metrics ("approx_kl", ...), in AppendMetrics' order.
  const std::vector<std::string>& MetricNames(int group) const;
  // Appends one row to a metric group: its step and one value per metric (NaN = not computed).
  void AppendMetrics(int group, int64_t step, std::span<const double> values);
  // Whether the file has /rollouts datasets (files written before they existed have none).
  bool HasRollouts() const;
  // Appends one recorded evaluation episode; throws when its widths differ from the layout's.
  void AppendRollout(const RecordedEpisode& episode);

  // Makes every appended row durable against a kill and visible to SWMR readers.
  void Flush();
  // Sets `finished=1`, flushes and closes; the object is unusable afterwards.
  void Close();
  // The current row count of every appendable group.
  RowCounts Counts() const;
  // The names this file was created with.
  const RunLayout& Layout() const;
  // The file's path.
  const std::string& Path() const;

 private:
  struct Impl;
  explicit RunFile(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One metric group read back: a step column and one column per metric.
struct MetricColumns {
  std::vector<int64_t> step;                          // [rows]
  std::map<std::string, std::vector<double>> values;  // name -> [rows]
};

// Everything in a run file, read in one go; columns of a group have equal lengths.
struct RunData {
  RunInfo info;                                  // root attributes
  bool finished = false;                         // the writer called Close()
  std::string failure;                           // why the run stopped on a fault; "" = none
  RunLayout layout;                              // term and metric names, eval width
  std::vector<int64_t> episode_step;             // [episodes]
  std::vector<double> episode_return;            // [episodes]
  std::vector<int64_t> episode_length;           // [episodes]
  std::vector<double> episode_optimized_return;  // [episodes]
  std::vector<uint8_t> episode_terminated;       // [episodes] 1 = terminated, 0 = truncated
  std::map<std::string, std::vector<double>> episode_terms;  // name -> [episodes]
  std::vector<int64_t> eval_step;                            // [evals]
  std::vector<double> eval_return_mean;                      // [evals]
  std::vector<double> eval_return_std;                       // [evals]
  std::vector<double> eval_returns;              // [evals x layout.eval_episodes] row-major
  std::map<std::string, MetricColumns> metrics;  // group -> columns
  std::vector<int64_t> rollout_step;             // [recorded] env steps at the evaluation
  std::vector<int64_t> rollout_episode;          // [recorded] index in the evaluation
  std::vector<double> rollout_return;            // [recorded] env return
  std::vector<int64_t> rollout_length;           // [recorded] steps
  std::vector<uint8_t> rollout_terminated;       // [recorded] 1 = terminated, 0 = truncated
};

// Reads a run file as a SWMR reader (works while it is written, and after a kill); throws a
// UserError for a missing or foreign file or another format version.
RunData ReadRunFile(const std::string& path);
// Reads recorded episode `index` (a row of RunData::rollout_step) of a run file, step by step;
// throws UserError when there is no such episode.
RecordedEpisode ReadRecordedEpisode(const std::string& path, int64_t index);

}  // namespace rl

#endif  // REWARDLAB_CORE_RUN_FILE_H_
