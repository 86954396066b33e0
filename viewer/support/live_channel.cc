#include "viewer/support/live_channel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace rl {

bool LiveChannel::Read(LiveSnapshot& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (latest_.version <= out.version) return false;
  out = latest_;
  return true;
}

void LiveChannel::Request(const RewardChange& change) {
  std::lock_guard<std::mutex> lock(mutex_);
  requests_.push_back(change);
  has_requests_.store(true, std::memory_order_release);
}

bool LiveChannel::Publish(const std::function<void(LiveSnapshot&)>& fill, bool wait) {
  std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
  if (wait) {
    lock.lock();
  } else if (!lock.try_lock()) {
    return false;
  }
  fill(latest_);
  ++latest_.version;
  return true;
}

std::vector<RewardChange> LiveChannel::TakeRequests() {
  std::vector<RewardChange> taken;
  if (!has_requests_.load(std::memory_order_acquire)) return taken;
  std::lock_guard<std::mutex> lock(mutex_);
  taken.swap(requests_);
  has_requests_.store(false, std::memory_order_release);
  return taken;
}

LiveHook::LiveHook(LiveChannel& channel, VecEnv& env, RewardPipeline& reward,
                   std::function<void(const std::string&)> log)
    : channel_(channel), env_(env), reward_(reward), log_(std::move(log)) {
  traces_.resize(env.Spec().reward_terms.size() + reward.Size());
}

std::vector<LiveParam> LiveHook::Params(RewardPipeline& reward) {
  std::vector<LiveParam> params;
  const std::vector<double> weights = reward.Weights();
  for (int m = 0; m < reward.Size(); ++m) {
    // weights may be negative (a potential's sign) and are not bounded: the slider spans ±2|w|
    const double range = std::max(2.0, 2 * std::abs(weights[m]));
    params.push_back({m, "", weights[m], -range, range});
    for (const RewardParam& p : reward.Module(m).Params()) {
      params.push_back({m, p.name, *p.value, p.lo, p.hi});
    }
  }
  return params;
}

void LiveHook::Apply(const RewardChange& change, int64_t step) {
  const std::string prefix = "viewer: step " + std::to_string(step) + ": ";
  const bool known_module = change.module >= 0 && change.module < reward_.Size();
  const std::string module = known_module ? reward_.Names()[change.module] : "?";
  char line[256];
  if (known_module && change.name.empty() && std::isfinite(change.value)) {
    const double old = reward_.Weights()[change.module];
    reward_.SetWeight(change.module, change.value);
    std::snprintf(line, sizeof(line), "weight of reward module '%s' %.6g -> %.6g", module.c_str(),
                  old, change.value);
    log_(prefix + line);
    return;
  }
  if (known_module && std::isfinite(change.value)) {
    for (const RewardParam& p : reward_.Module(change.module).Params()) {
      if (p.name != change.name) continue;
      const double old = *p.value;
      *p.value = std::clamp(change.value, p.lo, p.hi);
      std::snprintf(line, sizeof(line), "%s of reward module '%s' %.6g -> %.6g", p.name.c_str(),
                    module.c_str(), old, *p.value);
      log_(prefix + line);
      return;
    }
  }
  log_(prefix + "ignored a change of '" + change.name + "' of reward module '" + module + "'");
}

void LiveHook::Fill(LiveSnapshot& s) const {
  s.step = step_;
  s.state = env_.At(0).SnapshotState();
  s.elapsed = env_.At(0).ElapsedSteps();
  s.episode_return = episode_return_;
  s.traces = traces_;
  s.params = Params(reward_);
  s.eval_step = eval_step_;
  s.eval_mean = eval_mean_;
  s.eval_std = eval_std_;
  s.episodes = episodes_;
  s.recent_return =
      recent_.empty() ? 0.0 : std::accumulate(recent_.begin(), recent_.end(), 0.0) / recent_.size();
  s.steps_per_second = steps_per_second_;
  s.finished = finished_;
}

void LiveHook::OnStep(const StepRecord& step) {
  // reward changes from the viewer take effect from the next step's labels on
  for (const RewardChange& change : channel_.TakeRequests()) Apply(change, step.step);

  // slot 0's episode, term by term: env terms, then each module's unweighted output
  step_ = step.step;
  const VecStep& r = *step.result;
  const int num_terms = static_cast<int>(r.terms.rows());
  for (int i = 0; i < num_terms; ++i) traces_[i].push_back(static_cast<float>(r.terms(i, 0)));
  if (step.module_outputs) {
    for (int k = 0; k < step.module_outputs->rows(); ++k) {
      traces_[num_terms + k].push_back((*step.module_outputs)(k, 0));
    }
  }
  episode_return_ += r.reward[0];
  if (r.episode_length[0] != 0) {
    // the env has already reset: the snapshot shows the new episode
    for (std::vector<float>& t : traces_) t.clear();
    episode_return_ = 0;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_publish_ < kPublishPeriod) return;
  if (channel_.Publish([this](LiveSnapshot& s) { Fill(s); }, /*wait=*/false)) last_publish_ = now;
}

void LiveHook::OnEpisode(const EpisodeRecord& episode) {
  ++episodes_;
  if (recent_.size() == kRecentEpisodes) recent_.erase(recent_.begin());
  recent_.push_back(episode.env_return);
}

void LiveHook::OnEval(const EvalRecord& eval) {
  eval_step_.push_back(eval.step);
  eval_mean_.push_back(eval.mean);
  eval_std_.push_back(eval.std);
  channel_.Publish([this](LiveSnapshot& s) { Fill(s); }, /*wait=*/true);
}

void LiveHook::OnIteration(int64_t /*step*/, const IterationTiming& timing) {
  steps_per_second_ = timing.steps_per_second;
}

void LiveHook::OnEnd(int64_t step) {
  step_ = step;
  channel_.Publish([this](LiveSnapshot& s) { Fill(s); }, /*wait=*/true);
}

void LiveHook::Finish() {
  finished_ = true;
  channel_.Publish([this](LiveSnapshot& s) { Fill(s); }, /*wait=*/true);
}

}  // namespace rl
