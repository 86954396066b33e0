// `rewardlab train [CONFIG] [--set k=v]... [--seed N] [--out DIR] [--resume RUN_DIR] [--view]`:
// trains an agent into a run folder (config.yaml, run.h5, checkpoints/, console.log, and
// transitions.h5 with record_transitions), evaluating as it goes. SIGTERM / SIGUSR1 checkpoint
// and exit 75. With --view the trainer runs on a worker thread and the main thread draws it.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>

#include "apps/commands.h"
#include "default_config.h"
#include "experiments/build.h"
#include "experiments/experiment_config.h"
#include "experiments/run_dir.h"
#include "loop/checkpointer.h"
#include "loop/progress.h"
#include "loop/run_logger.h"
#include "loop/trainer.h"
#include "loop/transition_recorder.h"
#include "nn/blas.h"
#include "viewer/support/live_channel.h"
#ifdef REWARDLAB_HAVE_VIEWER
#include "viewer/live_viewer.h"
#endif

namespace rl {
namespace {

struct TrainArgs {
  std::string config;
  std::vector<std::string> sets;
  std::optional<uint64_t> seed;
  std::string out;
  std::string resume;
  bool quiet = false;
  bool view = false;       // watch training in a window
  std::string screenshot;  // with view: write this PNG after `frames` frames and close the window
  int frames = 60;         // with view and screenshot
};

// Set by SIGTERM / SIGUSR1: checkpoint at the next iteration end and exit.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void OnStopSignal(int /*signal*/) { stop_requested.store(true); }

// Prints each evaluation as one line, on the terminal and in console.log.
class EvalPrinter : public TrainerHook {
 public:
  explicit EvalPrinter(const std::string& log_path) : log_(std::fopen(log_path.c_str(), "a")) {}
  ~EvalPrinter() override {
    if (log_) std::fclose(log_);
  }
  void Line(const std::string& text) {
    std::printf("%s\n", text.c_str());
    std::fflush(stdout);
    if (log_) {
      std::fprintf(log_, "%s\n", text.c_str());
      std::fflush(log_);
    }
  }
  // Writes a line to console.log alone (the terminal gets the error line).
  void Log(const std::string& text) {
    if (!log_) return;
    std::fprintf(log_, "%s\n", text.c_str());
    std::fflush(log_);
  }
  void OnEval(const EvalRecord& e) override {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "eval step=%lld return_mean=%.2f return_std=%.2f episodes=%zu",
                  static_cast<long long>(e.step), e.mean, e.std, e.returns.size());
    Line(buf);
  }

