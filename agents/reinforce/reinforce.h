// REINFORCE (Williams 1992), BARFI's inner learner (algorithms.md §2.3), for Discrete (softmax)
// and Box (Gaussian with a state-independent log-std) actions, with a linear or MLP policy.
//
// Batches are whole episodes: each env slot collects its episode; when it ends (terminated or
// truncated) the episode joins the batch, and the agent updates once episodes_per_update episodes
// have completed, learning from all of them. Episodes still running keep going across the update,
// so with several slots the start of such an episode was sampled by the previous policy (one slot
// makes every episode on-policy).
//
// Objective of an update, with E episodes and T steps in the batch:
//   J(θ) = (1/E) Σ_t [log π_θ(a_t|s_t) (G_t − b_t) + c_ent H(π_θ(·|s_t))],
//   G_t = Σ_{k=t}^{end of episode} γ^{k−t} r_k (no γ^t factor, as common implementations),
// b_t = 0 (none), the batch's mean of G (mean) or a learned V(s_t) (value). A truncated episode's
// returns stop at the truncation, except with baseline: value and bootstrap_truncated, where
// G_t adds γ^{T−t} V(final obs). One Adam ascent step on J per update (after an optional
// gradient-norm clip); the value baseline then takes value_epochs full-batch steps on ½(V − G)².
//
// The agent is its own PolicyGradientOracle over the completed episodes waiting for the next
// update (reinforce_oracle.cc), with J_r the objective above for given rewards r.
#ifndef REWARDLAB_AGENTS_REINFORCE_REINFORCE_H_
#define REWARDLAB_AGENTS_REINFORCE_REINFORCE_H_

#include <optional>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "agents/reinforce/reinforce_config.h"
#include "agents/stochastic_policy.h"
#include "nn/adam.h"
#include "rewards/policy_gradient_oracle.h"

namespace rl {

// Raw transitions of whole episodes, one column per step, appended in order.
struct EpisodeColumns {
  std::vector<float> obs;          // (obs_dim x steps) s
  std::vector<float> actions;      // (act_dim x steps) sampled actions (classes or raw draws)
  std::vector<float> env_actions;  // (act_dim x steps) actions as the env received them
  std::vector<float> next_obs;     // (obs_dim x steps) the true s'
  std::vector<float> rewards;      // (steps) env rewards
  std::vector<float> terms;        // (num_terms x steps) env reward terms
  std::vector<uint8_t> terminated, truncated;  // (steps)
  int steps = 0;                               // number of columns

  // Appends all of `other`'s columns.
  void Append(const EpisodeColumns& other);
  // Empties every column.
  void Clear();
};

// A REINFORCE agent; also the policy-gradient oracle of its current batch.
class Reinforce : public Agent, public PolicyGradientOracle {
 public:
  // Builds the policy (and value baseline) for `spec` and `num_envs` slots from `seed`.
  Reinforce(const ReinforceConfig& config, const EnvSpec& spec, int num_envs, uint64_t seed);

  void Act(const Mat& obs, ActMode mode, Mat& action) override;
  void Observe(const Mat& obs, const Mat& action, const VecStep& step) override;
  bool ReadyToUpdate() const override;
  MetricValues Update(const RewardPipeline& reward) override;
  std::vector<std::string> MetricNames() const override;
  std::string NonFinite(const MetricValues& values) const override;
  void StateValues(const Mat& obs, Vec& values) override;
  double Gamma() const override { return config_.gamma; }
  PolicyGradientOracle* Oracle() override { return this; }
  void Save(const h5::Group& g) const override;
  void Load(const h5::Group& g) override;

  // oracle (reinforce_oracle.cc)
  int NumParams() const override { return Policy().NumParams(); }
  int BatchSize() const override { return done_.steps; }
  RewardBatch Batch() const override;
  void Params(Eigen::VectorXd& theta) const override { Policy().Params(theta); }
  double Objective(const OracleVec& rewards, double gamma) override;
  void ScoreDots(const OracleVec& u, Eigen::VectorXd& out) override;
  void Gradient(const OracleVec& rewards, double gamma, Eigen::VectorXd& grad) override;
  void HessianVector(const OracleVec& rewards, double gamma, const OracleVec& v,
                     Eigen::VectorXd& hv) override;
  void RewardGradientOfDot(const OracleVec& rewards, double gamma, const OracleVec& u,
                           Eigen::VectorXd& out) override;
  void Step(const OracleVec& direction, double alpha) override { Policy().Step(direction, alpha); }
  // HessianVector by central differences of Gradient on the batch (FiniteDifferenceHvp).
  void HessianVectorFd(const OracleVec& rewards, double gamma, const OracleVec& v,
                       Eigen::VectorXd& hv);
  // Whether HessianVector is analytic (a linear softmax policy).
  bool AnalyticHessian() const { return discrete_ && config_.policy == "linear"; }

 private:
  // The policy as a parameter view.
  StochasticPolicy Policy() const {
    return {const_cast<nn::Mlp*>(&policy_), const_cast<VecF*>(&log_std_), discrete_};
  }
  // Advantages G_t − b_t (T) and return targets G_t (T) of rewards r on the batch.
  void Advantages(const OracleVec& rewards, double gamma, Eigen::VectorXd& adv,
                  Eigen::VectorXd& ret);
  // Weights (1/E)(G_t − b_t) and entropy weights c_ent/E of the objective for rewards r.
  void ObjectiveWeights(const OracleVec& rewards, double gamma, VecF& w, VecF& c);
  // Evaluates the policy on the batch into eval_.
  void EvaluateBatch();
  // The analytic Hessian-vector product of a linear softmax policy.
  void HessianVectorLinearSoftmax(const OracleVec& rewards, double gamma, const OracleVec& v,
                                  Eigen::VectorXd& hv);
  // Full-batch steps of the value baseline towards the returns.
  double FitValue(const Eigen::VectorXd& ret);

  ReinforceConfig config_;
  EnvSpec spec_;
  int num_envs_;
  bool discrete_;
  int obs_dim_, act_dim_, num_terms_;
  Rng explore_rng_;

  nn::Mlp policy_;
  VecF log_std_;  // (act_dim) state-independent log-std (continuous only)
  std::optional<nn::Mlp> value_;
  nn::Adam policy_opt_, log_std_opt_;
  std::optional<nn::Adam> value_opt_;

  // episodes: one open per slot, the completed ones (the batch) with their ends
  std::vector<EpisodeColumns> open_;  // (num_envs)
  EpisodeColumns done_;
  std::vector<int> episode_ends_;  // (E) one past each completed episode's last column

  // scratch
  MatF act_obs_, act_head_, last_actions_;  // last_actions_ (act_dim x N) of the last kExplore
  Eigen::VectorXi act_classes_;
  nn::Categorical act_categorical_;
  nn::DiagGaussian act_gaussian_;
  PolicyEval eval_;
};

}  // namespace rl

#endif  // REWARDLAB_AGENTS_REINFORCE_REINFORCE_H_
