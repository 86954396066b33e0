// Cost of logging to a run file: µs per episode row (5 reward terms), per metrics row (10 metrics
// in two groups) and per Flush (appends are buffered until Flush), with SWMR on, in a temp folder
// (page cache, no fsync).
//
//   build/h5_bench [--rows N]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/run_file.h"

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point start, long n) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count() / n;
}

RunLayout BenchLayout() {
  RunLayout layout;
  layout.term_names = {"forward", "ctrl", "survive", "contact", "pbrs"};
  for (const char* name : {"SPS", "learning_rate", "episodic_return", "episodic_length"}) {
    layout.metric_names.push_back(std::string("charts/") + name);
  }
  for (const char* name :
       {"value_loss", "policy_loss", "entropy", "approx_kl", "clipfrac", "explained_variance"}) {
    layout.metric_names.push_back(std::string("losses/") + name);
  }
  layout.eval_episodes = 10;
  return layout;
}

int Main(int argc, char** argv) {
  long rows = 20000;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--rows") == 0) rows = std::stol(argv[i + 1]);
  }
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("h5_bench_" + std::to_string(getpid()) + ".h5");
  RunInfo info;
  info.started_at = "2024-01-01T00:00:00Z";
  RunFile run = RunFile::Create(path.string(), info, BenchLayout());
  const std::vector<double> terms = {1.0, -0.1, 1.0, 0.0, 0.5};
  const std::vector<double> charts = {1000, 3e-4, 20, 20};
  const std::vector<double> losses = {0.5, -0.01, 0.6, 0.01, 0.1, 0.9};
  const int charts_group = run.MetricGroup("charts"), losses_group = run.MetricGroup("losses");

  auto start = Clock::now();
  for (long i = 0; i < rows; ++i) {
    run.AppendEpisode({.step = i, .env_return = 1.0 * i, .length = 20, .terms = terms});
  }
  const double episode_us = MicrosSince(start, rows);

  start = Clock::now();
  for (long i = 0; i < rows; ++i) {
    run.AppendMetrics(charts_group, i, charts);
    run.AppendMetrics(losses_group, i, losses);
  }
  const double metrics_us = MicrosSince(start, rows);

  start = Clock::now();
  run.Flush();
  const double first_flush_ms = MicrosSince(start, 1000);

  start = Clock::now();
  for (long i = 0; i < rows; ++i) run.Flush();
  const double idle_flush_us = MicrosSince(start, rows);

  // a trainer iteration: a few episodes, one metrics row per group, one flush
  start = Clock::now();
  for (long i = 0; i < rows; ++i) {
    for (int e = 0; e < 4; ++e) run.AppendEpisode({.step = i, .length = 20, .terms = terms});
    run.AppendMetrics(charts_group, i, charts);
    run.AppendMetrics(losses_group, i, losses);
    run.Flush();
  }
  const double iteration_us = MicrosSince(start, rows);
  run.Close();
  const double mib = std::filesystem::file_size(path) / (1024.0 * 1024.0);
  std::filesystem::remove(path);

  std::printf("rows per phase:                          %ld\n", rows);
  std::printf("AppendEpisode (5 terms, 10 datasets):    %.2f us\n", episode_us);
  std::printf("AppendMetrics x2 (10 metrics, 2 groups): %.2f us\n", metrics_us);
  std::printf("first Flush (all rows above):             %.2f ms\n", first_flush_ms);
  std::printf("Flush, nothing new:                      %.2f us\n", idle_flush_us);
  std::printf("iteration (4 episodes + 2 metric rows + Flush): %.2f us\n", iteration_us);
  std::printf("file size: %.1f MiB\n", mib);
  return 0;
}

}  // namespace
}  // namespace rl

int main(int argc, char** argv) { return rl::Main(argc, argv); }
