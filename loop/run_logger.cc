#include "loop/run_logger.h"

#include <cmath>
#include <limits>

namespace rl {
namespace {

std::pair<std::string, std::string> SplitMetric(const std::string& name) {
  const size_t slash = name.rfind('/');
  return {name.substr(0, slash), name.substr(slash + 1)};
}

}  // namespace

RunLayout MakeRunLayout(const std::vector<std::string>& reward_terms,
                        const std::vector<std::string>& agent_metrics, int eval_episodes) {
  RunLayout layout;
  layout.term_names = reward_terms;
  layout.metric_names = kTrainerMetrics;
  layout.metric_names.insert(layout.metric_names.end(), agent_metrics.begin(), agent_metrics.end());
  layout.eval_episodes = eval_episodes;
  return layout;
}

RunLayout MakeRunLayout(const Trainer& trainer, int eval_episodes) {
  RunLayout layout = MakeRunLayout(trainer.TermNames(), trainer.MetricNames(), eval_episodes);
  if (trainer.RecordedEpisodes() > 0) {
    const Env& env = trainer.EvalEnv()->At(0);
    layout.rollouts = {env.Spec().action.Dim(), env.SnapshotState().size(),
                       static_cast<int64_t>(env.Spec().reward_terms.size())};
  }
  return layout;
}

RunLogger::RunLogger(RunFile& file, const std::vector<std::string>& agent_metrics,
                     double flush_interval_s)
    : file_(file),
      flush_interval_s_(flush_interval_s),
      last_flush_(std::chrono::steady_clock::now()) {
  // map every metric name to its group and column once
  auto slot = [&](const std::string& name) {
    const auto [group, leaf] = SplitMetric(name);
    const int g = file_.MetricGroup(group);
    const auto& names = file_.MetricNames(g);
    const int pos = static_cast<int>(std::find(names.begin(), names.end(), leaf) - names.begin());
    if (g >= static_cast<int>(rows_.size())) {
      rows_.resize(g + 1);
      dirty_.resize(g + 1, false);
    }
    rows_[g].assign(names.size(), std::numeric_limits<double>::quiet_NaN());
    return std::make_pair(g, pos);
  };
  for (const auto& name : agent_metrics) slots_.push_back(slot(name));
  sps_slot_ = slot(kTrainerMetrics[0]);
  env_sps_slot_ = slot(kTrainerMetrics[1]);
}

void RunLogger::OnEpisode(const EpisodeRecord& e) {
  file_.AppendEpisode({e.step, e.env_return, e.length, e.optimized_return, e.terminated,
                       std::span<const double>(e.term_sums->data(), e.term_sums->size())});
}

void RunLogger::OnUpdate(int64_t /*step*/, const MetricValues& values) {
  // a group whose values are all NaN this update (a module that did not fit) writes no row
  for (size_t i = 0; i < values.size() && i < slots_.size(); ++i) {
    rows_[slots_[i].first][slots_[i].second] = values[i];
    if (!std::isnan(values[i])) dirty_[slots_[i].first] = true;
  }
}

void RunLogger::OnEval(const EvalRecord& eval) {
  file_.AppendEval(eval.step, eval.returns);
  // a run file from before /rollouts existed (resumed) keeps no recorded episodes
  if (!file_.HasRollouts()) return;
  for (const RecordedEpisode& e : eval.recorded) file_.AppendRollout(e);
}

void RunLogger::AppendGroups(int64_t step) {
  for (size_t g = 0; g < rows_.size(); ++g) {
    if (!dirty_[g]) continue;
    file_.AppendMetrics(static_cast<int>(g), step, rows_[g]);
    std::fill(rows_[g].begin(), rows_[g].end(), std::numeric_limits<double>::quiet_NaN());
    dirty_[g] = false;
  }
}

void RunLogger::OnIteration(int64_t step, const IterationTiming& timing) {
  rows_[sps_slot_.first][sps_slot_.second] = timing.steps_per_second;
  rows_[env_sps_slot_.first][env_sps_slot_.second] = timing.env_steps_per_second;
  dirty_[sps_slot_.first] = dirty_[env_sps_slot_.first] = true;
  AppendGroups(step);
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_flush_).count() >= flush_interval_s_) Flush();
}

void RunLogger::Flush() {
  file_.Flush();
  last_flush_ = std::chrono::steady_clock::now();
}

void RunLogger::OnEnd(int64_t step) {
  AppendGroups(step);
  Flush();
}

}  // namespace rl
