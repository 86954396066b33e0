// The progress line on the terminal: env steps, steps/s, ETA and the recent training return.
#ifndef REWARDLAB_LOOP_PROGRESS_H_
#define REWARDLAB_LOOP_PROGRESS_H_

#include <chrono>
#include <cstdio>
#include <deque>

#include "loop/trainer.h"

namespace rl {

// Prints at most one line per `interval_s` (rewritten in place on a terminal, appended otherwise).
class ProgressHook : public TrainerHook {
 public:
  // Writes to `out` (stderr by default); `total_steps` sizes the ETA.
  explicit ProgressHook(int64_t total_steps, double interval_s = 1.0, std::FILE* out = stderr);

  void OnEpisode(const EpisodeRecord& episode) override;
  void OnEval(const EvalRecord& eval) override;
  void OnIteration(int64_t step, const IterationTiming& timing) override;
  void OnEnd(int64_t step) override;
  // Ends a line left open on a terminal (before an error is printed under it).
  void EndLine();

 private:
  void Print(int64_t step, bool final);

  int64_t total_steps_;
  double interval_s_;
  std::FILE* out_;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_print_;
  std::deque<double> recent_;  // last 20 training returns
  double last_eval_ = 0.0;
  bool has_eval_ = false;
  bool open_line_ = false;  // a line rewritten in place is on the terminal
};

}  // namespace rl

#endif  // REWARDLAB_LOOP_PROGRESS_H_
