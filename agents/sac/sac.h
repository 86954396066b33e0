// SAC (Haarnoja et al. 2018) as CleanRL's sac_continuous_action.py: twin Q networks with Polyak
// targets, a tanh-squashed Gaussian actor with bounded log-std, automatic entropy tuning towards
// -|A|, uniform random actions before learning_starts, delayed actor updates. Transitions are
// stored raw and labelled by the reward pipeline when sampled; targets bootstrap through
// truncation (only `terminated` stops the bootstrap).
//
// Absorbing states (DAC; algorithms.md §4.5), on when a reward module rewards them: the critics
// read (s, b, a) with an indicator bit b; the buffer is sampled as if an absorbing self-loop
// (s_abs = (0…0, 1), a_abs = 0 -> s_abs) followed every stored true termination; a terminal
// transition bootstraps into s_abs instead of stopping, the self-loop into itself:
//   target = r + γ V(s_abs),  V(s_abs) = min_i Q'_i(s_abs, a_abs)
// (the absorbing state has one action and no entropy bonus), and self-loop rows are left out of
// the actor and temperature losses. With a reward of 0 there, V(s_abs) = 0: plain SAC's target.
#ifndef REWARDLAB_AGENTS_SAC_SAC_H_
#define REWARDLAB_AGENTS_SAC_SAC_H_

#include <array>
#include <memory>
#include <utility>

#include "agents/agent.h"
#include "agents/sac/sac_config.h"
#include "core/thread_pool.h"
#include "envs/transition_store.h"
#include "nn/adam.h"
#include "nn/distributions.h"
#include "nn/mlp.h"

namespace rl {

// A SAC agent for Box action spaces.
class Sac : public Agent {
 public:
  // Builds actor, critics and targets for `spec`; throws UserError for a Discrete action space.
  Sac(const SacConfig& config, const EnvSpec& spec, int num_envs, uint64_t seed);

  void Act(const Mat& obs, ActMode mode, Mat& action) override;
  void Observe(const Mat& obs, const Mat& action, const VecStep& step) override;
  bool ReadyToUpdate() const override {
    return steps_ >= config_.learning_starts && vec_steps_ % config_.train_freq == 0;
  }
  MetricValues Update(const RewardPipeline& reward) override;
  std::vector<std::string> MetricNames() const override;
  std::string NonFinite(const MetricValues& values) const override;
  const TransitionStore* Transitions() const override { return &buffer_; }
  double Gamma() const override { return config_.gamma; }
  void UseAbsorbingStates() override;
  PolicyInputGradNorms PolicyInputGrad() override;
  void Save(const h5::Group& g) const override;
  void Load(const h5::Group& g) override;

 private:
  // One gradient step: a fresh minibatch, critics, the delayed actor, targets.
  void GradientStep(const RewardPipeline& reward);
  // The critic step on the sampled batch; returns q1 mean, q2 mean, q1 loss, q2 loss.
  std::array<double, 4> UpdateCritics(const Eigen::VectorXf& rewards);
  // One actor step (and alpha step); returns actor loss and alpha loss.
  std::array<double, 2> UpdateActor();
  // What the critics read of states obs (obs_dim x B): obs itself, or with absorbing states
  // (obs_dim + 1 x B) obs over the bit row `bits` (zeros when null), written into `aug`.
  const Eigen::MatrixXf& CriticObs(const Eigen::MatrixXf& obs, const std::vector<uint8_t>* bits,
                                   Eigen::MatrixXf& aug) const;
  // V(s_abs) under the target critics.
  float AbsorbingValue();
  // Runs fn(0) and fn(1) (one per critic, or per actor batch shard) side by side when
  // config.threads is 2, one after the other otherwise; a template, so no closure is allocated.
  template <class Fn>
  void ForBoth(const Fn& fn) {
    if (pool_ == nullptr) {
      fn(0);
      fn(1);
      return;
    }
    pool_->ParallelFor(2, [&fn](int begin, int end) {
      for (int i = begin; i < end; ++i) fn(i);
    });
  }
  // The actor's outputs on the two column shards of x, written into head (2 act_dim x B).
  void ActorForward(const Eigen::MatrixXf& x, Eigen::MatrixXf& head);
  // Column range [first, first + count) of actor batch shard i.
  std::pair<int, int> Shard(int i) const;

  SacConfig config_;
  EnvSpec spec_;
  int obs_dim_, act_dim_;
  uint64_t seed_;
  bool absorbing_ = false;  // UseAbsorbingStates() was called
  Rng explore_rng_, sample_rng_;
  int64_t steps_ = 0;      // env steps observed (all envs)
  int64_t vec_steps_ = 0;  // Observe calls
  int64_t updates_ = 0;    // gradient steps

  nn::Mlp actor_;
  std::array<nn::Mlp, 2> q_, q_target_;  // twin critics and their Polyak targets
  nn::Adam actor_opt_;
  std::array<nn::Adam, 2> q_opt_;
  nn::Adam alpha_opt_;
  Eigen::VectorXf log_alpha_;  // (1)
  float target_entropy_;
  nn::TanhGaussian policy_, next_policy_;
  TransitionStore buffer_;  // the replay buffer

  std::unique_ptr<ThreadPool> pool_;  // present when the critics run on two threads

  // update scratch; the arrays hold one entry per critic or per actor shard, touched only by
  // its own thread
  TransitionBatch batch_;
  std::array<nn::MlpCache, 2> actor_cache_, q_cache_;
  std::array<Eigen::MatrixXf, 2> q_out_, dq_, dx_;  // (1 x B), (1 x B), (obs+act x B)
  std::array<Eigen::VectorXf, 2> grad_q_, grad_actor_shard_;
  Eigen::MatrixXf head_, next_head_, next_actions_, pi_actions_;
  Eigen::MatrixXf dactions_, dmean_, draw_, dhead_, obs_scratch_, act_scratch_;
  Eigen::VectorXf dlogp_, alpha_grad_, logp_scratch_;
  Eigen::VectorXf next_logp_, logp_, target_q_, rewards_, grad_actor_;
  Eigen::MatrixXf obs_aug_, next_aug_;        // (obs_dim + 1 x B) with absorbing states
  Eigen::MatrixXf abs_obs_, abs_action_;      // (obs_dim + 1 x 1), (act_dim x 1): s_abs, a_abs
  std::array<Eigen::MatrixXf, 2> abs_value_;  // (1 x 1) Q'_i(s_abs, a_abs)
  nn::MlpCache probe_cache_;                  // PolicyInputGrad's actor pass
  Eigen::MatrixXf probe_dy_, probe_dx_;       // (2 act_dim x B), (obs_dim x B)
  std::array<double, 4> last_critic_{};
  double last_actor_[2] = {0, 0};
};

}  // namespace rl

#endif  // REWARDLAB_AGENTS_SAC_SAC_H_
