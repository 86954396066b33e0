// `rewardlab train [CONFIG] [--set k=v]... [--seed N]`: trains an agent, evaluating as it goes.
#include <cstdio>
#include <memory>

#include "agents/registry.h"
#include "apps/commands.h"
#include "core/progress.h"
#include "core/trainer.h"
#include "default_config.h"
#include "envs/vec_env.h"
#include "experiments/experiment_config.h"

namespace rl {
namespace {

struct TrainArgs {
  std::string config;
  std::vector<std::string> sets;
  std::optional<uint64_t> seed;
  bool quiet = false;
};

// Prints each evaluation as one line.
class EvalPrinter : public TrainerHook {
 public:
  void OnEval(const EvalRecord& e) override {
    std::printf("eval step=%lld return_mean=%.2f return_std=%.2f episodes=%zu\n",
                static_cast<long long>(e.step), e.mean, e.std, e.returns.size());
    std::fflush(stdout);
  }
};

void RunTrain(const TrainArgs& args) {
  // the config: a file or the built-in CartPole PPO, then overrides
  std::vector<std::string> sets = args.sets;
  if (args.seed) sets.push_back("seed=" + std::to_string(*args.seed));
  ConfigNode resolved;
  const ExperimentConfig config =
      args.config.empty()
          ? ResolveExperimentConfig(ParseYaml(kDefaultConfigYaml, "<built-in cartpole_ppo.yaml>"),
                                    sets, &resolved)
          : LoadExperimentConfig(args.config, sets, &resolved);

  // envs, agent, reward, trainer
  auto env = MakeVecEnv(config.env, config.seed, RngStream::kEnv);
  EnvConfig eval_env_config = config.env;
  eval_env_config.num_envs = config.eval.num_envs > 0 ? config.eval.num_envs
                                                     : std::min(config.eval.episodes, 10);
  auto eval_env = MakeVecEnv(eval_env_config, config.seed, RngStream::kEvalEnv);
  const std::string type = config.agent.Find("type")->scalar;
  std::unique_ptr<Agent> agent =
      FindAgent(type).make(config.agent, env->Spec(), config.env.num_envs, config.seed);
  RewardPipeline reward;
  TrainerSettings settings{config.total_steps, config.eval.every_steps, config.eval.episodes,
                           config.seed};
  Trainer trainer(settings, *env, eval_env.get(), *agent, reward);
  ProgressHook progress(config.total_steps);
  EvalPrinter printer;
  if (!args.quiet) trainer.AddHook(&progress);
  trainer.AddHook(&printer);
  std::printf("train %s: %s on %s, %lld steps, seed %llu\n", config.name.c_str(), type.c_str(),
              config.env.id.c_str(), static_cast<long long>(config.total_steps),
              static_cast<unsigned long long>(config.seed));
  trainer.Run();
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "train an agent (default: PPO on CartPole-v1)");
  cmd->add_option("config", args->config, "YAML experiment config (default: built-in CartPole PPO)");
  cmd->add_option("--set", args->sets, "override key.path=value (repeatable)");
  cmd->add_option("--seed", args->seed, "experiment seed (overrides the config's)");
  cmd->add_flag("--quiet", args->quiet, "no progress line");
  cmd->callback([args] { RunTrain(*args); });
}

}  // namespace rl
