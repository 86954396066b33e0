#include "viewer/support/playback.h"

#include <filesystem>

#include "core/error.h"
#include "envs/registry.h"
#include "experiments/run_dir.h"
#include "loop/checkpointer.h"

namespace rl {

Playback::Playback(const PlaybackOptions& options) : options_(options) {
  namespace fs = std::filesystem;
  if (!fs::exists(options.source))
    throw UserError(options.source + ": no such run folder or config");
  ConfigNode resolved;
  is_run_ = fs::is_directory(options.source);
  ValidatedParts parts;
  config_ = is_run_ ? LoadRunConfig(options.source, &resolved, &parts)
                    : LoadExperimentConfig(options.source, {}, &resolved, &parts);
  config_text_ = resolved.ToYaml();
  run_ = BuildExperiment(config_, std::move(parts));
  env_ = MakeEnv(config_.env.id, config_.env.options);
  env_->SetMaxEpisodeSteps(config_.env.max_episode_steps);
  env_->ResizeFor(result_);
  term_names_ = env_->Spec().reward_terms;
  const std::vector<std::string>& modules = run_.reward->Names();
  term_names_.insert(term_names_.end(), modules.begin(), modules.end());
  obs_.resize(env_->Spec().observation.Dim());
  Reset(0);
}

std::string Playback::RunFilePath() const { return is_run_ ? options_.source + "/run.h5" : ""; }

void Playback::ReloadIfNewer() {
  if (!is_run_) return;
  // a running trainer deletes older checkpoints: one listed may be gone before it opens
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string latest = Checkpointer::Latest(options_.source + "/checkpoints");
    if (latest.empty() || latest == checkpoint_) return;
    try {
      Checkpointer::RestoreAgent(latest, *run_.agent, run_.reward.get());
      checkpoint_ = latest;
      return;
    } catch (const UserError&) {
      if (std::filesystem::exists(latest)) throw;
    }
  }
}

void Playback::Reset(int64_t episode) {
  replay_.reset();
  episode_ = episode;
  Restart();
}

void Playback::Replay(RecordedEpisode episode) {
  replay_ = std::move(episode);
  Restart();
}

void Playback::Restart() {
  divergence_ = -1;
  if (replay_) {
    RestoreEpisodeStart(*replay_, *env_, obs_);
  } else {
    ReloadIfNewer();
    env_->Seed(options_.seed + static_cast<uint64_t>(episode_));
    ResetOptions reset;
    reset.init_state = options_.init_state;
    env_->Reset(obs_, reset);
  }
  traces_.assign(term_names_.size(), {});
  episode_return_ = 0;
  done_ = false;
  history_.clear();
}

bool Playback::StepBack() {
  if (history_.empty()) return false;
  const Frame& f = history_.back();
  env_->RestoreState(f.snapshot, f.elapsed, f.rng, obs_);
  obs_ = f.obs;
  episode_return_ = f.episode_return;
  for (std::vector<float>& t : traces_) t.pop_back();
  done_ = false;
  history_.pop_back();
  return true;
}

void Playback::Step() {
  if (done_ && replay_) {
    Restart();
  } else if (done_) {
    Reset(episode_ + 1);
  }
  const int64_t t = env_->ElapsedSteps();
  Vec action;
  if (replay_) {
    action = replay_->actions.col(t);
  } else {
    // kSample changes no statistics of the agent (PPO's observation normaliser stays as loaded)
    obs_batch_ = obs_;
    run_.agent->Act(obs_batch_, options_.stochastic ? ActMode::kSample : ActMode::kEval, action_);
    action = action_.col(0);
  }
  const Vec obs = obs_;
  if (history_.size() == kHistorySteps) history_.pop_front();
  history_.push_back(
      {env_->SnapshotState(), env_->ElapsedSteps(), env_->GetRng(), obs_, episode_return_});
  env_->Step(action, result_);

  // every module's output for this one transition, as the trainer computes it
  const Eigen::MatrixXf obs_f = obs.cast<float>(), action_f = action.cast<float>();
  const Eigen::MatrixXf next_f = result_.obs.cast<float>(), terms_f = result_.terms.cast<float>();
  const Eigen::VectorXf env_reward =
      Eigen::VectorXf::Constant(1, static_cast<float>(result_.reward));
  const uint8_t terminated = result_.terminated, truncated = result_.truncated;
  const RewardBatch batch{obs_f, action_f, next_f, env_reward, terms_f, &terminated, &truncated};
  Eigen::MatrixXf outputs;
  Eigen::VectorXf optimized(1);
  run_.reward->Outputs(batch, outputs, optimized);

  const int num_env_terms = static_cast<int>(result_.terms.size());
  for (int i = 0; i < num_env_terms; ++i)
    traces_[i].push_back(static_cast<float>(result_.terms[i]));
  for (int k = 0; k < outputs.rows(); ++k) traces_[num_env_terms + k].push_back(outputs(k, 0));
  episode_return_ += result_.reward;
  obs_ = result_.obs;
  done_ = result_.terminated || result_.truncated;
  if (replay_) {
    // the recording ends exactly where the env ends the episode, with the same rewards
    const bool last = t + 1 == replay_->Length();
    if (divergence_ < 0 && (result_.reward != replay_->rewards[t] || done_ != last)) {
      divergence_ = t;
    }
    done_ = done_ || last;
  }
}

}  // namespace rl
