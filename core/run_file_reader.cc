// Reading run files: format checks, the stored layout, and ReadRunFile.
#include <algorithm>

#include "core/error.h"
#include "core/h5.h"
#include "core/run_file.h"
#include "core/run_file_internal.h"

namespace rl {
namespace run_file_internal {

std::pair<std::string, std::string> SplitMetric(const std::string& full) {
  const size_t slash = full.rfind('/');
  const bool empty_part = full.empty() || full.front() == '/' || full.back() == '/' ||
                          full.find("//") != std::string::npos;
  if (slash == std::string::npos || empty_part || full.substr(slash + 1) == "step") {
    throw UserError("bad metric name '" + full +
                    "': want group/name, e.g. losses/approx_kl ('step' is reserved)");
  }
  return {full.substr(0, slash), full.substr(slash + 1)};
}

void CheckFormat(const h5::File& file) {
  const std::string& path = file.FilePath();
  if (!file.HasAttr("format") || file.ReadStringAttr("format") != kRunFileFormat) {
    throw UserError(path + ": not a rewardlab run file (no format=\"rewardlab-run\" attribute)");
  }
  const int64_t version = file.HasAttr("format_version") ? file.ReadIntAttr("format_version") : 0;
  if (version != kRunFileVersion) {
    throw UserError(path + ": run file format version " + std::to_string(version) +
                    " is not supported (this build reads version " +
                    std::to_string(kRunFileVersion) + ")");
  }
}

namespace {

// every metric group below `group` (a group with a `step` dataset) and its metric names
void ListMetrics(const h5::Group& group, const std::string& prefix,
                 std::vector<std::string>* names) {
  const std::vector<std::string> children = group.Children();
  const bool is_metric_group =
      std::find(children.begin(), children.end(), "step") != children.end();
  for (const std::string& child : children) {
    if (is_metric_group && child != "step" && !group.IsGroup(child)) {
      names->push_back(prefix + child);
    }
  }
  for (const std::string& child : children) {
    if (group.IsGroup(child)) ListMetrics(group.OpenGroup(child), prefix + child + "/", names);
  }
}

}  // namespace

RunLayout ReadLayout(const h5::File& file) {
  RunLayout layout;
  layout.term_names = file.OpenGroup("episodes/terms").Children();
  const h5::Dims eval_dims = file.Shape("eval/returns");
  if (eval_dims.size() != 2) throw UserError(file.FilePath() + ": '/eval/returns' is not 2-D");
  layout.eval_episodes = static_cast<int64_t>(eval_dims[1]);
  ListMetrics(file.OpenGroup("metrics"), "", &layout.metric_names);
  layout.rollouts = ReadRolloutLayout(file);
  return layout;
}

}  // namespace run_file_internal

namespace {

// cuts the columns of one group to `rows` (a kill mid-append can leave one longer)
template <typename... Columns>
void ResizeAll(size_t rows, Columns&... columns) {
  (columns.resize(rows), ...);
}

}  // namespace

RunData ReadRunFile(const std::string& path) {
  const h5::File f = h5::File::OpenReadOnly(path, /*swmr=*/true);
  run_file_internal::CheckFormat(f);
  RunData d;
  d.info.config = f.ReadStringAttr("config");
  d.info.seed = f.ReadIntAttr("seed");
  d.info.env_id = f.ReadStringAttr("env_id");
  d.info.agent_type = f.ReadStringAttr("agent_type");
  d.info.git_commit = f.ReadStringAttr("git_commit");
  d.info.started_at = f.ReadStringAttr("started_at");
  d.finished = f.HasAttr("finished") && f.ReadIntAttr("finished") != 0;
  if (f.HasAttr("failure")) d.failure = f.ReadStringAttr("failure");
  d.layout = run_file_internal::ReadLayout(f);

  const h5::Group episodes = f.OpenGroup("episodes");
  d.episode_step = episodes.Read<int64_t>("step");
  d.episode_return = episodes.Read<double>("return");
  d.episode_length = episodes.Read<int64_t>("length");
  d.episode_optimized_return = episodes.Read<double>("optimized_return");
  d.episode_terminated = episodes.Read<uint8_t>("terminated");
  size_t rows = std::min({d.episode_step.size(), d.episode_return.size(), d.episode_length.size(),
                          d.episode_optimized_return.size(), d.episode_terminated.size()});
  for (const std::string& term : d.layout.term_names) {
    rows = std::min(rows, (d.episode_terms[term] = episodes.Read<double>("terms/" + term)).size());
  }
  ResizeAll(rows, d.episode_step, d.episode_return, d.episode_length, d.episode_optimized_return,
            d.episode_terminated);
  for (auto& [name, column] : d.episode_terms) column.resize(rows);

  const h5::Group eval = f.OpenGroup("eval");
  d.eval_step = eval.Read<int64_t>("step");
  d.eval_return_mean = eval.Read<double>("return_mean");
  d.eval_return_std = eval.Read<double>("return_std");
  d.eval_returns = eval.Read<double>("returns");
  const size_t cols = static_cast<size_t>(d.layout.eval_episodes);
  const size_t evals = std::min({d.eval_step.size(), d.eval_return_mean.size(),
                                 d.eval_return_std.size(), d.eval_returns.size() / cols});
  ResizeAll(evals, d.eval_step, d.eval_return_mean, d.eval_return_std);
  d.eval_returns.resize(evals * cols);

  for (const std::string& full : d.layout.metric_names) {
    const auto [group, name] = run_file_internal::SplitMetric(full);
    if (d.metrics.count(group) == 0)
      d.metrics[group].step = f.Read<int64_t>("metrics/" + group + "/step");
    d.metrics[group].values[name] = f.Read<double>("metrics/" + full);
  }
  for (auto& [group, columns] : d.metrics) {
    size_t n = columns.step.size();
    for (const auto& [name, values] : columns.values) n = std::min(n, values.size());
    columns.step.resize(n);
    for (auto& [name, values] : columns.values) values.resize(n);
  }
  run_file_internal::ReadRolloutIndex(f, d);
  return d;
}

}  // namespace rl
