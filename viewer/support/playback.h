// Plays a policy in one fresh env, step by step, for the viewer (DESIGN §1 rule 7: this part
// needs no display). The source is a run folder (its newest checkpoint's agent, followed as the
// run writes new ones) or a config (an untrained agent). Instead of the live policy it can also
// replay a recorded evaluation episode of the run file, checking the replayed rewards against the
// recorded ones. Every step records the env's reward terms and each reward module's unweighted
// output, as the trainer labels them.
#ifndef REWARDLAB_VIEWER_SUPPORT_PLAYBACK_H_
#define REWARDLAB_VIEWER_SUPPORT_PLAYBACK_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/config_node.h"
#include "envs/env.h"
#include "experiments/build.h"
#include "experiments/experiment_config.h"
#include "loop/recorded_episode.h"

namespace rl {

// Where a playback comes from and how it acts.
struct PlaybackOptions {
  std::string source;             // run folder or YAML config
  bool stochastic = false;        // sample actions (kSample) instead of the deterministic ones
  uint64_t seed = 0;              // seed of the playback env (episode k uses seed + k)
  std::optional<Vec> init_state;  // physical state every episode starts from
};

// A policy stepping through episodes of one env.
class Playback {
 public:
  // Steps of the current episode that StepBack can undo.
  static constexpr size_t kHistorySteps = 5000;

  // Loads the source; throws UserError for a missing or bad run folder, config or checkpoint.
  explicit Playback(const PlaybackOptions& options);

  // Advances one step; when the episode has ended, starts the next one (live) or the same one
  // again (replay) first.
  void Step();
  // Goes back one step of the current episode (env state and traces); false when at its start
  // or past the history kept (kHistorySteps).
  bool StepBack();
  // Starts live episode `episode` (its own seed); reloads the agent if the run has a newer
  // checkpoint. Ends a replay.
  void Reset(int64_t episode);
  // Starts the current episode again: the same seed, or the replayed episode's start.
  void Restart();
  // Replays a recorded episode: its start state and generator, then its actions.
  void Replay(RecordedEpisode episode);
  // The episode being replayed; null while the policy acts live.
  const RecordedEpisode* Replayed() const { return replay_ ? &*replay_ : nullptr; }
  // The first step (0-based) of the replay whose reward or end differs from the recording, or -1.
  int64_t Divergence() const { return divergence_; }

  // The playback env (its state is what a scene draws).
  Env& GetEnv() { return *env_; }
  // The playback env's spec.
  const EnvSpec& GetEnvSpec() const { return env_->Spec(); }
  // The agent acting.
  Agent& GetAgent() { return *run_.agent; }
  // The reward pipeline the agent optimises (its modules' outputs are traced).
  RewardPipeline& Reward() { return *run_.reward; }
  // The resolved config.
  const ExperimentConfig& Config() const { return config_; }
  // The resolved config as YAML text.
  const std::string& ConfigText() const { return config_text_; }
  // Whether the source is a run folder.
  bool IsRun() const { return is_run_; }
  // The run file path ("" for a config).
  std::string RunFilePath() const;
  // The loaded checkpoint ("" for an untrained agent).
  const std::string& Checkpoint() const { return checkpoint_; }
  // Term names: the env's terms, then each reward module's name.
  const std::vector<std::string>& TermNames() const { return term_names_; }
  // Per-step values of the current episode: [term][step].
  const std::vector<std::vector<float>>& TermTraces() const { return traces_; }
  // The current episode's index.
  int64_t Episode() const { return episode_; }
  // Steps taken in the current episode.
  int64_t EpisodeStep() const { return env_->ElapsedSteps(); }
  // The env return of the current episode so far.
  double EpisodeReturn() const { return episode_return_; }
  // Whether the current episode has ended (the next Step starts a new one).
  bool Done() const { return done_; }
  // The current observation.
  const Vec& Observation() const { return obs_; }
  // Whether the live policy samples its actions (else it takes the deterministic ones).
  bool Stochastic() const { return options_.stochastic; }
  // Switches between sampled and deterministic actions from the next step on.
  void SetStochastic(bool stochastic) { options_.stochastic = stochastic; }

 private:
  void ReloadIfNewer();

  // What StepBack restores: the env before one step, and the episode's accumulators.
  struct Frame {
    Vec snapshot;
    int elapsed = 0;
    Rng rng;
    Vec obs;
    double episode_return = 0;
  };

  std::optional<RecordedEpisode> replay_;
  int64_t divergence_ = -1;
  PlaybackOptions options_;
  ExperimentConfig config_;
  std::string config_text_;
  bool is_run_ = false;
  Experiment run_;
  std::unique_ptr<Env> env_;
  std::string checkpoint_;
  std::vector<std::string> term_names_;
  std::vector<std::vector<float>> traces_;
  int64_t episode_ = 0;
  double episode_return_ = 0;
  bool done_ = false;
  Vec obs_;
  Mat obs_batch_, action_;
  StepResult result_;
  std::deque<Frame> history_;
};

}  // namespace rl

#endif  // REWARDLAB_VIEWER_SUPPORT_PLAYBACK_H_
