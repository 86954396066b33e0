// BARFI, behaviour alignment via reward function optimisation (Gupta, Chandak, Jordan, Thomas &
// da Silva, "Behavior Alignment via Reward Function Optimization", NeurIPS 2023; algorithms.md
// §2; docs/barfi.md). The agent maximises the learned reward
//   r_φ(s, a) = φᵀψ(s, a),   ψ = f(s) ⊗ [1, r_p, r_aux]
//            = φ_1ᵀf(s) + (φ_pᵀf(s))·r_p + (φ_auxᵀf(s))·r_aux,
// f a fixed feature map (envs/feature_map.h), initialised to r_φ = r_p + r_aux; between
// agent updates φ ascends the primary objective J_p(θ(φ)) (discounted r_p, no entropy) along the
// implicit gradient
//   dJ_p/dφ = −(∇_φ∇θ J_φ)ᵀ H⁻¹ ∇θ J_p − 2·reward_l2·φ,   H = ∇²θ J_φ,
// H⁻¹ ≈ −I (first order) or the Neumann series (rewards/barfi/outer_gradient.h), with every
// derivative taken from the agent's PolicyGradientOracle: ∇θ J_p on its current batch, the HVPs
// and the mixed product on hvp_episodes older episodes from a buffer (algorithms.md §2.3) where
// the oracle can serve them. Sign: r_φ is a reward (higher is better), J_p is maximised;
// weight >= 0. With learn_gamma, γ_φ = sigmoid(η) ascends too and the agent learns with it
// (AgentGamma); otherwise γ_φ is the agent's fixed discount.
#ifndef REWARDLAB_REWARDS_BARFI_BARFI_H_
#define REWARDLAB_REWARDS_BARFI_BARFI_H_

#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/feature_map.h"
#include "rewards/barfi/barfi_config.h"
#include "rewards/barfi/episode_buffer.h"
#include "rewards/barfi/outer_gradient.h"
#include "rewards/reward_module.h"

namespace rl {

// Where r_p or r_aux comes from.
struct BarfiSignal {
  enum class Kind { kZero, kEnvReward, kTerm, kModule };
  Kind kind = Kind::kZero;               // what is read
  int term = -1;                         // env reward term index (kTerm)
  const RewardModule* module = nullptr;  // an earlier module (kModule)
  float scale = 1.0f;                    // multiplies the value
};

// The BARFI reward.
class Barfi : public RewardModule {
 public:
  // r_φ over `features` with signals r_p and r_aux; `gamma` is the agent's configured discount
  // (γ_φ, or its start with learn_gamma); `rng` samples the HVP batch; metrics "<name>/*".
  Barfi(const BarfiConfig& config, BarfiSignal primary, BarfiSignal aux, FeatureMap features,
        double gamma, const Rng& rng, const std::string& name);

  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override;
  bool Learned() const override { return true; }
  bool NeedsOracle() const override { return true; }
  // γ_φ with learn_gamma, else -1 (the agent keeps its own).
  double AgentGamma() const override { return config_.learn_gamma ? gamma_ : -1.0; }
  // One outer step on the oracle's batch once `delta` episodes ended since the last (after
  // `warmup` agent updates); without an oracle or a batch it only reports.
  std::vector<double> Fit(const FitContext& context) override;
  std::vector<std::string> MetricNames() const override;
  // φ_i as "phi/<const|primary|aux>/<feature>", and with learn_gamma γ_φ as "gamma" (a slider
  // change reaches the agent after the next fit and η follows it at the next outer step).
  std::vector<RewardParam> Params() override;
  void Save(const h5::Group& g) const override;
  void Load(const h5::Group& g) override;

  // φ (3F): constant weights, then r_p's, then r_aux's.
  int NumRewardParams() const override { return static_cast<int>(phi_.size()); }
  // ψ of each transition (3F x B).
  void RewardGradient(const RewardBatch& batch, Eigen::Ref<Eigen::MatrixXf> out) const override;
  Eigen::VectorXf RewardParamVector() const override { return phi_.cast<float>(); }
  void SetRewardParamVector(const Eigen::Ref<const Eigen::VectorXf>& phi) override;

  // r_p and r_aux of each transition (B each), scaled.
  void Signals(const RewardBatch& batch, Eigen::VectorXf& r_p, Eigen::VectorXf& r_aux) const;
  // The Neumann α in use (shrunk by the guard when asked).
  double Alpha() const { return alpha_; }
  // γ_φ, the discount the agent learns with.
  double Gamma() const { return gamma_; }
  // J_p's discount: outer_gamma, or the agent's configured γ (it does not follow γ_φ).
  double OuterGamma() const { return outer_gamma_; }
  // The past whole episodes (numbered in the order Fit saw them) the HVP batch is drawn from.
  const barfi::EpisodeBuffer& HvpBuffer() const { return buffer_; }
  // Ids of the episodes of the last outer step's HVP batch; empty when it used the current batch.
  const std::vector<int64_t>& HvpSample() const { return hvp_sample_; }

 private:
  // Writes a signal of each transition into out (B).
  void Signal(const BarfiSignal& s, const RewardBatch& batch, Eigen::VectorXf& out) const;
  // One ascent step on J_p with the oracle's batch; `recent` episodes at the buffer's end are
  // kept out of the HVP batch.
  void OuterStep(PolicyGradientOracle& oracle, int recent);

  BarfiConfig config_;
  BarfiSignal primary_, aux_;
  FeatureMap features_;
  double gamma_, outer_gamma_;        // γ_φ and J_p's discount
  double eta_ = 0.0;                  // logit of γ_φ (learn_gamma)
  double eta_m_ = 0.0, eta_v_ = 0.0;  // its Adam moments
  std::string name_;
  Eigen::VectorXd phi_;              // (3F)
  Eigen::VectorXd adam_m_, adam_v_;  // (3F) Adam moments
  int64_t adam_t_ = 0;
  double alpha_;  // Neumann α
  int64_t fits_ = 0, episodes_ = 0, outer_steps_ = 0;
  Rng rng_;                          // draws the HVP batch
  barfi::EpisodeBuffer buffer_;      // (<= hvp_buffer) past whole episodes
  int64_t hvp_fallbacks_ = 0;        // outer steps whose HVP batch was the current batch
  std::vector<int64_t> hvp_sample_;  // ids of the last HVP batch
  TransitionBatch hvp_batch_;        // the last HVP batch's transitions
  Eigen::MatrixXf hvp_actions_;      // and its policy actions
  std::vector<double> metrics_;      // MetricNames()' values of the last outer step

  // scratch
  mutable Eigen::MatrixXf f_;            // (F x B)
  mutable Eigen::VectorXf r_p_, r_aux_;  // (B)
};

// Builds the module for `context` (the env's terms, the modules listed before, the agent's
// discount); throws UserError naming `key` for an unknown term, a discount learn_gamma cannot
// start from, hvp_buffer < hvp_episodes, or a feature map that does not fit the observation.
std::unique_ptr<RewardModule> MakeBarfi(const BarfiConfig& config, const std::string& key,
                                        const RewardContext& context);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_BARFI_BARFI_H_
