// The training loop (DESIGN §1 rule 4): the one owner of act / step / observe / update, calling
// hooks at fixed points — HDF5 logger, evaluator, checkpointer, progress line, viewer snapshot.
#ifndef REWARDLAB_LOOP_TRAINER_H_
#define REWARDLAB_LOOP_TRAINER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "core/h5.h"
#include "envs/vec_env.h"
#include "loop/recorded_episode.h"
#include "rewards/reward_pipeline.h"

namespace rl {

// One finished training episode.
struct EpisodeRecord {
  int64_t step = 0;                // env steps (all envs) when it ended
  double env_return = 0.0;         // undiscounted env return: the designer's objective
  int64_t length = 0;              // steps
  double optimized_return = 0.0;   // return of the reward the agent optimised
  bool terminated = false;         // false: truncated
  const Vec* term_sums = nullptr;  // (TermNames()) sums of the env's terms, then of each module
};

// One evaluation: deterministic policy (or as EvalSpec says), env return.
struct EvalRecord {
  int64_t step = 0;                       // env steps when it ran
  std::vector<double> returns;            // one per episode
  std::vector<int64_t> lengths;           // one per episode, steps
  std::vector<uint8_t> terminated;        // one per episode: 1 terminated, 0 truncated
  std::vector<double> optimized_returns;  // one per episode with EvalSpec::optimized, else empty
  double mean = 0.0;                      // mean of returns
  double std = 0.0;                       // population std of returns
  std::vector<RecordedEpisode> recorded;  // the first TrainerSettings::record_episodes episodes
};

// Wall-clock throughput of the iteration that just ended (time between two updates).
struct IterationTiming {
  double steps_per_second = 0.0;      // env steps per second of the whole loop
  double env_steps_per_second = 0.0;  // env steps per second spent inside VecEnv::Step alone
};

// One env step of every slot; the pointers are valid during the hook call only.
struct StepRecord {
  int64_t step = 0;                 // env steps (all envs) after this step
  const Mat* obs = nullptr;         // (obs_dim x n) s
  const Mat* action = nullptr;      // (act_dim x n) a as the env received it
  const VecStep* result = nullptr;  // s' (final_obs), rewards, terms and flags of each slot
  const Eigen::MatrixXf* module_outputs = nullptr;  // (modules x n) each module's unweighted output
};

// Receives the trainer's events; every method is optional.
class TrainerHook {
 public:
  virtual ~TrainerHook() = default;
  // Every slot took one env step (called after that step's OnEpisode calls).
  virtual void OnStep(const StepRecord& step) { (void)step; }
  // An episode ended.
  virtual void OnEpisode(const EpisodeRecord& episode) { (void)episode; }
  // An agent update finished (names are Agent::MetricNames()).
  virtual void OnUpdate(int64_t step, const MetricValues& values) { (void)step, (void)values; }
  // An evaluation finished.
  virtual void OnEval(const EvalRecord& eval) { (void)eval; }
  // The end of an iteration (after an update): a good point to flush and checkpoint.
  virtual void OnIteration(int64_t step, const IterationTiming& timing) {
    (void)step, (void)timing;
  }
  // Training ended at `step`.
  virtual void OnEnd(int64_t step) { (void)step; }
};

// When and how the trainer evaluates.
struct TrainerSettings {
  int64_t total_steps = 100000;  // env steps, all envs together
  int64_t eval_every = 0;        // evaluate every this many env steps; 0 = only at the end
  int eval_episodes = 10;        // episodes per evaluation
  uint64_t seed = 0;             // seeds the evaluation envs
  int record_episodes = 0;       // episodes of each evaluation kept step by step (EvalRecord)
};

// What one evaluation runs (the trainer's own: TrainerSettings' episodes and seed, kEval).
struct EvalSpec {
  int episodes = 10;              // episodes in all
  uint64_t seed = 0;              // seeds the evaluation envs' streams
  ActMode mode = ActMode::kEval;  // kEval (deterministic) or kSample (stochastic)
  bool optimized = false;         // also sum the optimised reward of each episode
};

// Runs the loop over a training VecEnv and (optionally) an evaluation VecEnv.
class Trainer {
 public:
  // `eval_env` may be null (no evaluation); the trainer does not own its arguments.
  Trainer(const TrainerSettings& settings, VecEnv& env, VecEnv* eval_env, Agent& agent,
          RewardPipeline& reward);

