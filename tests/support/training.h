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
#include "envs/vec_env.h"
#include "experiments/build.h"
#include "experiments/experiment_config.h"
#include "loop/trainer.h"
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
  std::vector<double> term_sums;  // (Trainer::TermNames()) env terms, then reward modules

  bool operator==(const EpisodeRow&) const = default;
};

// Every trainer event, in order.
class Recorder : public TrainerHook {
 public:
  void OnEpisode(const EpisodeRecord& e) override {
    episodes.push_back({e.step, e.env_return, e.length, e.optimized_return, e.terminated,
                        std::vector<double>(e.term_sums->begin(), e.term_sums->end())});
  }
  void OnUpdate(int64_t step, const MetricValues& values) override {
    updates.emplace_back(step, values);
  }
  void OnEval(const EvalRecord& e) override { evals.push_back(e); }

  std::vector<EpisodeRow> episodes;
  std::vector<std::pair<int64_t, MetricValues>> updates;
  std::vector<EvalRecord> evals;
};

// Envs, agent, reward and trainer of one config, built as `rewardlab train` builds them.
class Session {
 public:
  explicit Session(const ExperimentConfig& config) : run_(BuildExperiment(config)) {
    run_.trainer->AddHook(&recorder_);
  }

  void Run() { run_.trainer->Run(); }
  Agent& GetAgent() { return *run_.agent; }
  Trainer& GetTrainer() { return *run_.trainer; }
  VecEnv& Env() { return *run_.env; }
  RewardPipeline& Reward() { return *run_.reward; }
  const Recorder& Events() const { return recorder_; }
  // The returns of the last evaluation.
  const EvalRecord& LastEval() const { return recorder_.evals.back(); }

 private:
  Experiment run_;
  Recorder recorder_;
};

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_TRAINING_H_
