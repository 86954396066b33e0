// PPO (Schulman et al. 2017) with CleanRL's implementation details: separate actor and critic
// MLPs, orthogonal init (actor head 0.01, critic head 1), clipped surrogate and value loss,
// entropy bonus, per-minibatch advantage normalisation, global-norm clipping, linear LR annealing,
// optional observation normalisation and return-based reward scaling, GAE(λ) that bootstraps
// from V(s') on truncation (or not, for exact CleanRL comparisons).
#ifndef REWARDLAB_AGENTS_PPO_PPO_H_
#define REWARDLAB_AGENTS_PPO_PPO_H_

#include <cstdint>
#include <memory>
#include <optional>

#include "agents/agent.h"
#include "agents/gae.h"
#include "agents/ppo/ppo_config.h"
#include "agents/ppo/ppo_loss.h"
#include "core/thread_pool.h"
#include "envs/transition_store.h"
#include "nn/adam.h"
#include "nn/distributions.h"
#include "nn/mlp.h"
#include "nn/running_stats.h"
#include "rewards/policy_gradient_oracle.h"

namespace rl {

// A PPO agent for Discrete or Box action spaces.
class Ppo : public Agent {
 public:
  // Builds the networks for `spec` and `num_envs` parallel envs; randomness from `seed`.
  Ppo(const PpoConfig& config, const EnvSpec& spec, int num_envs, uint64_t seed);

  void Act(const Mat& obs, ActMode mode, Mat& action) override;
  void Observe(const Mat& obs, const Mat& action, const VecStep& step) override;
  bool ReadyToUpdate() const override { return t_ == config_.num_steps; }
  MetricValues Update(const RewardPipeline& reward) override;
  std::vector<std::string> MetricNames() const override;
  std::string NonFinite(const MetricValues& values) const override;
  int RolloutShards() const override { return config_.rollout_shards; }
  int RolloutSteps() const override { return config_.num_steps; }
  void ActShard(int shard, int t, int first, const Eigen::Ref<const Mat>& obs,
                Eigen::Ref<Mat> action) override;
  void SetProgress(double fraction) override { progress_ = fraction; }
  const TransitionStore* Transitions() const override { return &rollout_; }
  double Gamma() const override { return config_.gamma; }
  // GAE and the return-based reward scaling use `gamma` from the next update on.
  bool SetGamma(double gamma) override;
  void StateValues(const Mat& obs, Vec& values) override;
  void Save(const h5::Group& g) const override;
  void Load(const h5::Group& g) override;
  // The policy-gradient oracle over the complete rollout (ppo_oracle.cc).
  PolicyGradientOracle* Oracle() override;

 private:
  friend class PpoOracle;
  // Scratch of one sampling act: Act's own, and one per rollout shard (they act concurrently).
  struct ActScratch {
    MatF raw, norm;         // (obs_dim x B) s as given and as the networks see it
    MatF draw;              // (act_dim x B) Gaussian draws (continuous)
    Eigen::VectorXi index;  // (B) sampled classes (discrete)
    nn::MlpCache actor, critic;
    nn::Categorical categorical;
    nn::DiagGaussian gaussian;
  };

  // Samples a ~ π(·|s.norm) with `rng` into `action` (env units); with col >= 0 it also keeps the
  // normalised s, the draw, log π(a|s) and V(s) in the rollout columns [col, col + B).
  void Sample(ActScratch& s, Rng& rng, int col, Eigen::Ref<Mat> action);
  // Normalises (and, when exploring, first updates the statistics with) raw obs into out.
  void NormalizeObs(const Eigen::Ref<const MatF>& raw, bool update, MatF& out);
  // Values V(x) of normalised observations x (obs_dim x B) into out (B).
  void Values(const Eigen::Ref<const MatF>& x, VecF& out);
  // The optimised rewards of the rollout, labelled and (optionally) scaled, (T x N).
  void LabelRewards(const RewardPipeline& reward, MatF& rewards);
  // V(s') of every transition: V(s_{t+1}) within an episode, V(final obs) where it ended.
  void NextValues(MatF& next_values);
  // One gradient step on the minibatch idx[begin, end); writes its statistics into `stats`.
  void TrainMinibatch(const std::vector<int>& idx, int begin, int end, float clip,
                      std::vector<double>& stats);

  PpoConfig config_;
  EnvSpec spec_;
  int num_envs_;
  bool discrete_;
  int obs_dim_, act_dim_;
  Rng explore_rng_, shuffle_rng_;
  std::vector<Rng> shard_rngs_;            // (rollout_shards - 1) exploration of shards 1, 2, ...
  ActScratch act_;                         // Act's scratch
  std::vector<ActScratch> shard_scratch_;  // (rollout_shards)
  double progress_ = 0.0;                  // training progress at the last Act
  double rollout_progress_ = 0.0;          // progress when the current rollout began (annealing)

  // networks and optimisers
  nn::Mlp actor_, critic_;
  VecF log_std_;  // (act_dim) state-independent log-std (continuous only)
  nn::Adam actor_opt_, critic_opt_, log_std_opt_;
  nn::Categorical categorical_;
  std::optional<nn::RunningMeanStd> obs_stats_;
  std::optional<nn::ReturnNormalizer> reward_scaler_;

  // the rollout, column t*N + n holds env n at step t: the raw transitions (s, a as the env got
  // it, true s', env reward and terms, flags, episode ids) in a store of T*N cleared every
  // update, PPO's own per-step values beside it (ActShard writes those concurrently, each shard
  // its own columns; the store is written by Observe alone)
  int t_ = 0;
  uint64_t rollout_version_ = 0;  // bumped when the rollout is replaced (Update, Load): the
                                  // key of the oracle's per-rollout cache
  TransitionStore rollout_;       // (T*N) raw transitions, in column order
  MatF obs_norm_;                 // (obs_dim x T*N) normalised s, as the networks saw it
  MatF actions_;                  // (act_dim x T*N) sampled actions (indices, or unclipped draws)
  VecF logp_, values_;            // (T*N)

  // update: the gathered minibatch, its gradient shards (run on pool_) and their sum
  VecF advantages_, returns_;  // (T*N)
  PpoMinibatch minibatch_;
  std::vector<PpoShard> shards_;
  std::unique_ptr<ThreadPool> pool_;
  VecF actor_grad_, critic_grad_, log_std_grad_;
  MatF head_, norm_scratch_, raw_scratch_, value_head_;
  Eigen::VectorXi index_scratch_;
  VecF value_scratch_;
  std::unique_ptr<PolicyGradientOracle> oracle_;  // built by the first Oracle()
};

}  // namespace rl

#endif  // REWARDLAB_AGENTS_PPO_PPO_H_
