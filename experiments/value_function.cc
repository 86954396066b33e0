#include "experiments/value_function.h"

#include "agents/registry.h"
#include "core/error.h"
#include "experiments/experiment_config.h"
#include "experiments/run_dir.h"
#include "loop/checkpointer.h"

namespace rl {
namespace {

// V(s) of a trained agent, restored from a run's newest checkpoint.
class AgentStateValues : public StateValueFunction {
 public:
  explicit AgentStateValues(std::unique_ptr<Agent> agent) : agent_(std::move(agent)) {}
  void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                Eigen::Ref<Eigen::VectorXf> out) const override {
    obs_ = obs.cast<double>();
    agent_->StateValues(obs_, values_);
    out = values_.cast<float>();
  }

 private:
  std::unique_ptr<Agent> agent_;
  mutable Mat obs_;
  mutable Vec values_;
};

}  // namespace

std::unique_ptr<StateValueFunction> LoadStateValues(const std::string& run, const std::string& key,
                                                    const Env& env) {
  const ExperimentConfig config = LoadRunConfig(run);
  const std::string latest = Checkpointer::Latest(run + "/checkpoints");
  if (latest.empty()) throw UserError(run + ": no checkpoint to take a value function from");
  if (config.env.id != env.Spec().id) {
    throw UserError("key '" + key + "': " + run + " trained on " + config.env.id + ", not on " +
                    env.Spec().id);
  }
  std::unique_ptr<Agent> agent =
      FindAgent(config.agent.Find("type")->scalar)
          .make(config.agent, env.Spec(), config.env.num_envs, config.seed);
  Checkpointer::RestoreAgent(latest, *agent);
  return std::make_unique<AgentStateValues>(std::move(agent));
}

}  // namespace rl
