// Periodic checkpoints of a training run: checkpoints/step_<N>.h5 with the trainer's loop state,
// the agent and the run file's row counts, written through a temporary file and a rename (a kill
// never leaves a half-written checkpoint), older ones deleted.
#ifndef REWARDLAB_CORE_CHECKPOINTER_H_
#define REWARDLAB_CORE_CHECKPOINTER_H_

#include <functional>
#include <string>
#include <vector>

#include "core/run_file.h"
#include "core/run_logger.h"
#include "core/trainer.h"

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
  // Writes a checkpoint now (flushing the run file first, so its row counts are durable).
  void Write(int64_t step);

  // The newest checkpoint in `dir`, or "" when there is none.
  static std::string Latest(const std::string& dir);
  // Restores trainer and agent from `path` and returns the run file's row counts at that point.
  static RowCounts Restore(const std::string& path, Trainer& trainer, Agent& agent);
  // Restores only the agent from `path` (e.g. a trained critic used as a potential).
  static void RestoreAgent(const std::string& path, Agent& agent);

 private:
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

#endif  // REWARDLAB_CORE_CHECKPOINTER_H_
