// `rewardlab demos RUN_DIR --episodes N [--stochastic] [--seed S] --out DATASET_DIR`: plays a
// trained run's newest checkpoint for N episodes and writes them as a Minari dataset folder
// (docs/demos.md), the expert's return printed and stored in its metadata.
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.h"
#include "core/error.h"
#include "core/h5.h"
#include "envs/demo_dataset.h"
#include "experiments/build.h"
#include "experiments/run_dir.h"
#include "git_commit.h"  // generated at build time: REWARDLAB_GIT_COMMIT
#include "loop/checkpointer.h"
#include "loop/demo_recorder.h"

namespace rl {
namespace {

namespace fs = std::filesystem;

// The flags of `demos`, as parsed.
struct DemosArgs {
  std::string run_dir;
  int episodes = 0;
  bool stochastic = false;
  std::optional<uint64_t> seed;
  std::string out;
};

// Minari's dataset id "rewardlab/<env>/<folder name>-v0" (the name limited to [-_A-Za-z0-9]).
std::string DatasetId(const std::string& env_id, const std::string& out) {
  std::string name = fs::absolute(out).lexically_normal().filename().string();
  if (name.empty()) name = fs::absolute(out).lexically_normal().parent_path().filename().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  return "rewardlab/" + env_id + "/" + (name.empty() ? "demos" : name) + "-v0";
}

// The commit recorded in the run's run.h5 ("" when it cannot be read).
std::string RunCommit(const std::string& run_dir) {
  try {
    return h5::File::OpenReadOnly(run_dir + "/run.h5", true).ReadStringAttr("git_commit");
  } catch (const UserError&) {
    return "";
  }
}

void RunDemos(const DemosArgs& args) {
  // refuse bad input before anything is played or written
  std::error_code ec;
  if (fs::exists(args.out, ec) && !(fs::is_directory(args.out, ec) && fs::is_empty(args.out, ec))) {
    throw UserError("--out " + args.out +
                    ": exists and is not an empty folder; give a new dataset folder");
  }
  if (!fs::is_directory(args.run_dir, ec)) {
    throw UserError(args.run_dir + ": no such run folder; give a folder `rewardlab train` wrote");
  }
  ValidatedParts parts;
  ExperimentConfig config = LoadRunConfig(args.run_dir, nullptr, &parts);
  const std::string checkpoint = FindCheckpoint(args.run_dir, std::nullopt);
  config.eval.num_envs = 1;  // the episodes are played one at a time in evaluation slot 0
  Experiment run = BuildExperiment(config, std::move(parts));
  Checkpointer::RestoreAgent(checkpoint, *run.agent, run.reward.get());

  // episode i resets as `rewardlab rollout ID --seed S+i` does
  const uint64_t seed = args.seed.value_or(config.seed);
  const ActMode mode = args.stochastic ? ActMode::kSample : ActMode::kEval;
  std::vector<DemoEpisode> episodes;
  std::vector<double> returns;
  for (int i = 0; i < args.episodes; ++i) {
    episodes.push_back(RecordDemoEpisode(run.eval_env->At(0), *run.agent, mode, seed + i));
    returns.push_back(episodes.back().rewards.sum());
  }
  const auto [mean, std] = MeanStd(returns);

  const std::string agent = config.agent.Find("type")->scalar;
  DemoDatasetInfo info;
  info.dataset_id = DatasetId(config.env.id, args.out);
  info.algorithm_name = "rewardlab " + agent;
  info.extras = {{"expert_return_mean", mean},
                 {"expert_return_std", std},
                 {"policy", args.stochastic ? "stochastic" : "deterministic"},
                 {"seed", seed},
                 {"source_run", fs::absolute(args.run_dir).lexically_normal().string()},
                 {"source_checkpoint_step", CheckpointStep(checkpoint)},
                 {"source_commit", RunCommit(args.run_dir)},
                 {"agent", agent},
                 {"commit", REWARDLAB_GIT_COMMIT}};
  WriteDemoDataset(args.out, run.eval_env->Spec(), episodes, info);
  std::printf(
      "demos %s %d episodes: expert return %.2f ± %.2f; seeds %llu..%llu, checkpoint step %lld, "
      "%s -> %s\n",
      config.env.id.c_str(), args.episodes, mean, std, static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(seed + args.episodes - 1),
      static_cast<long long>(CheckpointStep(checkpoint)),
      args.stochastic ? "stochastic" : "deterministic", args.out.c_str());
  FlushStdout();
}

}  // namespace

void AddDemosCommand(CLI::App& app) {
  auto args = std::make_shared<DemosArgs>();
  CLI::App* cmd = app.add_subcommand(
      "demos",
      "record a run's newest checkpoint as demonstrations in Minari's format (docs/demos.md)");
  cmd->add_option("run_dir", args->run_dir, "run folder (config.yaml, run.h5, checkpoints/)")
      ->required();
  cmd->add_option("--episodes", args->episodes, "episodes to record (at least 1)")
      ->required()
      ->check(CLI::Range(1, 1000000));
  cmd->add_flag("--stochastic", args->stochastic,
                "sample actions from the policy instead of the deterministic ones");
  cmd->add_option("--seed", args->seed,
                  "episode i resets as `rollout --seed S+i` (default: the run's seed)");
  cmd->add_option("--out", args->out,
                  "the dataset folder to create (data/main_data.hdf5, data/metadata.json); must "
                  "not exist or be empty")
      ->required();
  cmd->callback([args] { RunDemos(*args); });
}

}  // namespace rl
