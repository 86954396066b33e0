// `rewardlab sweep CONFIG --seeds A:B [--grid key=v1,v2]... [--backend local|slurm] [--jobs N]`:
// a sweep folder with sweep.json (one row per run), each run its own `rewardlab train` process;
// `sweep --resume DIR` reruns only what is missing, failed or interrupted. `sweep-task DIR INDEX`
// (hidden) is what a SLURM array task runs.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include "apps/commands.h"
#include "core/error.h"
#include "experiments/experiment_config.h"
#include "experiments/run_dir.h"
#include "experiments/sweep/local_backend.h"
#include "experiments/sweep/plan.h"
#include "experiments/sweep/slurm_backend.h"

namespace rl {
namespace {
namespace fs = std::filesystem;

struct SweepArgs {
  std::string config;
  std::string seeds;
  std::vector<std::string> grid;
  std::string backend = "local";
  int jobs = 0;
  std::string name;
  std::string out;
  std::string resume;
  SlurmOptions slurm;
  bool no_wait = false;
  bool dry_run = false;
};

// The rewardlab binary itself, which every run executes.
std::string SelfProgram() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw UserError("cannot find the rewardlab binary (/proc/self/exe)");
  return self.string();
}

int CountStatus(const SweepManifest& m, RunStatus status) {
  int n = 0;
  for (const SweepRun& r : m.runs) n += r.status == status;
  return n;
}

// One line per state; exits 75 when stopped by a signal and 1 when runs failed.
void Report(const std::string& dir, const SweepManifest& m, bool stopped) {
  const int failed = CountStatus(m, RunStatus::kFailed);
  const int open = static_cast<int>(m.runs.size()) - CountStatus(m, RunStatus::kFinished);
  std::cout << "sweep " << m.name << ": " << CountStatus(m, RunStatus::kFinished) << " of "
            << m.runs.size() << " runs finished, " << CountStatus(m, RunStatus::kInterrupted)
            << " interrupted, " << failed << " failed -> " << dir << "\n";
  if (open > 0) {
    std::cout << "continue with `rewardlab sweep --resume " << dir << "`"
              << (failed ? " (failed runs: see " + dir + "/logs/)" : "") << "\n";
  }
  std::cout.flush();
  if (stopped) throw ExitRequest{kInterruptedExitCode};
  if (failed > 0) throw ExitRequest{1};
}

void ExecuteSlurm(const std::string& dir, SweepManifest& m, bool wait) {
  ReconcileRuns(dir, m);
  std::vector<int> unfinished;
  for (const SweepRun& r : m.runs) {
    if (r.status != RunStatus::kFinished) unfinished.push_back(r.index);
  }
  if (unfinished.empty()) {
    SaveManifest(dir, m);
    return Report(dir, m, false);
  }
  const std::string job = SubmitSlurmArray(dir, SelfProgram(), m, unfinished);
  m.slurm.job_ids.push_back(job);
  for (int i : unfinished) {
    m.runs[i].status = RunStatus::kRunning;
    ++m.runs[i].attempts;
  }
  SaveManifest(dir, m);
  std::cout << "submitted SLURM array job " << job << " (" << unfinished.size() << " tasks)\n"
            << std::flush;
  if (!wait) {
    std::cout << "follow it with `squeue -j " << job << "`; afterwards `rewardlab sweep --resume "
              << dir << "` records the results and reruns what did not finish\n";
    return;
  }
  while (SlurmJobActive(job)) std::this_thread::sleep_for(std::chrono::seconds(1));
  ReconcileRuns(dir, m);
  for (int i : unfinished) {
    if (m.runs[i].status == RunStatus::kPending) m.runs[i].status = RunStatus::kFailed;
  }
  SaveManifest(dir, m);
  Report(dir, m, false);
}

// One sweep process per folder (SLURM tasks do not take the lock).
void LockSweep(const std::string& dir) {
  HoldProcessLock((fs::path(dir) / "sweep.lock").string(),
                  dir + ": another rewardlab sweep is running this folder; wait for it or stop it");
}

void Execute(const std::string& dir, SweepManifest& m, bool wait) {
  if (m.backend == "slurm") return ExecuteSlurm(dir, m, wait);
  const SweepOutcome outcome = RunLocalSweep(dir, SelfProgram(), m);
  Report(dir, m, outcome.stopped);
}

void Resume(const SweepArgs& args) {
  if (!args.config.empty() || !args.seeds.empty() || !args.grid.empty() || args.dry_run) {
    throw UserError(
        "--resume continues a sweep with its own sweep.json; drop the config, --dry-run, "
        "--seeds and --grid arguments");
  }
  LoadManifest(args.resume);
  LockSweep(args.resume);
  SweepManifest m = LoadManifest(args.resume);
  if (m.backend == "slurm") {
    RequireSlurm();
    for (const std::string& job : m.slurm.job_ids) {
      if (SlurmJobActive(job)) {
        throw UserError(args.resume + ": SLURM job " + job +
                        " of this sweep is still queued or running; wait for it or scancel it");
      }
    }
  }
  if (args.jobs > 0) m.jobs = args.jobs;
  Execute(args.resume, m, !args.no_wait);
}

// The config's `slurm` section with every SLURM flag given on the command line applied.
SlurmOptions MergeSlurmFlags(const CLI::App& cmd, const SlurmOptions& flags,
                             const SlurmConfig& config) {
  SlurmOptions s;
  static_cast<SlurmConfig&>(s) = config;
  if (cmd.count("--partition")) s.partition = flags.partition;
  if (cmd.count("--time")) s.time = flags.time;
  if (cmd.count("--cpus-per-task")) s.cpus_per_task = flags.cpus_per_task;
  if (cmd.count("--throttle")) s.throttle = flags.throttle;
  if (cmd.count("--requeue")) s.requeue = flags.requeue;
  if (cmd.count("--signal-seconds")) s.signal_seconds = flags.signal_seconds;
  if (cmd.count("--sbatch")) s.extra = flags.extra;
  if (s.cpus_per_task < 1) throw UserError("--cpus-per-task: must be >= 1");
  if (s.throttle < 0) throw UserError("--throttle: must be >= 0 (0 = no limit)");
  if (s.signal_seconds < 1) throw UserError("--signal-seconds: must be >= 1");
  return s;
}

void Start(const SweepArgs& args, const CLI::App& cmd) {
  if (args.config.empty()) throw UserError("sweep: give a CONFIG file (or --resume SWEEP_DIR)");
  if (args.seeds.empty()) throw UserError("sweep: give the seeds, e.g. --seeds 0:5");
  if (args.backend != "local" && args.backend != "slurm") {
    throw UserError("--backend " + args.backend + ": expected local or slurm");
  }
  if (args.backend == "slurm") RequireSlurm();

  // every run's config is validated before anything is written
  SweepManifest m;
  m.backend = args.backend;
  m.jobs = args.jobs > 0 ? args.jobs
                         : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  m.config_path = fs::absolute(args.config).string();
  m.seeds = args.seeds;
  for (const std::string& g : args.grid) m.grid.push_back(ParseGridFlag(g));
  m.runs = ExpandRuns(m.grid, ParseSeedRange(args.seeds));
  m.config_yaml = ValidateRuns(args.config, m.runs);
  const ExperimentConfig base = LoadExperimentConfig(args.config, {});
  m.name = args.name.empty() ? base.name : args.name;
  m.slurm = MergeSlurmFlags(cmd, args.slurm, base.slurm);
  m.created_at = UtcNow("%Y-%m-%dT%H:%M:%SZ");

  const std::string dir = args.out.empty()
                              ? "results/runs/" + m.name + "__sweep__" + UtcNow("%Y%m%d-%H%M%S")
                              : args.out;
  if (fs::exists(ManifestPath(dir))) {
    throw UserError(dir + ": already holds a sweep; continue it with `rewardlab sweep --resume " +
                    dir + "` or choose another --out");
  }
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "runs", ec);
  if (ec) {
    throw UserError("--out " + dir + ": cannot create the sweep folder (" + ec.message() +
                    "); choose a writable --out");
  }
  LockSweep(dir);
  std::ofstream(fs::path(dir) / "config.yaml") << m.config_yaml;
  SaveManifest(dir, m);
  std::cout << "sweep " << m.name << ": " << m.runs.size() << " runs, backend " << m.backend
            << (m.backend == "local" ? ", " + std::to_string(m.jobs) + " at once" : "") << " -> "
            << dir << "\n"
            << std::flush;
  if (args.dry_run) {
    std::cout << "dry run: nothing started; start it with `rewardlab sweep --resume " << dir
              << "`\n";
    return;
  }
  Execute(dir, m, !args.no_wait);
}

