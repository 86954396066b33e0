#include "experiments/sweep/slurm_backend.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace rl {
namespace fs = std::filesystem;

namespace {

// squeue's short names of the states a job passes before it ends.
constexpr const char* kSlurmActiveStates = "PD,CF,R,S,ST,CG,RQ,RF,RH,RS,SI,SO";

// Runs `command` through the shell; returns its exit code and fills `out` with stdout+stderr.
int Shell(const std::string& command, std::string& out) {
  out.clear();
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Single quotes for the shell.
std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

void RequireSlurm() {
  std::string out;
  for (const char* tool : {"sbatch", "squeue", "scontrol"}) {
    if (Shell(std::string("command -v ") + tool, out) != 0) {
      throw UserError(std::string("--backend slurm: ") + tool +
                      " not found on this machine; run on a SLURM login node or use "
                      "--backend local");
    }
  }
}

std::string SlurmArrayScript(const std::string& sweep_dir, const std::string& program,
                             const SweepManifest& manifest, const std::vector<int>& indices) {
  const SlurmOptions& s = manifest.slurm;
  std::ostringstream array;
  for (size_t i = 0; i < indices.size(); ++i) array << (i ? "," : "") << indices[i];
  if (s.throttle > 0) array << "%" << s.throttle;
  const std::string dir = fs::absolute(sweep_dir).string();
  std::ostringstream script;
  script << "#!/bin/bash\n"
         << "#SBATCH --job-name=" << manifest.name << "\n"
         << "#SBATCH --array=" << array.str() << "\n"
         << "#SBATCH --output=" << dir << "/logs/slurm_%A_%a.out\n"
         << "#SBATCH --open-mode=append\n"
         << "#SBATCH --time=" << s.time << "\n"
         << "#SBATCH --cpus-per-task=" << s.cpus_per_task << "\n"
         << "#SBATCH --signal=B:USR1@" << s.signal_seconds << "\n";
  if (!s.partition.empty()) script << "#SBATCH --partition=" << s.partition << "\n";
  if (s.requeue) script << "#SBATCH --requeue\n";
  for (const std::string& extra : s.extra) script << "#SBATCH " << extra << "\n";
  script
      << "# the run checkpoints on SIGUSR1 (time limit) or SIGTERM (scancel) and exits 75\n"
      << Quote(program) << " sweep-task " << Quote(dir) << " \"$SLURM_ARRAY_TASK_ID\" &\n"
      << "pid=$!\n"
      << "# only the time-limit signal requeues; scancel (TERM) stops for good\n"
      << "time_limit=0\n"
      << "trap 'time_limit=1; kill -USR1 $pid' USR1\n"
      << "trap 'kill -TERM $pid' TERM\n"
      << "wait $pid; rc=$?\n"
      << "# a trapped signal interrupts wait (rc > 128): wait again while the run lives, then ask\n"
      << "# once more for its saved status (bash repeats the status of a reaped child, so no loop\n"
      << "# on rc alone: a run killed by a signal would spin here forever)\n"
      << "while kill -0 $pid 2>/dev/null; do wait $pid; rc=$?; done\n"
      << "if [ $rc -gt 128 ]; then wait $pid; r=$?; [ $r -ne 127 ] && rc=$r; fi\n";
  if (s.requeue) {
    script << "if [ $rc -eq 75 ] && [ $time_limit -eq 1 ]; then\n"
           << "  scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n"
           << "fi\n";
  }
  script << "exit $rc\n";
  return script.str();
}

std::string SubmitSlurmArray(const std::string& sweep_dir, const std::string& program,
                             const SweepManifest& manifest, const std::vector<int>& indices) {
  const fs::path dir = fs::path(sweep_dir) / "slurm";
  fs::create_directories(dir);
  fs::create_directories(fs::path(sweep_dir) / "logs");
  const fs::path script = dir / ("array_" + std::to_string(manifest.slurm.job_ids.size()) + ".sh");
  std::ofstream(script) << SlurmArrayScript(sweep_dir, program, manifest, indices);
  std::string out;
  if (Shell("sbatch --parsable " + Quote(script.string()), out) != 0) {
    while (!out.empty() && out.back() == '\n') out.pop_back();
    throw UserError(script.string() + ": sbatch refused the array job (" + out +
                    "); fix the SLURM options (flags or the config's slurm section) and run "
                    "`rewardlab sweep --resume " +
                    sweep_dir + "`");
  }
  // --parsable prints "JOBID" or "JOBID;CLUSTER"
  return out.substr(0, out.find_first_of(";\n"));
}

bool SlurmJobActive(const std::string& job_id) {
  std::string out;
  // every state short of the end, the requeue states included: squeue's default list leaves out
  // a task between its `scontrol requeue` and its next PENDING
  Shell("squeue -h -j " + Quote(job_id) + " -t " + kSlurmActiveStates + " -o %i", out);
  return out.find(job_id) != std::string::npos;
}

}  // namespace rl
