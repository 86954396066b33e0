// HERON, hierarchical preference-based reward learning (Bukharin, Li, He, Chen & Zhao,
// "Deep Reinforcement Learning from Hierarchical Preference Design", arXiv 2309.02632;
// algorithms.md §3). The designer ranks reward factors z_1 > z_2 > ... instead of weighting them;
// pairs of transitions (or segments) are labelled by the decision tree
//   i ≻ j  at the first level k with  s_k z^i_k > s_k z^j_k + δ_k,   δ_k = c_k · std(z_k),
// (s_k = +1 when higher is better, -1 when lower is better; pairs no level decides are dropped),
// and a reward model R_ψ is fitted to the labels with the Bradley–Terry loss (preference_model.h).
// The agent is trained on
//   r(s, a, s') = (f_ψ(x) − μ) / σ,   x = s | (s, a) | (s, z),
// with μ, σ running statistics of f_ψ on new transitions (μ = 0 when comparing segments: there
// the level of f_ψ is learned, since a segment cut short by a termination sums fewer steps).
// Sign: higher r is preferred behaviour; weight >= 0.
//
// Fit (before agent updates; every `fit_every` env steps when set) turns the transitions that are
// new since the last fit into items, merges them into the input and factor statistics, pairs items
// of the newest items plus a FIFO of older ones, labels the pairs, trains R_ψ for `epochs` passes
// on all but the held-out pairs, and updates the output statistics. Compute never changes state,
// so off-policy agents relabel every sampled minibatch with the current R_ψ.
#ifndef REWARDLAB_REWARDS_HERON_HERON_H_
#define REWARDLAB_REWARDS_HERON_HERON_H_

#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "nn/running_stats.h"
#include "rewards/heron/heron_config.h"
#include "rewards/heron/preference_model.h"
#include "rewards/heron/preferences.h"
#include "rewards/reward_module.h"

namespace rl {

// Where a factor's per-transition value comes from.
struct HeronFactor {
  std::string name;                      // the term or module name
  int term = -1;                         // env reward term index, or -1
  const RewardModule* module = nullptr;  // an earlier module, when term == -1
  float scale = 1.0f;                    // multiplies the value
};

// The HERON reward.
class Heron : public RewardModule {
 public:
  // A model over obs_dim (+ act_dim or + factors) inputs, drawn from `rng`; metrics named
  // "<name>/*".
  Heron(const HeronConfig& config, std::vector<HeronFactor> factors, int obs_dim, int act_dim,
        const std::string& name, Rng rng);

  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override;
  bool Learned() const override { return true; }
  int WindowSize() const override { return config_.window; }
  std::vector<double> Fit(const FitContext& context) override;
  std::vector<std::string> MetricNames() const override;
  void Save(const h5::Group& g) const override;
  void Load(const h5::Group& g) override;

  // The scaled factor values of each transition, in rank order (num_factors x B).
  void FactorValues(const RewardBatch& batch, Eigen::MatrixXf& z) const;
  // The model's raw inputs of each transition (in_dim x B), given its factor values z.
  void ModelInputs(const RewardBatch& batch, const Eigen::MatrixXf& z, Eigen::MatrixXf& x) const;
  // The labelling rule with the current margins (c_k × running std).
  heron::LabelRule Rule() const;
  // The reward model.
  heron::PreferenceModel& Model() { return model_; }

 private:
  // Appends the items whose last transition is among the newest `fresh` of batch_ (time order)
  // to the pool; returns how many.
  int AddItems(int fresh, int num_slots);
  // Prints the once-per-run hints about the first fit's data and labels.
  void WarnOnce(const heron::LabelCounts& counts);

  HeronConfig config_;
  std::vector<HeronFactor> factors_;
  std::string name_;
  int obs_dim_, act_dim_, length_;
  bool center_;  // subtract the output mean (center_output, auto resolved)
  heron::PreferenceModel model_;
  heron::ItemPool pool_;
  nn::RunningMeanStd factor_stats_;  // (num_factors) of item factor sums
  nn::RunningMeanStd output_stats_;  // (1) of f_ψ on new transitions
  Rng rng_;                          // pair draws and minibatch shuffles
  int64_t last_fit_step_ = 0;
  int64_t fits_ = 0;
  int64_t decided_ = 0, decided_first_ = 0;  // labelled pairs so far, and those level 1 decided
  bool warned_window_ = false, warned_level_ = false, warned_sign_ = false;

  // scratch
  mutable Eigen::MatrixXf z_, x_;  // (num_factors x B), (in_dim x B)
  TransitionBatch batch_;          // the window in time order
  Eigen::MatrixXf item_x_;         // (in_dim x L)
  Eigen::VectorXf out_;            // (fresh) f_ψ of new transitions
};

// Builds the module for `context` (the env's terms, the modules listed before); throws UserError
// naming `key` for an empty, unknown or repeated factor and for segments longer than the time
// limit.
std::unique_ptr<RewardModule> MakeHeron(const HeronConfig& config, const std::string& key,
                                        const RewardContext& context);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_HERON_HERON_H_
