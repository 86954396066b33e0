// `rewardlab eval RUN_DIR [--episodes N] [--seed S] [--stochastic] [--checkpoint STEP] [--out
// FILE.csv]`: evaluates a run's saved policy with the trainer's own evaluator (the run's config,
// agent and reward pipeline restored from a checkpoint), prints the env and optimised returns'
// mean ± std and writes one CSV row per episode (RUN_DIR/eval_<step>.csv by default).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "core/error.h"
#include "experiments/build.h"
#include "experiments/run_dir.h"
#include "loop/checkpointer.h"

namespace rl {
namespace {

// The flags of `eval`, as parsed.
struct EvalArgs {
  std::string run_dir;
  int episodes = 10;
  std::optional<uint64_t> seed;
  bool stochastic = false;
  std::optional<int64_t> checkpoint;
  std::string out;
};

void RunEval(const EvalArgs& args) {
  ValidatedParts parts;
  ExperimentConfig config = LoadRunConfig(args.run_dir, nullptr, &parts);
  const std::string checkpoint = FindCheckpoint(args.run_dir, args.checkpoint);
  const int64_t step = CheckpointStep(checkpoint);
  // the evaluation envs are sized for these episodes, as the trainer's are
  config.eval.episodes = args.episodes;
  Experiment run = BuildExperiment(config, std::move(parts));
  Checkpointer::Restore(checkpoint, *run.trainer, *run.agent);
  const uint64_t seed = args.seed.value_or(config.seed);
  const EvalRecord e = run.trainer->Evaluate(
      step, 0, {args.episodes, seed, args.stochastic ? ActMode::kSample : ActMode::kEval, true});

  // one row per episode, in the order they ended
  std::string csv = "episode,return,optimized_return,length,terminated\n";
  char row[160];
  for (size_t k = 0; k < e.returns.size(); ++k) {
    std::snprintf(row, sizeof(row), "%zu,%.17g,%.17g,%lld,%d\n", k, e.returns[k],
                  e.optimized_returns[k], static_cast<long long>(e.lengths[k]),
                  e.terminated[k] ? 1 : 0);
    csv += row;
  }
  const std::string out =
      args.out.empty() ? args.run_dir + "/eval_" + std::to_string(step) + ".csv" : args.out;
  WriteFileAtomically(out, csv);

  const auto [env_mean, env_std] = MeanStd(e.returns);
  const auto [opt_mean, opt_std] = MeanStd(e.optimized_returns);
  std::printf(
      "eval %s %d episodes: return %.2f ± %.2f (env), optimised %.2f ± %.2f; seed %llu, "
      "checkpoint step %lld, %s -> %s\n",
      config.env.id.c_str(), args.episodes, env_mean, env_std, opt_mean, opt_std,
      static_cast<unsigned long long>(seed), static_cast<long long>(step),
      args.stochastic ? "stochastic" : "deterministic", out.c_str());
}

}  // namespace

void AddEvalCommand(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "evaluate a run's saved policy: mean ± std of the env and optimised returns, a CSV");
  cmd->add_option("run_dir", args->run_dir, "run folder (config.yaml, run.h5, checkpoints/)")
      ->required();
  cmd->add_option("--episodes", args->episodes, "episodes to run (default 10)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--seed", args->seed, "seeds the evaluation envs (default: the run's seed)");
  cmd->add_flag("--stochastic", args->stochastic,
                "sample actions from the policy instead of the deterministic ones");
  cmd->add_option("--checkpoint", args->checkpoint,
                  "evaluate the checkpoint of this env step (default: the newest)");
  cmd->add_option("--out", args->out,
                  "the CSV, one row per episode (default: RUN_DIR/eval_<step>.csv)");
  cmd->callback([args] { RunEval(*args); });
}

}  // namespace rl