void RunTask(const std::string& dir, int index) {
  const SweepManifest m = LoadManifest(dir);
  if (index < 0 || index >= static_cast<int>(m.runs.size())) {
    throw UserError("sweep-task " + dir + " " + std::to_string(index) + ": no such run");
  }
  const std::vector<std::string> args = TrainArguments(dir, m.runs[index]);
  if (args.empty()) {
    std::cout << "run " << index << " is already finished, or failed on a fault it recorded\n";
    return;
  }
  const std::string program = SelfProgram();
  std::vector<char*> argv{const_cast<char*>(program.c_str())};
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::cout.flush();
  execv(program.c_str(), argv.data());
  throw UserError(program + ": cannot execute");
}

}  // namespace

void AddSweepCommands(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("sweep", "run a seed x grid sweep, locally or on SLURM");
  cmd->add_option("config", args->config, "YAML experiment config");
  cmd->add_option("--seeds", args->seeds, "seeds A:B (A … B-1)");
  cmd->add_option("--grid", args->grid, "key.path=v1,v2,... (repeatable; the product is swept)");
  cmd->add_option("--backend", args->backend, "local (default) or slurm");
  cmd->add_option("--jobs", args->jobs, "local: runs at once (default: number of cores)");
  cmd->add_option("--name", args->name, "sweep name (default: the config's name)");
  cmd->add_option("--out", args->out, "sweep folder (default: results/runs/<name>__sweep__<time>)");
  cmd->add_option("--resume", args->resume, "rerun the missing, failed or interrupted runs");
  cmd->add_option("--partition", args->slurm.partition, "slurm: partition");
  cmd->add_option("--time", args->slurm.time,
                  "slurm: time limit per task (default: config slurm.time, 60 min)");
  cmd->add_option("--cpus-per-task", args->slurm.cpus_per_task, "slurm: cpus per task");
  cmd->add_option("--throttle", args->slurm.throttle, "slurm: tasks at once (array %)");
  cmd->add_option("--sbatch", args->slurm.extra, "slurm: extra sbatch option (repeatable)");
  cmd->add_flag("--requeue", args->slurm.requeue,
                "slurm: requeue a task stopped by its time limit");
  cmd->add_option("--signal-seconds", args->slurm.signal_seconds,
                  "slurm: SIGUSR1 this many seconds before the time limit (default 120)");
  cmd->add_flag("--no-wait", args->no_wait, "slurm: return after submitting");
  cmd->add_flag("--dry-run", args->dry_run,
                "write the sweep folder and manifest, start nothing (then --resume)");
  cmd->callback([args, cmd] {
    if (cmd->count("--jobs") && args->jobs < 1)
      throw UserError("--jobs " + std::to_string(args->jobs) + ": must be >= 1 (runs at once)");
    args->resume.empty() ? Start(*args, *cmd) : Resume(*args);
  });

  auto task_dir = std::make_shared<std::string>();
  auto task_index = std::make_shared<int>(0);
  CLI::App* task = app.add_subcommand("sweep-task", "one run of a sweep (what SLURM tasks run)");
  task->group("");
  task->add_option("sweep_dir", *task_dir)->required();
  task->add_option("index", *task_index)->required();
  task->callback([task_dir, task_index] { RunTask(*task_dir, *task_index); });
}

}  // namespace rl
