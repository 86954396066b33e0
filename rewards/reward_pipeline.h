// The reward an agent optimises (DESIGN §1, §3): a weighted sum of named reward modules,
//   r_opt(s, a, s') = sum_k weight_k * module_k(s, a, s', env reward, terms, terminated,
//   truncated),
// computed from raw transitions when the agent consumes them (on-policy: the rollout; off-policy:
// each sampled minibatch). The trainer logs the env return next to the optimised return, and each
// module's unweighted per-episode sum under /episodes/terms/<module name>.
#ifndef REWARDLAB_REWARDS_REWARD_PIPELINE_H_
#define REWARDLAB_REWARDS_REWARD_PIPELINE_H_

#include <Eigen/Dense>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/h5.h"
#include "envs/transition_store.h"
#include "envs/vec_env.h"
#include "rewards/reward_module.h"

namespace rl {

// One module of a pipeline, with its name and weight.
struct WeightedModule {
  std::string name;                      // the output's name (unique within the pipeline)
  double weight = 1.0;                   // its weight in the optimised reward
  std::unique_ptr<RewardModule> module;  // the module
};

// A weighted sum of reward modules.
class RewardPipeline {
 public:
  // The env reward alone (module "env", weight 1).
  RewardPipeline();
  // The given modules over transitions of these widths (needed for a fitting window).
  RewardPipeline(std::vector<WeightedModule> modules, int obs_dim, int act_dim, int num_terms);

  // Writes the optimised reward of each transition into `reward` (size B).
  void Label(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> reward) const;
  // Writes every module's unweighted output (num_modules x B) and the optimised reward (B).
  void Outputs(const RewardBatch& batch, Eigen::MatrixXf& outputs,
               Eigen::Ref<Eigen::VectorXf> reward) const;
  // Names the first non-finite entry of `reward` (the optimised rewards of `batch`) and the
  // module that made it so: "optimised reward of <item> 3 is inf (reward module 'env' gives 1,
  // weight 1e+308)"; "" when all are finite (one finiteness reduction).
  std::string DescribeNonFinite(const RewardBatch& batch,
                                const Eigen::Ref<const Eigen::VectorXf>& reward,
                                std::string_view item) const;
  // Module names, in order.
  const std::vector<std::string>& Names() const { return names_; }
  // Module weights, in order.
  std::vector<double> Weights() const;
  // Changes module i's weight from the next label on (the viewer's sliders, between steps).
  void SetWeight(int i, double weight) { modules_.at(i).weight = weight; }
  // Number of modules.
  int Size() const { return static_cast<int>(modules_.size()); }
  // The module at `i`, e.g. for its parameters.
  RewardModule& Module(int i) { return *modules_[i].module; }
  // The module at `i`, read-only.
  const RewardModule& Module(int i) const { return *modules_[i].module; }

  // Index of the first module that rewards absorbing states (RewardModule::Absorbing), or -1.
  int AbsorbingModule() const;
  // The discount the first module with an opinion wants the agent to learn with
  // (RewardModule::AgentGamma), or -1 when none has one.
  double AgentGamma() const;
  // Index of the first module with an opinion on the agent's discount, or -1.
  int AgentGammaModule() const;
  // Whether any module learns (Fit must run before agent updates).
  bool Learned() const { return learned_; }
  // Records the transitions of one env step (s = obs, a = action) in the fitting window (if any
  // module wants one).
  void Track(const Mat& obs, const Mat& action, const VecStep& step);
  // The fitting window (the last WindowSize() transitions), or null when no module wants one.
  const TransitionStore* Window() const { return window_ ? &*window_ : nullptr; }
  // Fits the learned modules, with the agent's policy-gradient oracle, transition store and policy
  // input gradients where it has them; returns MetricNames()' values.
  std::vector<double> Fit(int64_t step, PolicyGradientOracle* oracle = nullptr,
                          const TransitionStore* agent_store = nullptr,
                          PolicyInputGradNorms policy_input_grad_norms = {});
  // Every learned module's metric names, in module order.
  std::vector<std::string> MetricNames() const;

  // Writes each module's state and the window for checkpoints.
  void Save(const h5::Group& g) const;
  // Restores what Save wrote.
  void Load(const h5::Group& g);

 private:
  std::vector<WeightedModule> modules_;
  std::vector<std::string> names_;
  bool learned_ = false;
  std::optional<TransitionStore> window_;
  mutable Eigen::VectorXf scratch_;
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REWARD_PIPELINE_H_