 private:
  std::FILE* log_;
};

#ifdef REWARDLAB_HAVE_VIEWER
// The window of --view, or null without it; throws UserError when there is no display.
std::unique_ptr<LiveViewer> OpenLiveViewer(const TrainArgs& args, const ExperimentConfig& config,
                                           const Trainer& trainer, RewardPipeline& reward,
                                           const std::string& dir) {
  if (!args.view) return nullptr;
  return std::make_unique<LiveViewer>(config, trainer.TermNames(), LiveHook::Params(reward),
                                      LiveViewerOptions{dir, args.screenshot, args.frames});
}
#else
// Stands in for the viewer in a binary built without it.
struct LiveViewer {
  void Run(LiveChannel& /*channel*/) {}
};

// Null without --view; --view is a one-line error.
std::unique_ptr<LiveViewer> OpenLiveViewer(const TrainArgs& args, const ExperimentConfig&,
                                           const Trainer&, RewardPipeline&, const std::string&) {
  if (args.view) ThrowNoViewer("rewardlab train --view");
  return nullptr;
}
#endif

// Trains on a worker thread while `viewer` draws on this one. Closing the window lets training
// finish (SIGTERM still stops it with a checkpoint); when the viewer fails, training stops at the
// end of its iteration and the viewer's error is reported.
void RunWatched(Trainer& trainer, std::unique_ptr<LiveViewer> viewer, LiveChannel& channel,
                LiveHook& live, EvalPrinter& printer) {
  std::atomic<bool> done{false};
  std::exception_ptr failure;
  std::thread worker([&] {
    try {
      trainer.Run();
    } catch (...) {
      failure = std::current_exception();
    }
    live.Finish();
    done.store(true);
  });
  try {
    viewer->Run(channel);
  } catch (...) {
    stop_requested.store(true);
    worker.join();
    throw;
  }
  viewer.reset();
  if (!done.load()) {
    printer.Line("viewer closed: training goes on to the end (SIGTERM stops it with a checkpoint)");
  }
  worker.join();
  if (failure) std::rethrow_exception(failure);
}

ExperimentConfig ResolveConfig(const TrainArgs& args, ConfigNode& resolved, ValidatedParts& parts) {
  if (!args.resume.empty()) {
    if (!args.config.empty() || !args.sets.empty() || args.seed) {
      throw UserError(
          "--resume continues a run with its own config.yaml; drop the config, --set "
          "and --seed arguments");
    }
    return LoadRunConfig(args.resume, &resolved, &parts);
  }
  std::vector<std::string> sets = args.sets;
  if (args.seed) sets.push_back("seed=" + std::to_string(*args.seed));
  return args.config.empty() ? ResolveExperimentConfig(
                                   ParseYaml(kDefaultConfigYaml, "<built-in cartpole_ppo.yaml>"),
                                   sets, &resolved, &parts)
                             : LoadExperimentConfig(args.config, sets, &resolved, &parts);
}

// Marks a run failed for readers: the root attribute `failure` of its (closed, unfinished) run
// file says why. Best effort: console.log has the line too.
void MarkRunFailed(const std::string& h5_path, const std::string& why) {
  try {
    h5::File f = h5::File::OpenReadWrite(h5_path);
    f.WriteStringAttr("failure", why);
    f.Close();
  } catch (const std::exception&) {
  }
}

// One process writes a run: a `--resume` while the run is still being written (a sweep resumed
// right after a kill, a second terminal) is refused instead of interleaving two writers.
void LockRun(const std::string& dir) {
  const std::string busy =
      dir + ": another rewardlab process is writing this run; wait for it to end or stop it";
  HoldProcessLock(dir + "/run.lock", busy);
}

void RunTrain(const TrainArgs& args) {
  // everything is validated before a run folder exists
  ConfigNode resolved;
  ValidatedParts parts;
  const ExperimentConfig config = ResolveConfig(args, resolved, parts);
  Experiment run = BuildExperiment(config, std::move(parts));
  Trainer& trainer = *run.trainer;
  const std::string type = config.agent.Find("type")->scalar;

  // the run folder: continued from its newest checkpoint, or created; a --view window opens
  // first, so that a missing display leaves nothing behind
  const bool resuming = !args.resume.empty();
  const std::string dir = resuming           ? args.resume
                          : args.out.empty() ? DefaultRunDir(config)
                                             : args.out;
  std::unique_ptr<LiveViewer> viewer = OpenLiveViewer(args, config, trainer, *run.reward, dir);
  const std::string ckpt_dir = dir + "/checkpoints";
  std::optional<RunFile> file;
  if (resuming) {
    LockRun(dir);
    const std::string latest = Checkpointer::Latest(ckpt_dir);
    if (latest.empty())
      throw UserError(dir + ": no checkpoint to resume from; start the run again");
    const RowCounts counts = Checkpointer::Restore(latest, trainer, *run.agent);
    if (trainer.GlobalStep() >= config.total_steps) {
      throw UserError(dir + ": the run is complete (" + std::to_string(trainer.GlobalStep()) +
                      " of " + std::to_string(config.total_steps) + " steps); nothing to resume");
    }
    file.emplace(RunFile::OpenForResume(dir + "/run.h5", counts));
  } else {
    CreateRunDir(dir, resolved);
    LockRun(dir);
    try {
      file.emplace(RunFile::Create(dir + "/run.h5", MakeRunInfo(config, resolved),
                                   MakeRunLayout(trainer, config.eval.episodes)));
    } catch (...) {
      std::filesystem::remove_all(dir);
      throw;
    }
  }

  // hooks: file, transitions, checkpoints, terminal
  RunLogger logger(*file, trainer.MetricNames());
  Checkpointer checkpointer(ckpt_dir, config.checkpoint.every_steps, trainer, *run.agent, *file,
                            logger);
  ProgressHook progress(config.total_steps);
  EvalPrinter printer(dir + "/console.log");
  LiveChannel channel;
  LiveHook live(channel, *run.env, *run.reward,
                [&printer](const std::string& line) { printer.Line(line); });
  std::unique_ptr<TransitionRecorder> transitions;
  if (config.record_transitions) {
    const std::string path = dir + "/transitions.h5";
    transitions = resuming ? TransitionRecorder::Resume(path, run.env->Spec(), run.env->Size(),
                                                        trainer.GlobalStep())
                           : TransitionRecorder::Create(path, run.env->Spec(), run.env->Size());
    checkpointer.FlushBefore([&transitions] { transitions->Flush(); });
  }
  trainer.AddHook(&logger);
  if (transitions) trainer.AddHook(transitions.get());
  trainer.AddHook(&checkpointer);
  if (!args.quiet) trainer.AddHook(&progress);
  trainer.AddHook(&printer);
  if (viewer) trainer.AddHook(&live);
  printer.Line(std::string(resuming ? "resume " : "train ") + config.name + ": " + type + " on " +
               config.env.id + ", " + std::to_string(config.total_steps) + " steps, seed " +
               std::to_string(config.seed) +
               (resuming ? " from step " + std::to_string(trainer.GlobalStep()) : "") + " -> " +
               dir);
  nn::LogBlasReport(dir + "/console.log", !args.quiet);
  // SIGTERM (kill, scancel) and SIGUSR1 (SLURM's warning before the time limit) stop cleanly
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGUSR1, &action, nullptr);
  trainer.SetStopFlag(&stop_requested);
  try {
    if (viewer) {
      RunWatched(trainer, std::move(viewer), channel, live, printer);
    } else {
      trainer.Run();
    }
  } catch (const NonFiniteError& e) {
    // the run failed: the rows so far are kept, the last checkpoint is the last finite one (none
    // is written after the fault) and the run file stays unfinished, marked with why
    if (!args.quiet) progress.EndLine();
    logger.Flush();
    if (transitions) transitions->Flush();
    file.reset();
    printer.Log(std::string("failed: ") + e.what());
    MarkRunFailed(dir + "/run.h5", e.what());
    throw;
  }
  if (trainer.Stopped()) {
    // the checkpointer flushes the run file and the transitions before it writes; neither is
    // closed, since Close marks a file finished
    checkpointer.Write(trainer.GlobalStep());
    printer.Line("interrupted at step " + std::to_string(trainer.GlobalStep()) +
                 ": checkpoint written; continue with `rewardlab train --resume " + dir + "`");
    throw ExitRequest{kInterruptedExitCode};
  }
  if (transitions) transitions->Close();
  file->Close();
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "train an agent (default: PPO on CartPole-v1)");
  cmd->add_option("config", args->config,
                  "YAML experiment config (default: built-in CartPole PPO)");
  cmd->add_option("--set", args->sets, "override key.path=value (repeatable)");
  cmd->add_option("--seed", args->seed, "experiment seed (overrides the config's)");
  cmd->add_option("--out", args->out,
                  "run folder (default: results/runs/<name>/<env>__<name>__s<seed>__<time>)");
  cmd->add_option("--resume", args->resume,
                  "continue the run in this folder from its newest checkpoint");
  cmd->add_flag("--quiet", args->quiet, "no progress line");
  CLI::Option* view = cmd->add_flag(
      "--view", args->view,
      "watch training in a window (trainer on a worker thread) with reward sliders; closing the "
      "window lets training finish");
  cmd->add_option("--screenshot", args->screenshot,
                  "with --view: draw --frames frames in a hidden window, write this PNG, close it "
                  "and let training finish")
      ->needs(view);
  cmd->add_option("--frames", args->frames, "with --view --screenshot: frames before the picture")
      ->check(CLI::Range(1, 1000000000))
      ->needs(view);
  cmd->callback([args] { RunTrain(*args); });
}

}  // namespace rl
