#include "experiments/sweep/local_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <filesystem>
#include <map>

#include "core/error.h"
#include "experiments/sweep/plan.h"

namespace rl {
namespace fs = std::filesystem;

namespace {

std::atomic<int> stop_signal{0};

extern "C" void OnSweepSignal(int signal) { stop_signal.store(signal); }

// Starts `program args` with stdout and stderr appended to `log`; returns its pid.
pid_t Spawn(const std::string& program, const std::vector<std::string>& args,
            const std::string& log) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  const std::string nice = std::to_string(getpriority(PRIO_PROCESS, 0));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // a sweep killed outright stops its runs too (they checkpoint on SIGTERM), so a later
    // --resume never finds a run still being written
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(kInterruptedExitCode);
    // the child: its own session, like a job started from its own terminal; a terminal's Ctrl-C
    // reaches it only through the sweep, and the scheduler's autogroups weigh each run on its own
    setsid();
    // a new session starts a scheduler autogroup of weight nice 0: give it the sweep's nice
    // value, or `nice -n 19 rewardlab sweep` would still take full cores from other sessions
    const int group = open("/proc/self/autogroup", O_WRONLY);
    if (group >= 0) {
      if (write(group, nice.data(), nice.size()) < 0) {
        // no autogroup scheduling on this kernel: nothing to adjust
      }
      close(group);
    }
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

}  // namespace

int ReconcileRuns(const std::string& sweep_dir, SweepManifest& manifest) {
  int finished = 0;
  for (SweepRun& run : manifest.runs) {
    if (run.status != RunStatus::kFinished) {
      switch (InspectRun((fs::path(sweep_dir) / run.run_dir).string())) {
        case RunOnDisk::kFinished:
          run.status = RunStatus::kFinished;
          break;
        case RunOnDisk::kResumable:
          run.status = RunStatus::kInterrupted;
          break;
        case RunOnDisk::kFailed:
          run.status = RunStatus::kFailed;
          break;
        case RunOnDisk::kNothing:
          if (run.status == RunStatus::kRunning) run.status = RunStatus::kPending;
          break;
      }
    }
    if (run.status == RunStatus::kFinished) ++finished;
  }
  return finished;
}

SweepOutcome RunLocalSweep(const std::string& sweep_dir, const std::string& program,
                           SweepManifest& manifest) {
  SweepOutcome outcome;
  outcome.finished = ReconcileRuns(sweep_dir, manifest);
  SaveManifest(sweep_dir, manifest);
  std::deque<int> queue;
  for (const SweepRun& run : manifest.runs) {
    if (run.status != RunStatus::kFinished) queue.push_back(run.index);
  }
  fs::create_directories(fs::path(sweep_dir) / "logs");

  // SIGTERM / SIGINT: stop starting runs and ask the running ones to checkpoint
  stop_signal.store(0);
  struct sigaction action {};
  action.sa_handler = OnSweepSignal;
  sigemptyset(&action.sa_mask);
  struct sigaction old_term, old_int;
  sigaction(SIGTERM, &action, &old_term);
  sigaction(SIGINT, &action, &old_int);

  std::map<pid_t, int> running;  // pid -> run index
  bool forwarded = false;
  while (!queue.empty() || !running.empty()) {
    while (!stop_signal.load() && !queue.empty() &&
           static_cast<int>(running.size()) < manifest.jobs) {
      SweepRun& run = manifest.runs[queue.front()];
      queue.pop_front();
      const std::vector<std::string> args = TrainArguments(sweep_dir, run);
      if (args.empty()) continue;
      const std::string log =
          (fs::path(sweep_dir) / "logs" / (fs::path(run.run_dir).filename().string() + ".out"))
              .string();
      running[Spawn(program, args, log)] = run.index;
      run.status = RunStatus::kRunning;
      ++run.attempts;
      SaveManifest(sweep_dir, manifest);
    }
    if (stop_signal.load() && !forwarded) {
      for (const auto& [pid, index] : running) kill(pid, SIGTERM);
      forwarded = true;
      outcome.stopped = true;
    }
    if (running.empty()) break;
    // poll, so a signal between the checks above and the wait is seen within 50 ms
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0 || (pid < 0 && errno == EINTR)) {
      usleep(50000);
      continue;
    }
    if (pid < 0) throw std::runtime_error("waitpid failed");
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    SweepRun& run = manifest.runs[it->second];
    running.erase(it);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    const RunOnDisk disk = InspectRun((fs::path(sweep_dir) / run.run_dir).string());
    if (run.exit_code == 0 && disk == RunOnDisk::kFinished) {
      run.status = RunStatus::kFinished;
      ++outcome.finished;
    } else if (disk == RunOnDisk::kResumable &&
               (run.exit_code == kInterruptedExitCode || run.exit_code == -1)) {
      run.status = RunStatus::kInterrupted;
      ++outcome.interrupted;
    } else {
      run.status = RunStatus::kFailed;
      ++outcome.failed;
    }
    SaveManifest(sweep_dir, manifest);
  }
  if (stop_signal.load()) outcome.stopped = true;
  sigaction(SIGTERM, &old_term, nullptr);
  sigaction(SIGINT, &old_int, nullptr);
  return outcome;
}

}  // namespace rl
