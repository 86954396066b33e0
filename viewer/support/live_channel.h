// Training watched live (`rewardlab train --view`, DESIGN §1 rule 7): the trainer thread publishes
// snapshots of env slot 0 and the run's progress, and applies the reward changes the viewer thread
// queues, between two env steps. One mutex guards both; the trainer only try-locks it for a
// snapshot (skipping one when the viewer is copying) and publishes at most every kPublishPeriod,
// so drawing never makes a step wait. No display code here: viewer/ reads the snapshots.
#ifndef REWARDLAB_VIEWER_SUPPORT_LIVE_CHANNEL_H_
#define REWARDLAB_VIEWER_SUPPORT_LIVE_CHANNEL_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "envs/vec_env.h"
#include "loop/trainer.h"
#include "rewards/reward_pipeline.h"

namespace rl {

// One tunable value of the reward pipeline: a module's weight or one of its Params().
struct LiveParam {
  int module = 0;    // index in the pipeline
  std::string name;  // "" = the module's weight, else the RewardParam's name
  double value = 0;  // current value
  double lo = 0;     // slider range
  double hi = 0;     // slider range
};

// A change the viewer asks for: set one LiveParam to `value` (clamped to its range).
struct RewardChange {
  int module = 0;    // index in the pipeline
  std::string name;  // "" = the weight, else a parameter name
  double value = 0;  // the new value
};

// What the trainer publishes.
struct LiveSnapshot {
  int64_t version = 0;                     // 0 = nothing published yet; grows with each one
  int64_t step = 0;                        // env steps so far
  Vec state;                               // env slot 0's SnapshotState()
  int elapsed = 0;                         // its steps into the current episode
  double episode_return = 0;               // its env return so far in that episode
  std::vector<std::vector<float>> traces;  // [term][step] of that episode: env terms, modules
  std::vector<LiveParam> params;           // every weight and module parameter, current values
  std::vector<int64_t> eval_step;          // every evaluation so far: env steps,
  std::vector<double> eval_mean;           // mean env return,
  std::vector<double> eval_std;            // and its std
  int64_t episodes = 0;                    // training episodes finished (all slots)
  double recent_return = 0;                // mean env return of the last kRecentEpisodes
  double steps_per_second = 0;             // of the last iteration
  bool finished = false;                   // the trainer has returned
};

// The exchange between one trainer thread and one viewer thread.
class LiveChannel {
 public:
  // Viewer: copies the newest snapshot into `out` when it is newer than `out`; returns whether.
  bool Read(LiveSnapshot& out) const;
  // Viewer: queues a change for the trainer.
  void Request(const RewardChange& change);
  // Trainer: lets `fill` update the shared snapshot unless the viewer holds it right now (then
  // returns false); with `wait`, waits for it instead.
  bool Publish(const std::function<void(LiveSnapshot&)>& fill, bool wait);
  // Trainer: takes every queued change (cheap when there is none).
  std::vector<RewardChange> TakeRequests();

 private:
  mutable std::mutex mutex_;
  LiveSnapshot latest_;
  std::vector<RewardChange> requests_;
  std::atomic<bool> has_requests_{false};
};

// The trainer's side: publishes env slot 0, its episode's reward terms, evaluations and
// throughput, and applies queued reward changes between steps, logging each.
class LiveHook : public TrainerHook {
 public:
  // Shortest time between two snapshots of the stepping loop.
  static constexpr std::chrono::milliseconds kPublishPeriod{16};
  // Training episodes averaged in LiveSnapshot::recent_return.
  static constexpr int kRecentEpisodes = 20;

  // Watches slot 0 of `env` and changes `reward`; `log` receives one line per applied change.
  LiveHook(LiveChannel& channel, VecEnv& env, RewardPipeline& reward,
           std::function<void(const std::string&)> log);

  // Every weight and module parameter of `reward`, with slider ranges.
  static std::vector<LiveParam> Params(RewardPipeline& reward);

  void OnStep(const StepRecord& step) override;
  void OnEpisode(const EpisodeRecord& episode) override;
  void OnEval(const EvalRecord& eval) override;
  void OnIteration(int64_t step, const IterationTiming& timing) override;
  void OnEnd(int64_t step) override;
  // Publishes a last snapshot marked finished (call after Trainer::Run returns, also when stopped).
  void Finish();

 private:
  void Apply(const RewardChange& change, int64_t step);
  void Fill(LiveSnapshot& s) const;

  LiveChannel& channel_;
  VecEnv& env_;
  RewardPipeline& reward_;
  std::function<void(const std::string&)> log_;
  std::chrono::steady_clock::time_point last_publish_;
  int64_t step_ = 0;
  double episode_return_ = 0;
  std::vector<std::vector<float>> traces_;
  std::vector<int64_t> eval_step_;
  std::vector<double> eval_mean_, eval_std_;
  std::vector<double> recent_;  // ring of the last kRecentEpisodes returns
  int64_t episodes_ = 0;
  double steps_per_second_ = 0;
  bool finished_ = false;
};

}  // namespace rl

#endif  // REWARDLAB_VIEWER_SUPPORT_LIVE_CHANNEL_H_
