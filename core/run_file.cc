#include "core/run_file.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include "core/error.h"
#include "core/h5.h"
#include "core/run_file_internal.h"

namespace rl {

using run_file_internal::CheckFormat;
using run_file_internal::Column;
using run_file_internal::ReadLayout;
using run_file_internal::SplitMetric;

// The open file and a cached id and row buffer for every appendable dataset.
struct RunFile::Impl {
  // one /metrics/<group>: its step column and one column per metric
  struct Metrics {
    std::string name;
    std::vector<std::string> names;
    Column<int64_t> step;
    std::vector<Column<double>> values;
  };

  h5::File file;  // declared first, so it closes after the datasets
  RunLayout layout;
  Column<int64_t> episode_step, episode_length;
  Column<double> episode_return, episode_optimized_return;
  Column<uint8_t> episode_terminated;
  std::vector<Column<double>> episode_terms;
  Column<int64_t> eval_step;
  Column<double> eval_return_mean, eval_return_std, eval_returns;
  std::vector<Metrics> metrics;
  run_file_internal::RolloutColumns rollouts;  // bound only when HasRollouts()

  // best effort: rows appended but never flushed still reach the file on a normal exit
  ~Impl() {
    try {
      WritePending();
    } catch (const UserError&) {
    }
  }

  // reads every stored row back (damaged metadata fails here, with one read attempt)
  void ReadBack() const {
    if (HasRollouts()) rollouts.ReadBack();
    for (const auto* c : {&episode_step, &episode_length, &eval_step}) c->ReadBack();
    for (const auto* c : {&episode_return, &episode_optimized_return, &eval_return_mean,
                          &eval_return_std, &eval_returns}) {
      c->ReadBack();
    }
    episode_terminated.ReadBack();
    for (const auto& c : episode_terms) c.ReadBack();
    for (const Metrics& m : metrics) {
      m.step.ReadBack();
      for (const auto& c : m.values) c.ReadBack();
    }
  }

  // writes every buffered row (the file still needs H5Fflush to publish them)
  void WritePending() {
    if (HasRollouts()) rollouts.Write();
    for (auto* c : {&episode_step, &episode_length, &eval_step}) c->Write();
    for (auto* c : {&episode_return, &episode_optimized_return, &eval_return_mean, &eval_return_std,
                    &eval_returns}) {
      c->Write();
    }
    episode_terminated.Write();
    for (auto& c : episode_terms) c.Write();
    for (Metrics& m : metrics) {
      m.step.Write();
      for (auto& c : m.values) c.Write();
    }
  }

  // creates (when `create`) or opens every appendable dataset of `layout`
  void Bind(bool create) {
    auto bind = [&]<h5::Element T>(Column<T>& out, const char* name, uint64_t cols = 0) {
      out.dataset = create ? file.CreateAppendable<T>(name, cols) : file.OpenAppendable<T>(name);
    };
    bind(episode_step, "episodes/step");
    bind(episode_return, "episodes/return");
    bind(episode_length, "episodes/length");
    bind(episode_optimized_return, "episodes/optimized_return");
    bind(episode_terminated, "episodes/terminated");
    for (const std::string& term : layout.term_names) {
      bind(episode_terms.emplace_back(), ("episodes/terms/" + term).c_str());
    }
    bind(eval_step, "eval/step");
    bind(eval_return_mean, "eval/return_mean");
    bind(eval_return_std, "eval/return_std");
    bind(eval_returns, "eval/returns", layout.eval_episodes);
    for (const std::string& full : layout.metric_names) {
      const auto [group, name] = SplitMetric(full);
      if (metrics.empty() || metrics.back().name != group) {
        metrics.push_back({group, {}, {}, {}});
        if (create) file.CreateGroup("metrics/" + group);
        bind(metrics.back().step, ("metrics/" + group + "/step").c_str());
      }
      metrics.back().names.push_back(name);
      bind(metrics.back().values.emplace_back(), ("metrics/" + full).c_str());
    }
    if (HasRollouts()) rollouts.Bind(file, layout.rollouts, create);
  }

