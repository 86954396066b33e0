#include "loop/transition_recorder.h"

#include <filesystem>

#include "core/error.h"

namespace rl {
namespace {

std::string JoinLines(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += name + "\n";
  return out;
}

// Appends the buffered rows to `dataset` and empties the buffer (keeping its capacity).
template <h5::Element T>
void Drain(h5::Appendable<T>& dataset, std::vector<T>& rows) {
  if (rows.empty()) return;
  dataset.AppendRows(rows);
  rows.clear();
}

// Appends column `col` of `m` to `rows`, converted to T.
template <class T>
void PushColumn(const Mat& m, int col, std::vector<T>& rows) {
  for (int r = 0; r < m.rows(); ++r) rows.push_back(static_cast<T>(m(r, col)));
}

}  // namespace

TransitionRecorder::TransitionRecorder(h5::File file, int num_envs, double flush_interval_s)
    : file_(std::move(file)),
      num_envs_(num_envs),
      flush_interval_s_(flush_interval_s),
      last_flush_(std::chrono::steady_clock::now()),
      slot_episode_(num_envs),
      slot_step_(num_envs, 0) {}

void TransitionRecorder::Bind(const EnvSpec& spec, bool create) {
  const auto cols = [](int dim) { return static_cast<uint64_t>(dim); };
  const int num_terms = static_cast<int>(spec.reward_terms.size());
  if (create) {
    file_.CreateAppendable<float>("obs", cols(spec.observation.Dim()));
    file_.CreateAppendable<float>("action", cols(spec.action.Dim()));
    file_.CreateAppendable<float>("next_obs", cols(spec.observation.Dim()));
    file_.CreateAppendable<double>("env_reward");
    if (num_terms > 0) file_.CreateAppendable<double>("terms", cols(num_terms));
    file_.CreateAppendable<uint8_t>("terminated");
    file_.CreateAppendable<uint8_t>("truncated");
    file_.CreateAppendable<int64_t>("episode");
    file_.CreateAppendable<int64_t>("episode_step");
  }
  obs_ = file_.OpenAppendable<float>("obs");
  action_ = file_.OpenAppendable<float>("action");
  next_obs_ = file_.OpenAppendable<float>("next_obs");
  env_reward_ = file_.OpenAppendable<double>("env_reward");
  if (num_terms > 0) terms_ = file_.OpenAppendable<double>("terms");
  terminated_ = file_.OpenAppendable<uint8_t>("terminated");
  truncated_ = file_.OpenAppendable<uint8_t>("truncated");
  episode_ = file_.OpenAppendable<int64_t>("episode");
  episode_step_ = file_.OpenAppendable<int64_t>("episode_step");
}

std::unique_ptr<TransitionRecorder> TransitionRecorder::Create(const std::string& path,
                                                               const EnvSpec& spec, int num_envs,
                                                               double flush_interval_s) {
  h5::File f = h5::File::Create(path);
  f.WriteStringAttr("format", kTransitionsFormat);
  f.WriteIntAttr("format_version", kTransitionsVersion);
  f.WriteStringAttr("env_id", spec.id);
  f.WriteIntAttr("num_envs", num_envs);
  f.WriteStringAttr("term_names", JoinLines(spec.reward_terms));
  f.WriteIntAttr("finished", 0);
  std::unique_ptr<TransitionRecorder> recorder(
      new TransitionRecorder(std::move(f), num_envs, flush_interval_s));
  recorder->Bind(spec, /*create=*/true);
  // slot i starts episode i
  for (int i = 0; i < num_envs; ++i) recorder->slot_episode_[i] = i;
  recorder->next_episode_ = num_envs;
  recorder->file_.StartSwmrWrite();
  recorder->file_.Flush();
  return recorder;
}

std::unique_ptr<TransitionRecorder> TransitionRecorder::Resume(const std::string& path,
                                                               const EnvSpec& spec, int num_envs,
                                                               int64_t rows,
                                                               double flush_interval_s) {
  if (!std::filesystem::exists(path)) {
    throw UserError(path + ": missing; record_transitions needs the file the run started");
  }
  h5::File f = h5::File::OpenReadWrite(path, /*clear_status_flags=*/true);
  if (!f.HasAttr("format") || f.ReadStringAttr("format") != kTransitionsFormat ||
      f.ReadIntAttr("format_version") != kTransitionsVersion ||
      f.ReadIntAttr("num_envs") != num_envs) {
    throw UserError(path + ": not a rewardlab-transitions v1 file of " + std::to_string(num_envs) +
                    " envs");
  }
  std::unique_ptr<TransitionRecorder> recorder(
      new TransitionRecorder(std::move(f), num_envs, flush_interval_s));
  TransitionRecorder& r = *recorder;
  r.Bind(spec, /*create=*/false);
  if (static_cast<int64_t>(r.episode_.Rows()) < rows) {
    throw UserError(path + ": " + std::to_string(r.episode_.Rows()) + " rows, fewer than the " +
                    std::to_string(rows) + " env steps of the checkpoint");
  }

  // drop the rows written after the checkpoint
  const auto size = static_cast<uint64_t>(rows);
  for (h5::Appendable<float>* d : {&r.obs_, &r.action_, &r.next_obs_}) d->Resize(size);
  r.env_reward_.Resize(size);
  if (!spec.reward_terms.empty()) r.terms_.Resize(size);
  r.terminated_.Resize(size);
  r.truncated_.Resize(size);
  r.episode_.Resize(size);
  r.episode_step_.Resize(size);
  r.rows_ = rows;

  // replay the numbering: episodes start in slot order, and after an end the slot's next one
  // takes the next id; the last num_envs rows are each slot's latest transition
  const std::vector<uint8_t> terminated = r.terminated_.ReadAll();
  const std::vector<uint8_t> truncated = r.truncated_.ReadAll();
  const std::vector<int64_t> episode = r.episode_.ReadAll();
  const std::vector<int64_t> episode_step = r.episode_step_.ReadAll();
  int64_t ended = 0;
  for (int64_t i = 0; i < rows; ++i) ended += terminated[i] || truncated[i];
  r.next_episode_ = num_envs;
  for (int i = 0; i < num_envs; ++i) r.slot_episode_[i] = i;
  if (rows > 0) {
    int64_t ended_last = 0;
    for (int i = 0; i < num_envs; ++i)
      ended_last += terminated[rows - num_envs + i] || truncated[rows - num_envs + i];
    r.next_episode_ = num_envs + ended - ended_last;
    for (int i = 0; i < num_envs; ++i) {
      const int64_t last = rows - num_envs + i;
      if (terminated[last] || truncated[last]) {
        r.slot_episode_[i] = r.next_episode_++;
        r.slot_step_[i] = 0;
      } else {
        r.slot_episode_[i] = episode[last];
        r.slot_step_[i] = episode_step[last] + 1;
      }
    }
  }
  r.file_.WriteIntAttr("finished", 0);
  r.file_.StartSwmrWrite();
  r.file_.Flush();
  return recorder;
}

void TransitionRecorder::OnStep(const StepRecord& step) {
  const VecStep& result = *step.result;
  for (int i = 0; i < num_envs_; ++i) {
    PushColumn(*step.obs, i, obs_rows_);
    PushColumn(*step.action, i, action_rows_);
    PushColumn(result.final_obs, i, next_obs_rows_);
    PushColumn(result.terms, i, terms_rows_);
    env_reward_rows_.push_back(result.reward[i]);
    terminated_rows_.push_back(result.terminated[i]);
    truncated_rows_.push_back(result.truncated[i]);
    episode_rows_.push_back(slot_episode_[i]);
    episode_step_rows_.push_back(slot_step_[i]);
    if (result.terminated[i] || result.truncated[i]) {
      slot_episode_[i] = next_episode_++;
      slot_step_[i] = 0;
    } else {
      ++slot_step_[i];
    }
  }
  rows_ += num_envs_;
}

void TransitionRecorder::OnIteration(int64_t /*step*/, const IterationTiming& /*timing*/) {
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_flush_).count() >= flush_interval_s_) Flush();
}

void TransitionRecorder::OnEnd(int64_t /*step*/) { Flush(); }

void TransitionRecorder::Flush() {
  Drain(obs_, obs_rows_);
  Drain(action_, action_rows_);
  Drain(next_obs_, next_obs_rows_);
  Drain(env_reward_, env_reward_rows_);
  Drain(terms_, terms_rows_);  // stays empty for an env without terms
  Drain(terminated_, terminated_rows_);
  Drain(truncated_, truncated_rows_);
  Drain(episode_, episode_rows_);
  Drain(episode_step_, episode_step_rows_);
  file_.Flush();
  last_flush_ = std::chrono::steady_clock::now();
}

void TransitionRecorder::Close() {
  Flush();
  file_.WriteIntAttr("finished", 1);
  file_.Flush();
  file_.Close();
}

}  // namespace rl
