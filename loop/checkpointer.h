// Periodic checkpoints of a training run: checkpoints/step_<N>.h5 with the trainer's loop state,
// the agent, the run file's row counts and a payload checksum, written through a temporary file
// that is verified before a rename (a kill or a full disk never costs the last good checkpoint),
// older ones deleted after it. Every load verifies the checksum.
#ifndef REWARDLAB_LOOP_CHECKPOINTER_H_
#define REWARDLAB_LOOP_CHECKPOINTER_H_

#include <functional>
#include <string>
#include <vector>

#include "core/run_file.h"
#include "loop/run_logger.h"
#include "loop/trainer.h"

namespace rl {

// Writes checkpoints every `every_steps` env steps (at the next update) and at the end.
class Checkpointer : public TrainerHook {
 public:
  // `dir` is the run's checkpoints/ folder; every_steps 0 = only at the end.
  Checkpointer(std::string dir, int64_t every_steps, Trainer& trainer, Agent& agent, RunFile& file,
               RunLogger& logger);

  // Adds a writer to flush before every checkpoint (e.g. the transition recorder), so the file
  // holds at least the rows of the checkpointed step.
  void FlushBefore(std::function<void()> flush) { flushes_.push_back(std::move(flush)); }

  void OnIteration(int64_t step, const IterationTiming& timing) override;
  void OnEnd(int64_t step) override;
  // Writes a checkpoint now (flushing the run file first, so its row counts are durable): to a
  // temporary that is closed, synced and verified before it replaces the previous checkpoint; on
  // failure throws one UserError line and keeps the previous one.
  void Write(int64_t step);

  // The newest checkpoint in `dir`, or "" when there is none.
  static std::string Latest(const std::string& dir);
  // Restores trainer and agent from `path` and returns the run file's row counts at that point.
  static RowCounts Restore(const std::string& path, Trainer& trainer, Agent& agent);
  // Restores only the agent from `path` (e.g. a trained critic used as a potential), and the
  // learned reward modules' state into `reward` when given (the viewer's playback).
  static void RestoreAgent(const std::string& path, Agent& agent, RewardPipeline* reward = nullptr);

 private:
  // Writes the checkpoint of `step` to `path`, with its checksum, and closes it (checked).
  void WriteFile(const std::string& path, int64_t step);

  std::string dir_;
  int64_t every_steps_;
  int64_t next_;
  Trainer& trainer_;
  Agent& agent_;
  RunFile& file_;
  RunLogger& logger_;
  std::vector<std::function<void()>> flushes_;
};

}  // namespace rl

#endif  // REWARDLAB_LOOP_CHECKPOINTER_H_
