#include "experiments/build.h"

#include <algorithm>

#include "agents/registry.h"
#include "experiments/value_function.h"
#include "rewards/registry.h"

namespace rl {

Experiment BuildExperiment(const ExperimentConfig& config, ValidatedParts parts) {
  Experiment e;
  e.env = MakeVecEnv(config.env, config.seed, RngStream::kEnv, std::move(parts.env));
  EnvConfig eval_config = config.env;
  eval_config.num_envs =
      config.eval.num_envs > 0 ? config.eval.num_envs : std::min(config.eval.episodes, 10);
  e.eval_env = MakeVecEnv(eval_config, config.seed, RngStream::kEvalEnv, std::move(parts.eval_env));
  e.agent = parts.agent ? std::move(parts.agent)
                        : FindAgent(config.agent.Find("type")->scalar)
                              .make(config.agent, e.env->Spec(), config.env.num_envs, config.seed);
  // a validated pipeline refers to the validated env, now slot 0
  e.reward =
      parts.reward
          ? std::move(parts.reward)
          : std::make_unique<RewardPipeline>(MakeRewardPipeline(
                config.reward, {&e.env->At(0), e.agent->Gamma(), config.seed, 0, LoadStateValues}));
  ConnectAbsorbing(*e.agent, *e.reward, config.reward);
  e.trainer = std::make_unique<Trainer>(
      TrainerSettings{config.total_steps, config.eval.every_steps, config.eval.episodes,
                      config.seed, config.eval.record_episodes},
      *e.env, e.eval_env.get(), *e.agent, *e.reward);
  return e;
}

}  // namespace rl
