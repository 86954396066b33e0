// Builds the objects of a run from a validated ExperimentConfig: training and evaluation envs, the
// agent, the reward pipeline and the trainer that ties them together (DESIGN §1).
#ifndef REWARDLAB_EXPERIMENTS_BUILD_H_
#define REWARDLAB_EXPERIMENTS_BUILD_H_

#include <memory>

#include "agents/agent.h"
#include "envs/vec_env.h"
#include "experiments/experiment_config.h"
#include "loop/trainer.h"
#include "rewards/reward_pipeline.h"

namespace rl {

// The parts of a run; the trainer refers to the others, so they live and move together.
struct Experiment {
  std::unique_ptr<VecEnv> env;             // training envs (RngStream::kEnv)
  std::unique_ptr<VecEnv> eval_env;        // evaluation envs (RngStream::kEvalEnv)
  std::unique_ptr<Agent> agent;            // the learner
  std::unique_ptr<RewardPipeline> reward;  // the optimised reward
  std::unique_ptr<Trainer> trainer;        // the loop; add hooks before Run()
};

// Builds every part of `config`, taking over the `parts` its validation built (from the same
// config; see LoadExperimentConfig); throws UserError when a part rejects it.
Experiment BuildExperiment(const ExperimentConfig& config, ValidatedParts parts = {});

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_BUILD_H_