  // Adds a hook (not owned), called in the order added.
  void AddHook(TrainerHook* hook) { hooks_.push_back(hook); }
  // Trains until total_steps; evaluates every eval_every steps and once at the end. The first
  // non-finite optimised reward (each env step, each labelled batch), update statistic or
  // parameter after an update throws NonFiniteError ("step N: what"); no hook sees it, nor
  // OnEnd, so no checkpoint holds it.
  void Run();
  // Makes Run return at the end of the next iteration (after its hooks) once `*flag` is true,
  // skipping the final evaluation and OnEnd; the flag may be set from a signal handler.
  void SetStopFlag(const std::atomic<bool>* flag) { stop_flag_ = flag; }
  // Whether the last Run returned early because the stop flag was set.
  bool Stopped() const { return stopped_; }
  // Runs `episodes` deterministic evaluation episodes now (evaluation number `index`).
  EvalRecord Evaluate(int64_t step, int index);
  // Runs the evaluation `spec` describes now (evaluation number `index`); `rewardlab eval`.
  EvalRecord Evaluate(int64_t step, int index, const EvalSpec& spec);
  // Env steps taken so far.
  int64_t GlobalStep() const { return global_step_; }
  // Episodes each evaluation records step by step (0 without an evaluation env).
  int RecordedEpisodes() const;
  // The evaluation env (null without evaluation).
  const VecEnv* EvalEnv() const { return eval_env_; }
  // Names of EpisodeRecord::term_sums: the env's reward terms, then the reward modules'.
  std::vector<std::string> TermNames() const;
  // Names of OnUpdate's values: the agent's metrics, then the learned reward modules'.
  std::vector<std::string> MetricNames() const;
  // Writes the loop's state (counters, envs, current observations, episode accumulators).
  void SaveState(const h5::Group& g) const;
  // Restores a state written by SaveState; Run then continues from it.
  void LoadState(const h5::Group& g);

 private:
  void RecordEpisodes(const Mat& obs, const Mat& action, const VecStep& step);

  // Gives the agent the discount a reward module asks for (RewardPipeline::AgentGamma), if any;
  // throws UserError when the agent cannot change its discount.
  void ApplyAgentGamma();
  // Runs the agent's update; throws NonFiniteError when it met or left a non-finite value.
  MetricValues Update();
  // Starts the envs unless a state was loaded.
  void Begin();
  // Takes one env step of every slot: acts on obs_ and steps here, or replays the next step of
  // the sharded rollout (collected first when used up). Adds the time spent collecting or
  // stepping to `env_seconds`.
  void ActAndStep(const Mat*& action, const VecStep*& step, double& env_seconds);
  // Collects `steps` env steps of every slot, each of the agent's rollout shards on its own.
  void CollectShards(int steps);

  TrainerSettings settings_;
  VecEnv& env_;
  VecEnv* eval_env_;
  Agent& agent_;
  RewardPipeline& reward_;
  std::vector<TrainerHook*> hooks_;
  const std::atomic<bool>* stop_flag_ = nullptr;  // not owned
  bool stopped_ = false;
  int64_t global_step_ = 0;
  bool started_ = false;   // envs reset or restored
  int eval_index_ = 0;     // evaluations done
  int64_t next_eval_ = 0;  // env step of the next periodic evaluation (<= 0: none)
  Mat obs_;                // (obs_dim x n) observations to act on

  // per-slot episode accumulators
  Vec env_return_;        // (n)
  Vec optimized_return_;  // (n)
  Mat term_sums_;         // (TermNames() x n)
  Vec finished_terms_;    // (TermNames()) scratch for one finished episode
  // one lockstep env step: the actions taken and the result
  Mat action_;
  VecStep step_;
  // a sharded rollout (Agent::RolloutShards() > 0): step t's actions and results
  std::vector<Mat> rollout_actions_;    // (act_dim x n) each
  std::vector<VecStep> rollout_steps_;  // s' of step t (its obs are step t + 1's s)
  int rollout_size_ = 0;                // steps collected
  int rollout_next_ = 0;                // the next step to replay
  // float copies of one step for labelling
  Eigen::MatrixXf obs_f_, action_f_, next_obs_f_, terms_f_, module_out_;
  Eigen::VectorXf env_reward_f_, optimized_f_;
};

}  // namespace rl

#endif  // REWARDLAB_LOOP_TRAINER_H_
