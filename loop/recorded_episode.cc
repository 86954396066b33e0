#include "loop/recorded_episode.h"

namespace rl {

void EpisodeTape::Start(const Env& env) {
  start_state_ = env.SnapshotState();
  rng_ = env.GetRng().State();
  act_dim_ = env.Spec().action.Dim();
  num_terms_ = static_cast<int>(env.Spec().reward_terms.size());
  actions_.clear();
  rewards_.clear();
  terms_.clear();
}

void EpisodeTape::Add(const Eigen::Ref<const Vec>& action, double reward,
                      const Eigen::Ref<const Vec>& terms) {
  actions_.insert(actions_.end(), action.data(), action.data() + action.size());
  rewards_.push_back(reward);
  terms_.insert(terms_.end(), terms.data(), terms.data() + terms.size());
}

RecordedEpisode EpisodeTape::Finish(int64_t step, int64_t episode, bool terminated) const {
  const int length = static_cast<int>(rewards_.size());
  RecordedEpisode e;
  e.step = step;
  e.episode = episode;
  e.start_state = start_state_;
  e.rng = rng_;
  e.actions = Eigen::Map<const Mat>(actions_.data(), act_dim_, length);
  e.rewards = Eigen::Map<const Vec>(rewards_.data(), length);
  e.terms = Eigen::Map<const Mat>(terms_.data(), num_terms_, length);
  e.terminated = terminated;
  return e;
}

void RestoreEpisodeStart(const RecordedEpisode& episode, Env& env, Eigen::Ref<Vec> obs) {
  Rng rng;
  rng.SetState(episode.rng);
  env.RestoreState(episode.start_state, 0, rng, obs);
}

}  // namespace rl
