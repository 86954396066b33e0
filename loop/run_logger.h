// The trainer hook that writes the run file: episodes, evaluations and metrics as they happen,
// flushed at most once a second (and whenever Flush() is called, e.g. before a checkpoint) so a
// live reader follows the run and a killed run keeps every flushed row.
#ifndef REWARDLAB_LOOP_RUN_LOGGER_H_
#define REWARDLAB_LOOP_RUN_LOGGER_H_

#include <chrono>
#include <string>
#include <vector>

#include "core/run_file.h"
#include "loop/trainer.h"

namespace rl {

// Metric names the logger itself adds to an agent's: the loop's env steps per second, and the env
// steps per second of the time spent inside the env alone (their ratio is the share of the
// physics in training time).
inline const std::vector<std::string> kTrainerMetrics = {"charts/SPS", "charts/env_SPS"};

// Writes trainer events into a RunFile.
class RunLogger : public TrainerHook {
 public:
  // `agent_metrics` are the agent's MetricNames(), in the order its Update returns them; the run
  // file must have been created with them and kTrainerMetrics.
  RunLogger(RunFile& file, const std::vector<std::string>& agent_metrics,
            double flush_interval_s = 1.0);

  void OnEpisode(const EpisodeRecord& episode) override;
  void OnUpdate(int64_t step, const MetricValues& values) override;
  void OnEval(const EvalRecord& eval) override;
  void OnIteration(int64_t step, const IterationTiming& timing) override;
  void OnEnd(int64_t step) override;
  // Makes every row so far durable (before a checkpoint records the row counts).
  void Flush();

 private:
  // Appends the pending row of each group that has values.
  void AppendGroups(int64_t step);

  RunFile& file_;
  double flush_interval_s_;
  std::chrono::steady_clock::time_point last_flush_;
  // where each agent metric goes: (group index, position in the group)
  std::vector<std::pair<int, int>> slots_;
  std::pair<int, int> sps_slot_, env_sps_slot_;
  std::vector<std::vector<double>> rows_;  // per group, the row being filled (NaN = unset)
  std::vector<bool> dirty_;                // per group, whether the row has a value
};

// The layout of a run file for an env's reward terms and an agent's metrics.
RunLayout MakeRunLayout(const std::vector<std::string>& reward_terms,
                        const std::vector<std::string>& agent_metrics, int eval_episodes);
// The layout of a run file for everything `trainer` reports, recorded episodes included.
RunLayout MakeRunLayout(const Trainer& trainer, int eval_episodes);

}  // namespace rl

#endif  // REWARDLAB_LOOP_RUN_LOGGER_H_
