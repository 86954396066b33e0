// The run file's /rollouts: recorded evaluation episodes, written, indexed and read back one at a
// time (docs/run-file.md).
#include <algorithm>

#include "core/error.h"
#include "core/h5.h"
#include "core/run_file.h"
#include "core/run_file_internal.h"

namespace rl {

double RecordedEpisode::Return() const {
  double sum = 0.0;
  for (int t = 0; t < rewards.size(); ++t) sum += rewards[t];
  return sum;
}

namespace run_file_internal {

void RolloutColumns::Bind(const h5::File& file, const RolloutLayout& layout, bool create) {
  auto bind = [&]<h5::Element T>(Column<T>& out, const char* name, int64_t cols = 0) {
    out.dataset = create ? file.CreateAppendable<T>(name, static_cast<uint64_t>(cols))
                         : file.OpenAppendable<T>(name);
  };
  bind(step, "rollouts/step");
  bind(episode, "rollouts/episode");
  bind(episode_return, "rollouts/return");
  bind(length, "rollouts/length");
  bind(terminated, "rollouts/terminated");
  bind(offset, "rollouts/offset");
  bind(start_state, "rollouts/start_state", layout.state_dim);
  bind(start_rng, "rollouts/start_rng", 4);
  bind(action, "rollouts/action", layout.action_dim);
  bind(reward, "rollouts/reward");
  bind(terms, "rollouts/terms", layout.num_terms);
}

void RolloutColumns::Write() {
  action.Write();
  reward.Write();
  terms.Write();
  for (auto* c : {&step, &episode, &length, &offset, &start_rng}) c->Write();
  episode_return.Write();
  start_state.Write();
  terminated.Write();
}

void RolloutColumns::ReadBack() const {
  for (const auto* c : {&step, &episode, &length, &offset, &start_rng}) c->ReadBack();
  for (const auto* c : {&episode_return, &start_state, &action, &reward, &terms}) c->ReadBack();
  terminated.ReadBack();
}

void RolloutColumns::Append(const std::string& path, const RecordedEpisode& e) {
  const int64_t n = e.Length();
  if (static_cast<uint64_t>(e.start_state.size()) != start_state.Cols() ||
      static_cast<uint64_t>(e.actions.rows()) != action.Cols() ||
      static_cast<uint64_t>(e.terms.rows()) != terms.Cols() || e.actions.cols() != n ||
      e.terms.cols() != n) {
    throw UserError(path + ": a recorded episode does not fit the widths of /rollouts");
  }
  step.Append(e.step);
  episode.Append(e.episode);
  episode_return.Append(e.Return());
  length.Append(n);
  terminated.Append(e.terminated ? 1 : 0);
  offset.Append(static_cast<int64_t>(reward.Rows()));
  start_state.AppendRows({e.start_state.data(), static_cast<size_t>(e.start_state.size())});
  for (const uint64_t word : e.rng) start_rng.Append(static_cast<int64_t>(word));
  // Eigen is column-major, so column t of a (dim x n) matrix is row t of the dataset
  action.AppendRows({e.actions.data(), static_cast<size_t>(e.actions.size())});
  reward.AppendRows({e.rewards.data(), static_cast<size_t>(e.rewards.size())});
  terms.AppendRows({e.terms.data(), static_cast<size_t>(e.terms.size())});
}

RolloutLayout ReadRolloutLayout(const h5::File& file) {
  RolloutLayout layout;
  if (!file.Has("rollouts/action")) return layout;
  auto cols = [&](const char* name) {
    const h5::Dims dims = file.Shape(name);
    if (dims.size() != 2) throw UserError(file.FilePath() + ": '/" + name + "' is not 2-D");
    return static_cast<int64_t>(dims[1]);
  };
  layout.action_dim = cols("rollouts/action");
  layout.state_dim = cols("rollouts/start_state");
  layout.num_terms = cols("rollouts/terms");
  return layout;
}

void ReadRolloutIndex(const h5::File& file, RunData& d) {
  if (d.layout.rollouts.action_dim == 0) return;
  const h5::Group r = file.OpenGroup("rollouts");
  d.rollout_step = r.Read<int64_t>("step");
  d.rollout_episode = r.Read<int64_t>("episode");
  d.rollout_return = r.Read<double>("return");
  d.rollout_length = r.Read<int64_t>("length");
  d.rollout_terminated = r.Read<uint8_t>("terminated");
  const std::vector<int64_t> offset = r.Read<int64_t>("offset");
  const size_t state_rows = r.Shape("start_state")[0], rng_rows = r.Shape("start_rng")[0];
  const uint64_t steps =
      std::min({r.Shape("action")[0], r.Shape("reward")[0], r.Shape("terms")[0]});
  // a kill in the middle of a flush can leave some columns longer: keep whole episodes only
  size_t n = std::min({d.rollout_step.size(), d.rollout_episode.size(), d.rollout_return.size(),
                       d.rollout_length.size(), d.rollout_terminated.size(), offset.size(),
                       state_rows, rng_rows});
  while (n > 0 && static_cast<uint64_t>(offset[n - 1] + d.rollout_length[n - 1]) > steps) --n;
  d.rollout_step.resize(n);
  d.rollout_episode.resize(n);
  d.rollout_return.resize(n);
  d.rollout_length.resize(n);
  d.rollout_terminated.resize(n);
}

}  // namespace run_file_internal

RecordedEpisode ReadRecordedEpisode(const std::string& path, int64_t index) {
  const h5::File f = h5::File::OpenReadOnly(path, /*swmr=*/true);
  run_file_internal::CheckFormat(f);
  RunData d;
  d.layout.rollouts = run_file_internal::ReadRolloutLayout(f);
  run_file_internal::ReadRolloutIndex(f, d);
  const int64_t count = static_cast<int64_t>(d.rollout_step.size());
  if (index < 0 || index >= count) {
    throw UserError(path + ": no recorded episode " + std::to_string(index) + " (the file has " +
                    std::to_string(count) + (count > 0 ? ", 0.." + std::to_string(count - 1) : "") +
                    ")");
  }
  const RolloutLayout& w = d.layout.rollouts;
  const h5::Group r = f.OpenGroup("rollouts");
  const uint64_t k = static_cast<uint64_t>(index);
  const int64_t first = r.ReadRows<int64_t>("offset", k, 1)[0];
  const int64_t n = d.rollout_length[k];
  RecordedEpisode e;
  e.step = d.rollout_step[k];
  e.episode = d.rollout_episode[k];
  e.terminated = d.rollout_terminated[k] != 0;
  const std::vector<double> state = r.ReadRows<double>("start_state", k, 1);
  e.start_state = Eigen::Map<const Eigen::VectorXd>(state.data(), w.state_dim);
  const std::vector<int64_t> rng = r.ReadRows<int64_t>("start_rng", k, 1);
  for (int i = 0; i < 4; ++i) e.rng[i] = static_cast<uint64_t>(rng[i]);
  const std::vector<double> actions = r.ReadRows<double>("action", first, n);
  const std::vector<double> rewards = r.ReadRows<double>("reward", first, n);
  const std::vector<double> terms = r.ReadRows<double>("terms", first, n);
  e.actions = Eigen::Map<const Eigen::MatrixXd>(actions.data(), w.action_dim, n);
  e.rewards = Eigen::Map<const Eigen::VectorXd>(rewards.data(), n);
  e.terms = Eigen::Map<const Eigen::MatrixXd>(terms.data(), w.num_terms, n);
  return e;
}

}  // namespace rl