  bool HasRollouts() const { return layout.rollouts.action_dim > 0; }
};

namespace {

// checks the names and orders metrics by group (first appearance), keeping order within a group
RunLayout Normalize(const std::string& path, RunLayout layout) {
  if (layout.eval_episodes < 1) throw UserError(path + ": eval_episodes must be at least 1");
  const RolloutLayout& r = layout.rollouts;
  if (r.action_dim < 0 || (r.action_dim > 0 && (r.state_dim < 1 || r.num_terms < 1))) {
    throw UserError(path + ": recorded episodes need positive action, state and term widths");
  }
  std::set<std::string> seen;
  for (const std::string& term : layout.term_names) {
    if (term.empty() || term.find('/') != std::string::npos || term == "." || term == "..") {
      throw UserError(path + ": bad reward term name '" + term + "' (no '/', not empty)");
    }
    if (!seen.insert(term).second) throw UserError(path + ": duplicate term name '" + term + "'");
  }
  std::vector<std::string> groups;
  std::set<std::string> names(layout.metric_names.begin(), layout.metric_names.end());
  if (names.size() != layout.metric_names.size()) throw UserError(path + ": duplicate metric name");
  for (const std::string& full : layout.metric_names) {
    const std::string group = SplitMetric(full).first;
    if (names.count(group) != 0) {
      throw UserError(path + ": metric '" + group + "' is also the group of '" + full + "'");
    }
    if (std::find(groups.begin(), groups.end(), group) == groups.end()) groups.push_back(group);
  }
  std::vector<std::string> ordered;
  for (const std::string& group : groups) {
    for (const std::string& full : layout.metric_names) {
      if (SplitMetric(full).first == group) ordered.push_back(full);
    }
  }
  layout.metric_names = std::move(ordered);
  return layout;
}

// checks that every dataset of a group has at least `rows` and queues its truncation, so that a
// refused resume leaves the file untouched
template <typename... Datasets>
void PlanTruncation(const std::string& path, uint64_t rows,
                    std::vector<std::function<void()>>* plan, Datasets&... datasets) {
  auto one = [&](auto& d) {
    if (d.Rows() < rows) {
      throw UserError(path + ": '" + d.Name() + "' has " + std::to_string(d.Rows()) +
                      " rows but the checkpoint expects " + std::to_string(rows) +
                      " (the run file is older than the checkpoint)");
    }
    plan->push_back([&d, rows] { d.Resize(rows); });
  };
  (one(datasets), ...);
}

}  // namespace

RunFile::RunFile(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunFile::RunFile(RunFile&&) noexcept = default;
RunFile& RunFile::operator=(RunFile&&) noexcept = default;
RunFile::~RunFile() = default;

RunFile RunFile::Create(const std::string& path, const RunInfo& info, const RunLayout& layout) {
  auto impl = std::make_unique<Impl>();
  impl->layout = Normalize(path, layout);
  impl->file = h5::File::Create(path);
  h5::File& f = impl->file;
  f.WriteStringAttr("format", kRunFileFormat);
  f.WriteIntAttr("format_version", kRunFileVersion);
  f.WriteStringAttr("config", info.config);
  f.WriteIntAttr("seed", info.seed);
  f.WriteStringAttr("env_id", info.env_id);
  f.WriteStringAttr("agent_type", info.agent_type);
  f.WriteStringAttr("git_commit", info.git_commit);
  f.WriteStringAttr("started_at", info.started_at);
  f.WriteIntAttr("finished", 0);
  for (const char* group : {"episodes/terms", "eval", "metrics", "rollouts"}) f.CreateGroup(group);
  impl->Bind(/*create=*/true);
  f.StartSwmrWrite();
  f.Flush();
  return RunFile(std::move(impl));
}

RunFile RunFile::OpenForResume(const std::string& path, const RowCounts& counts) {
  auto impl = std::make_unique<Impl>();
  impl->file = h5::File::OpenReadWrite(path, /*clear_status_flags=*/true);
  CheckFormat(impl->file);
  impl->layout = ReadLayout(impl->file);
  impl->Bind(/*create=*/false);
  // SWMR writing retries a metadata read whose checksum fails with doubling sleeps (100 tries,
  // fixed by H5Fstart_swmr_write): a damaged file would hang the resumed run at its first append.
  // Before it starts, one try fails at once, so everything is read back here.
  impl->ReadBack();
  Impl& m = *impl;
  std::vector<std::function<void()>> plan;
  PlanTruncation(path, counts.episodes, &plan, m.episode_step, m.episode_return, m.episode_length,
                 m.episode_optimized_return, m.episode_terminated);
  for (auto& term : m.episode_terms) PlanTruncation(path, counts.episodes, &plan, term);
  PlanTruncation(path, counts.eval, &plan, m.eval_step, m.eval_return_mean, m.eval_return_std,
                 m.eval_returns);
  if (counts.metrics.size() != m.metrics.size()) {
    throw UserError(path + ": the checkpoint has " + std::to_string(counts.metrics.size()) +
                    " metric groups, the run file " + std::to_string(m.metrics.size()));
  }
  for (Impl::Metrics& group : m.metrics) {
    const auto it = counts.metrics.find(group.name);
    if (it == counts.metrics.end()) {
      throw UserError(path + ": the checkpoint has no row count for metrics '" + group.name + "'");
    }
    PlanTruncation(path, it->second, &plan, group.step);
    for (auto& values : group.values) PlanTruncation(path, it->second, &plan, values);
  }
  // a file written before /rollouts existed records nothing, and its checkpoints count nothing
  if (m.HasRollouts()) {
    auto& r = m.rollouts;
    PlanTruncation(path, counts.rollouts, &plan, r.step, r.episode, r.episode_return, r.length,
                   r.terminated, r.offset, r.start_state, r.start_rng);
    PlanTruncation(path, counts.rollout_steps, &plan, r.action, r.reward, r.terms);
  } else if (counts.rollouts > 0) {
    throw UserError(path +
                    ": the checkpoint counts recorded episodes but the file has no /rollouts");
  }
  for (const auto& truncate : plan) truncate();
  impl->file.WriteIntAttr("finished", 0);
  impl->file.StartSwmrWrite();
  impl->file.Flush();
  return RunFile(std::move(impl));
}

void RunFile::AppendEpisode(const EpisodeRow& row) {
  if (row.terms.size() != impl_->episode_terms.size()) {
    throw UserError(Path() + ": episode row has " + std::to_string(row.terms.size()) +
                    " terms, the file declares " + std::to_string(impl_->episode_terms.size()));
  }
  impl_->episode_step.Append(row.step);
  impl_->episode_return.Append(row.env_return);
  impl_->episode_length.Append(row.length);
  impl_->episode_optimized_return.Append(row.optimized_return);
  impl_->episode_terminated.Append(row.terminated ? 1 : 0);
  for (size_t i = 0; i < row.terms.size(); ++i) impl_->episode_terms[i].Append(row.terms[i]);
}

void RunFile::AppendEval(int64_t step, std::span<const double> returns) {
  if (returns.size() != impl_->eval_returns.Cols()) {
    throw UserError(Path() + ": evaluation has " + std::to_string(returns.size()) +
                    " returns, the file declares " + std::to_string(impl_->eval_returns.Cols()));
  }
  double sum = 0, sum_sq = 0;
  for (double r : returns) sum += r;
  const double mean = sum / returns.size();
  for (double r : returns) sum_sq += (r - mean) * (r - mean);
  impl_->eval_step.Append(step);
  impl_->eval_return_mean.Append(mean);
  impl_->eval_return_std.Append(std::sqrt(sum_sq / returns.size()));
  impl_->eval_returns.AppendRows(returns);
}

bool RunFile::HasRollouts() const { return impl_->HasRollouts(); }

void RunFile::AppendRollout(const RecordedEpisode& episode) {
  if (!HasRollouts()) throw UserError(Path() + ": this run file has no /rollouts datasets");
  impl_->rollouts.Append(Path(), episode);
}

int RunFile::MetricGroup(std::string_view group) const {
  std::vector<std::string> names;
  for (size_t i = 0; i < impl_->metrics.size(); ++i) {
    if (impl_->metrics[i].name == group) return static_cast<int>(i);
    names.push_back(impl_->metrics[i].name);
  }
  throw UserError(Path() + ": no metric group '" + std::string(group) + "'" +
                  DidYouMean(group, names));
}

const std::vector<std::string>& RunFile::MetricNames(int group) const {
  return impl_->metrics.at(group).names;
}

void RunFile::AppendMetrics(int group, int64_t step, std::span<const double> values) {
  Impl::Metrics& m = impl_->metrics.at(group);
  if (values.size() != m.values.size()) {
    throw UserError(Path() + ": metrics '" + m.name + "' got " + std::to_string(values.size()) +
                    " values for " + std::to_string(m.values.size()) + " names");
  }
  m.step.Append(step);
  for (size_t i = 0; i < values.size(); ++i) m.values[i].Append(values[i]);
}

void RunFile::Flush() {
  impl_->WritePending();
  impl_->file.Flush();
}

void RunFile::Close() {
  impl_->WritePending();
  impl_->file.WriteIntAttr("finished", 1);
  impl_->file.Flush();
  // close the datasets first, so closing the file reports its own errors
  h5::File file = std::move(impl_->file);
  impl_.reset();
  file.Close();
}

RowCounts RunFile::Counts() const {
  RowCounts counts;
  counts.episodes = impl_->episode_step.Rows();
  counts.eval = impl_->eval_step.Rows();
  for (const Impl::Metrics& m : impl_->metrics) counts.metrics[m.name] = m.step.Rows();
  if (HasRollouts()) {
    counts.rollouts = impl_->rollouts.step.Rows();
    counts.rollout_steps = impl_->rollouts.reward.Rows();
  }
  return counts;
}

const RunLayout& RunFile::Layout() const { return impl_->layout; }

const std::string& RunFile::Path() const { return impl_->file.FilePath(); }

}  // namespace rl
