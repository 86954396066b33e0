// `rewardlab plot RUNS_OR_SWEEPS... --out FILE`: learning curves grouped by config and overrides
// (experiments/plot/plot.py under Debian's /usr/bin/python3), and `rewardlab export RUN --csv`:
// the run file's tables as CSV for pandas.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/run_file.h"

namespace rl {
namespace {
namespace fs = std::filesystem;

struct PlotArgs {
  std::vector<std::string> inputs;
  std::string out;
  std::string metric = "eval";
  bool iqm = false;
  int smooth = 1;
  bool terms = false;
  std::optional<double> threshold;
  std::string title;
};

// Exact text of a double for CSV (round trip).
std::string Cell(double x) { return FormatNumber(x); }

void WriteTable(const fs::path& path, const std::string& text) {
  WriteFileAtomically(path.string(), text);
}

void Export(const std::string& run, const std::string& out_dir) {
  const RunData d = ReadRunFile((fs::path(run) / "run.h5").string());
  const fs::path out = out_dir.empty() ? fs::path(run) / "csv" : fs::path(out_dir);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw UserError("--out " + out.string() + ": cannot create (" + ec.message() + ")");

  // episodes: one row per finished training episode, reward terms as columns
  std::ostringstream e;
  e << "step,return,length,optimized_return,terminated";
  for (const auto& [name, column] : d.episode_terms) e << ",term/" << name;
  e << "\n";
  for (size_t i = 0; i < d.episode_step.size(); ++i) {
    e << d.episode_step[i] << "," << Cell(d.episode_return[i]) << "," << d.episode_length[i] << ","
      << Cell(d.episode_optimized_return[i]) << "," << int(d.episode_terminated[i]);
    for (const auto& [name, column] : d.episode_terms) e << "," << Cell(column[i]);
    e << "\n";
  }
  WriteTable(out / "episodes.csv", e.str());

  // eval: one row per evaluation, each episode's return as a column
  std::ostringstream v;
  const size_t width = static_cast<size_t>(d.layout.eval_episodes);
  v << "step,return_mean,return_std";
  for (size_t j = 0; j < width; ++j) v << ",return_" << j;
  v << "\n";
  for (size_t i = 0; i < d.eval_step.size(); ++i) {
    v << d.eval_step[i] << "," << Cell(d.eval_return_mean[i]) << "," << Cell(d.eval_return_std[i]);
    for (size_t j = 0; j < width; ++j) v << "," << Cell(d.eval_returns[i * width + j]);
    v << "\n";
  }
  WriteTable(out / "eval.csv", v.str());

  // metrics: long format, one row per (step, metric)
  std::ostringstream m;
  m << "group,name,step,value\n";
  for (const auto& [group, columns] : d.metrics) {
    for (const auto& [name, values] : columns.values) {
      for (size_t i = 0; i < values.size(); ++i) {
        m << group << "," << name << "," << columns.step[i] << "," << Cell(values[i]) << "\n";
      }
    }
  }
  WriteTable(out / "metrics.csv", m.str());
  std::printf("%s: %zu episodes, %zu evaluations -> %s/{episodes,eval,metrics}.csv\n", run.c_str(),
              d.episode_step.size(), d.eval_step.size(), out.c_str());
  FlushStdout();
}

// Reads every run file of a run or sweep folder with the bounded C++ reader first, so that a
// damaged or foreign file is one line naming it, never a hang or a traceback in h5py.
void CheckRunFiles(const std::string& input) {
  const fs::path run_file = fs::path(input) / "run.h5";
  if (!fs::exists(fs::path(input) / "sweep.json")) {
    ReadRunFile(run_file.string());
    return;
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(input, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it.depth() > 3) it.disable_recursion_pending();
    if (it->path().filename() == "run.h5" && it->is_regular_file()) {
      ReadRunFile(it->path().string());
    }
  }
}

void Plot(const PlotArgs& args) {
  const std::string ext = fs::path(args.out).extension().string();
  if (ext != ".png" && ext != ".pdf" && ext != ".svg") {
    throw UserError("--out " + args.out + ": give a .png, .pdf or .svg file");
  }
  if (args.metric != "eval" && args.metric != "train") {
    throw UserError("--metric " + args.metric + ": expected eval or train");
  }
  if (args.smooth < 1)
    throw UserError("--smooth " + std::to_string(args.smooth) + ": must be >= 1");
  for (const std::string& in : args.inputs) {
    if (!fs::exists(fs::path(in) / "sweep.json") && !fs::exists(fs::path(in) / "run.h5")) {
      throw UserError(in + ": neither a sweep folder (sweep.json) nor a run folder (run.h5)");
    }
    CheckRunFiles(in);
  }
  const std::string python = "/usr/bin/python3";
  const std::string script = std::string(REWARDLAB_SOURCE_DIR) + "/experiments/plot/plot.py";
  std::vector<std::string> argv = {
      python,     script,      "--out",    args.out,
      "--metric", args.metric, "--smooth", std::to_string(args.smooth)};
  if (args.iqm) argv.push_back("--iqm");
  if (args.terms) argv.push_back("--terms");
  if (args.threshold) argv.insert(argv.end(), {"--threshold", FormatNumber(*args.threshold)});
  if (!args.title.empty()) argv.insert(argv.end(), {"--title", args.title});
  argv.insert(argv.end(), args.inputs.begin(), args.inputs.end());

  std::vector<char*> raw;
  for (std::string& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    execv(python.c_str(), raw.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  if (code == 127) throw UserError(python + " " + script + ": cannot run; install python3");
  if (code != 0) throw ExitRequest{code};
}

}  // namespace

void AddPlotCommands(CLI::App& app) {
  auto args = std::make_shared<PlotArgs>();
  CLI::App* cmd = app.add_subcommand("plot", "learning curves of runs and sweeps, with a table");
  cmd->add_option("inputs", args->inputs, "run folders and sweep folders")->required();
  cmd->add_option("--out", args->out, "figure: .png, .pdf or .svg (the table goes beside it)")
      ->required();
  cmd->add_option("--metric", args->metric, "eval (deterministic evaluation) or train returns");
  cmd->add_flag("--iqm", args->iqm, "interquartile mean across seeds instead of the mean");
  cmd->add_option("--smooth", args->smooth, "moving average over this many points");
  cmd->add_flag("--terms", args->terms, "also plot per-reward-term episode sums");
  cmd->add_option("--threshold", args->threshold, "return for the steps-to-threshold column");
  cmd->add_option("--title", args->title, "figure title");
  cmd->callback([args] { Plot(*args); });

  auto run = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto csv = std::make_shared<bool>(false);
  CLI::App* exp = app.add_subcommand("export", "write a run's tables as CSV");
  exp->add_option("run", *run, "run folder")->required();
  exp->add_flag("--csv", *csv, "CSV tables (the only format so far)");
  exp->add_option("--out", *out,
                  "folder for episodes.csv, eval.csv, metrics.csv (default RUN/csv)");
  exp->callback([run, out, csv] {
    if (!*csv) throw UserError("export: give the format, --csv");
    Export(*run, *out);
  });
}

}  // namespace rl
