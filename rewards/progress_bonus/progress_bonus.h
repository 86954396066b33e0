// A non-potential "progress bonus" (the bicycle that rides in circles, Randløv & Alstrøm 1998):
//   B(s, a, s') = bonus · max(0, Φ(s') − Φ(s)),
// paid for moving up a progress measure Φ with no matching penalty for moving back, so a loop
// earns a positive reward and the optimal policy can change. Kept as a known-wrong baseline for
// shaping studies and tests (algorithms.md §1.1 necessity, §1.2); prefer `pbrs`.
#ifndef REWARDLAB_REWARDS_PROGRESS_BONUS_PROGRESS_BONUS_H_
#define REWARDLAB_REWARDS_PROGRESS_BONUS_PROGRESS_BONUS_H_

#include <memory>
#include <string>

#include "core/config.h"
#include "rewards/module_config.h"
#include "rewards/potential_shaping/potential.h"
#include "rewards/reward_module.h"

namespace rl {

// Options of the `progress_bonus` module.
struct ProgressBonusConfig : ModuleConfig<ProgressBonusConfig> {
  static constexpr const char* kType = "progress_bonus";  // the YAML `type`
  double bonus = 1.0;                                     // paid per unit of progress
  PotentialConfig progress;                               // the progress measure Φ

  template <class V>
  void Fields(V& v) {
    SharedFields(v, WeightSign::kNonNegative);
    v("bonus", bonus, "reward per unit of progress", Check::Min(0));
    v("progress", progress, "the progress measure (same kinds as pbrs.potential)");
  }
};

// B = bonus · max(0, Φ(s') − Φ(s)).
class ProgressBonus : public RewardModule {
 public:
  // A bonus on the increase of `progress`.
  ProgressBonus(std::unique_ptr<Potential> progress, double bonus);

  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override;
  // `bonus`, from 0 to 10x its configured value (at least 0 .. 10).
  std::vector<RewardParam> Params() override;

  // φ = (bonus): ∂r/∂bonus = max(0, Φ(s') − Φ(s)).
  int NumRewardParams() const override { return 1; }
  // The progress max(0, Φ(s') − Φ(s)) of each transition (1 x B).
  void RewardGradient(const RewardBatch& batch, Eigen::Ref<Eigen::MatrixXf> out) const override;
  // (bonus).
  Eigen::VectorXf RewardParamVector() const override;
  // Sets the bonus; throws UserError unless phi has one value.
  void SetRewardParamVector(const Eigen::Ref<const Eigen::VectorXf>& phi) override;

 private:
  std::unique_ptr<Potential> progress_;
  double bonus_;
  double bonus_max_;
  mutable Eigen::VectorXf next_;
  mutable Eigen::VectorXf now_;
};

// Builds the module for `context`.
std::unique_ptr<RewardModule> MakeProgressBonus(const ProgressBonusConfig& config,
                                                const std::string& key,
                                                const RewardContext& context);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_PROGRESS_BONUS_PROGRESS_BONUS_H_
