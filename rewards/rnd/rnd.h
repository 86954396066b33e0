// Random network distillation (Burda, Edwards, Storkey & Klimov, "Exploration by Random Network
// Distillation", ICLR 2019): a novelty bonus
//   bonus(s') = || f^(x) - f(x) ||^2,  x = clip((s' - mu) / sigma, -c, c)  (or x = s'),
// where f is a fixed, randomly initialised target MLP and f^ a predictor trained by Adam to match
// it on the observations seen so far, so the error stays high on rarely seen next observations.
// Sign: the bonus is >= 0 and added with a weight >= 0 (an exploration reward, never a cost).
// With normalize_bonus the bonus is divided by a running std of the bonus itself (the paper
// divides by the std of the discounted intrinsic return; the bonus std needs no per-episode state).
// Used with [{type: env, weight: 0}, {type: rnd}], it is the deep reward-free exploration mode
// (docs/reward-free.md); `record_transitions: true` keeps the data for a later phase.
//
// Fit (before every agent update) merges the window of recent next observations into the
// observation statistics, trains f^ for fit_epochs passes of minibatches of the window, then
// merges the window's bonuses into the bonus statistics. Compute never changes the state.
#ifndef REWARDLAB_REWARDS_RND_RND_H_
#define REWARDLAB_REWARDS_RND_RND_H_

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/rng.h"
#include "nn/adam.h"
#include "nn/mlp.h"
#include "nn/running_stats.h"
#include "rewards/module_config.h"
#include "rewards/reward_module.h"

namespace rl {

// Options of the `rnd` module.
struct RndConfig : ModuleConfig<RndConfig> {
  static constexpr const char* kType = "rnd";  // the YAML `type`
  std::vector<int> hidden = {64, 64};          // hidden widths of target and predictor (ReLU)
  int output_dim = 32;                         // embedding width of f and f^
  double lr = 1e-3;                            // predictor Adam learning rate
  int window = 2048;                           // recent transitions Fit trains on
  int fit_epochs = 1;                          // passes over the window per Fit
  int batch_size = 256;                        // minibatch size of a pass
  bool normalize_obs = true;                   // running-normalise next observations
  double obs_clip = 5.0;                       // clip of normalised observations
  bool normalize_bonus = true;                 // divide the bonus by its running std

  template <class V>
  void Fields(V& v) {
    SharedFields(v, WeightSign::kNonNegative, ">= 0: the bonus rewards novelty");
    v("hidden", hidden, "hidden layer widths of the target and predictor MLPs",
      Check::Range(1, 1 << 16));
    v("output_dim", output_dim, "width of the random embedding f(s')", Check::Range(1, 1 << 16));
    v("lr", lr, "Adam learning rate of the predictor", Check::Positive());
    v("window", window, "recent transitions each Fit trains on", Check::Range(1, 1 << 24));
    v("fit_epochs", fit_epochs, "passes over the window per Fit (before each agent update)",
      Check::Range(1, 1000));
    v("batch_size", batch_size, "minibatch size of the predictor's updates",
      Check::Range(1, 1 << 20));
    v("normalize_obs", normalize_obs, "running-normalise (and clip) next observations");
    v("obs_clip", obs_clip, "clip normalised observations to [-obs_clip, obs_clip]",
      Check::Positive());
    v("normalize_bonus", normalize_bonus, "divide the bonus by a running std of the bonus");
  }
};

// The RND novelty bonus of the next observation.
class Rnd : public RewardModule {
 public:
  // Target and predictor for `obs_dim` inputs, drawn from `rng`; metrics named "reward/<name>_*".
  Rnd(const RndConfig& config, int obs_dim, const std::string& name, Rng rng);

  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override;
  bool Learned() const override { return true; }
  int WindowSize() const override { return config_.window; }
  std::vector<double> Fit(const FitContext& context) override;
  std::vector<std::string> MetricNames() const override;
  void Save(const h5::Group& g) const override;
  void Load(const h5::Group& g) override;

  // The unnormalised bonus ||f^(x) - f(x)||^2 of each column of `next_obs` (obs_dim x B).
  void RawBonus(const Eigen::Ref<const Eigen::MatrixXf>& next_obs,
                Eigen::Ref<Eigen::VectorXf> out) const;

 private:
  // x of each column of `next_obs`, into `x` (obs_dim x B).
  void Inputs(const Eigen::Ref<const Eigen::MatrixXf>& next_obs, Eigen::MatrixXf& x) const;

  RndConfig config_;
  std::string name_;
  nn::Mlp target_;
  nn::Mlp predictor_;
  nn::Adam adam_;
  nn::RunningMeanStd obs_stats_;    // (obs_dim) of next observations
  nn::RunningMeanStd bonus_stats_;  // (1) of raw bonuses
  Rng rng_;                         // minibatch shuffling

  // scratch
  mutable Eigen::MatrixXf x_, f_, f_hat_;   // (obs_dim x B), (output_dim x B) twice
  Eigen::MatrixXf window_x_, window_f_;     // (obs_dim x W), (output_dim x W)
  Eigen::MatrixXf batch_x_, batch_f_, dy_;  // minibatch columns
  Eigen::VectorXf grad_;                    // (predictor params)
  Eigen::VectorXf window_bonus_;            // (W)
  std::vector<int> order_;                  // (W) shuffled column indices
  nn::MlpCache cache_;
};

// Builds the module for `context` (the env's observation width, seed and stream index).
std::unique_ptr<RewardModule> MakeRnd(const RndConfig& config, const std::string& key,
                                      const RewardContext& context);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_RND_RND_H_
