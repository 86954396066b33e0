// Builds a training session from an experiment config the way `rewardlab train` does, without a
// run folder, and records what the trainer reports.
#ifndef REWARDLAB_TESTS_SUPPORT_TRAINING_H_
#define REWARDLAB_TESTS_SUPPORT_TRAINING_H_

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "agents/registry.h"
#include "core/trainer.h"
#include "envs/vec_env.h"
#include "experiments/experiment_config.h"
#include "rewards/reward_pipeline.h"

namespace rl::testing {

// Loads experiments/configs/<name> with `--set` style overrides.
inline ExperimentConfig LoadShippedConfig(const std::string& name,
                                          const std::vector<std::string>& overrides = {}) {
  return LoadExperimentConfig(std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/" + name,
                              overrides);
}

// One finished training episode, copied out of the hook call.
struct EpisodeRow {
  int64_t step = 0;
  double env_return = 0.0;
  int64_t length = 0;
  double optimized_return = 0.0;
  bool terminated = false;
  double term_sum = 0.0;  // sum over the per-term sums

  bool operator==(const EpisodeRow&) const = default;
};

// Every trainer event, in order.
class Recorder : public TrainerHook {
 public:
  void OnEpisode(const EpisodeRecord& e) override {
    episodes.push_back({e.step, e.env_return, e.length, e.optimized_return, e.terminated,
                        e.term_sums ? e.term_sums->sum() : 0.0});
  }
  void OnUpdate(int64_t step, const MetricValues& values) override {
    updates.emplace_back(step, values);
  }
  void OnEval(const EvalRecord& e) override { evals.push_back(e); }

  std::vector<EpisodeRow> episodes;
  std::vector<std::pair<int64_t, MetricValues>> updates;
  std::vector<EvalRecord> evals;
};

// Envs, agent and trainer of one config, wired as apps/cmd_train.cc wires them.
class Session {
 public:
  explicit Session(const ExperimentConfig& config) : config_(config) {
    env_ = MakeVecEnv(config.env, config.seed, RngStream::kEnv);
    EnvConfig eval_config = config.env;
    eval_config.num_envs =
        config.eval.num_envs > 0 ? config.eval.num_envs : std::min(config.eval.episodes, 10);
    eval_env_ = MakeVecEnv(eval_config, config.seed, RngStream::kEvalEnv);
    agent_ = FindAgent(config.agent.Find("type")->scalar)
                 .make(config.agent, env_->Spec(), config.env.num_envs, config.seed);
    trainer_ =
        std::make_unique<Trainer>(TrainerSettings{config.total_steps, config.eval.every_steps,
                                                  config.eval.episodes, config.seed},
                                  *env_, eval_env_.get(), *agent_, reward_);
    trainer_->AddHook(&recorder_);
  }

  void Run() { trainer_->Run(); }
  Agent& GetAgent() { return *agent_; }
  Trainer& GetTrainer() { return *trainer_; }
  VecEnv& Env() { return *env_; }
  const Recorder& Events() const { return recorder_; }
  // The returns of the last evaluation.
  const EvalRecord& LastEval() const { return recorder_.evals.back(); }

 private:
  ExperimentConfig config_;
  RewardPipeline reward_;
  std::unique_ptr<VecEnv> env_, eval_env_;
  std::unique_ptr<Agent> agent_;
  std::unique_ptr<Trainer> trainer_;
  Recorder recorder_;
};

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_TRAINING_H_
