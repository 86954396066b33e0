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
//
// Raw transitions live in one TransitionStore (envs/transition_store.h), a ring holding the batch
// and the running episodes; REINFORCE keeps only the sampled actions beside it, per store column.
// Its capacity is ReinforceStoreCapacity (reinforce_config.h); a step that would overwrite a
// transition still needed throws a one-line UserError.
#ifndef REWARDLAB_AGENTS_REINFORCE_REINFORCE_H_
#define REWARDLAB_AGENTS_REINFORCE_REINFORCE_H_

#include <optional>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "agents/reinforce/reinforce_config.h"
#include "agents/stochastic_policy.h"
#include "envs/transition_store.h"
#include "nn/adam.h"
#include "rewards/policy_gradient_oracle.h"

namespace rl {

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
  bool SetGamma(double gamma) override {
    config_.gamma = gamma;
    return true;
  }
  PolicyGradientOracle* Oracle() override { return this; }
  const TransitionStore* Transitions() const override { return &store_; }
  void Save(const h5::Group& g) const override;
  void Load(const h5::Group& g) override;

  // oracle (reinforce_oracle.cc)
  int NumParams() const override { return Policy().NumParams(); }
  int BatchSize() const override { return Served().Size(); }
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
  bool ServesEpisodes() const override { return true; }
  void PolicyActions(Eigen::MatrixXf& actions) const override;
  // Until UseAgentBatch or the next Update (which serves the agent's batch again).
  bool UseEpisodes(const RewardBatch& episodes,
                   const Eigen::Ref<const Eigen::MatrixXf>& policy_actions) override;
  void UseAgentBatch() override { served_other_ = false; }

 private:
  // the oracle test's checks of the analytic Hessian (reinforce_oracle_testing.h)
  friend bool ReinforceAnalyticHessian(const Reinforce& agent);
  friend void ReinforceHessianVectorFd(Reinforce& agent, const OracleVec& rewards, double gamma,
                                       const OracleVec& v, Eigen::VectorXd& hv);

  // The policy as a parameter view.
  StochasticPolicy Policy() const {
    return {const_cast<nn::Mlp*>(&policy_), const_cast<VecF*>(&log_std_), discrete_,
            features_ ? &*features_ : nullptr};
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
  // Whether HessianVector is analytic (a linear softmax policy).
  bool AnalyticHessian() const { return discrete_ && config_.policy == "linear"; }
  // HessianVector by central differences of Gradient on the batch (FiniteDifferenceHvp).
  void HessianVectorFd(const OracleVec& rewards, double gamma, const OracleVec& v,
                       Eigen::VectorXd& hv);
  // The batch's completed episodes gathered from the store in completion order (cached).
  const TransitionBatch& Gathered() const;
  // What the oracle serves: the episodes of UseEpisodes, or Gathered().
  const TransitionBatch& Served() const;
  // The sampled actions of Served() (act_dim x T).
  const MatF& ServedDraws() const;
  // One past each episode's last column of Served().
  const std::vector<int>& ServedEnds() const;
  // Whether episode `id` is still needed: in the batch or running.
  bool Needed(int64_t id) const;

  ReinforceConfig config_;  // the agent's options
  EnvSpec spec_;            // spaces of the env
  int num_envs_;            // env slots per step
  bool discrete_;           // softmax over classes (true) or a Gaussian on a Box
  int obs_dim_, act_dim_;   // widths of s and a
  Rng explore_rng_;         // draws of exploring actions

  std::optional<FeatureMap> features_;  // f(s) the policy reads; empty: s
  nn::Mlp policy_;                      // logits or Gaussian means of s
  VecF log_std_;                        // (act_dim) state-independent log-std (continuous only)
  std::optional<nn::Mlp> value_;        // V(s), with baseline: value
  nn::Adam policy_opt_;                 // Adam of the policy's parameters
  nn::Adam log_std_opt_;                // Adam of the log-std
  std::optional<nn::Adam> value_opt_;   // Adam of the value baseline

  // episodes: raw transitions in the store, the sampled actions beside it, the batch's ids
  TransitionStore store_;         // the batch's and the running episodes' raw transitions
  MatF draws_;                    // (act_dim x capacity) sampled actions per store column
  std::vector<int64_t> batch_;    // (E) ids of the completed episodes, in completion order
  std::vector<int64_t> running_;  // (num_envs) each slot's running episode id, -1 none

  // the batch gathered from the store (Gathered), valid until the next Observe or Update
  mutable bool gathered_ = false;          // whether the fields below are current
  mutable TransitionBatch batch_data_;     // (T columns) the batch's transitions
  mutable MatF batch_draws_;               // (act_dim x T) their sampled actions
  mutable std::vector<int> episode_ends_;  // (E) one past each episode's last column

  // episodes the oracle serves instead of the batch (UseEpisodes)
  bool served_other_ = false;    // whether the oracle serves them
  TransitionBatch other_;        // (T' columns) their transitions
  MatF other_draws_;             // (act_dim x T') their sampled actions
  std::vector<int> other_ends_;  // one past each episode's last column

  // scratch of Act
  MatF act_obs_, act_in_, act_head_;  // s as floats, f(s), the policy's head (out x N)
  MatF last_actions_;                 // (act_dim x N) sampled actions of the last kExplore
  Eigen::VectorXi act_classes_;       // (N) classes of a discrete Act
  nn::Categorical act_categorical_;   // the softmax of a discrete Act
  nn::DiagGaussian act_gaussian_;     // the Gaussian of a continuous Act
  PolicyEval eval_;                   // the policy on the batch (EvaluateBatch)
};

}  // namespace rl

#endif  // REWARDLAB_AGENTS_REINFORCE_REINFORCE_H_
