// Potential-based reward shaping (Ng, Harada & Russell, ICML 1999):
//   F(s, a, s') = γ Φ(s') − Φ(s),  with Φ(s') = 0 only when s' is terminal (`terminated`);
// a truncated transition keeps Φ(s') of the true final observation. γ is the agent's discount
// unless overridden. Sign: F is added to the other modules' rewards (weight 1 = the classic
// r + F); the optimal policy is unchanged, so report the env return, never r + F.
// Known-wrong variants for studies (algorithms.md §1.4): `zero_on_truncation` (pitfall 2) and a
// `gamma` that differs from the agent's (pitfall 3).
#ifndef REWARDLAB_REWARDS_POTENTIAL_SHAPING_PBRS_H_
#define REWARDLAB_REWARDS_POTENTIAL_SHAPING_PBRS_H_

#include <memory>
#include <string>

#include "core/config.h"
#include "rewards/module_config.h"
#include "rewards/potential_shaping/potential.h"
#include "rewards/reward_module.h"

namespace rl {

// Options of the `pbrs` module.
struct PbrsConfig : ModuleConfig<PbrsConfig> {
  static constexpr const char* kType = "pbrs";  // the YAML `type`
  double gamma = -1.0;                          // shaping discount; -1 = the agent's
  bool zero_on_truncation = false;              // WRONG on purpose: Φ(s') = 0 on truncation too
  PotentialConfig potential;                    // Φ

  template <class V>
  void Fields(V& v) {
    SharedFields(v, WeightSign::kAny, "any finite value: -Φ is a potential");
    v("gamma", gamma, "shaping discount; -1 = the agent's gamma (anything else breaks invariance)",
      Check::Range(-1, 1));
    v("zero_on_truncation", zero_on_truncation,
      "known-wrong variant: also zero Φ(s') on time-limit truncation (for studies)");
    v("potential", potential, "the potential Φ");
  }
};

// F = γ Φ(s') − Φ(s).
class PotentialShaping : public RewardModule {
 public:
  // Shaping with `potential` at discount `gamma`.
  PotentialShaping(std::unique_ptr<Potential> potential, double gamma, bool zero_on_truncation);

  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override;
  // The shaping discount.
  double Gamma() const { return gamma_; }
  // The potential Φ (e.g. for the viewer's heat map).
  const Potential& GetPotential() const { return *potential_; }

 private:
  std::unique_ptr<Potential> potential_;
  float gamma_;
  bool zero_on_truncation_;
  mutable Eigen::VectorXf phi_next_;
};

// Builds the module for `context` (env and agent γ).
std::unique_ptr<RewardModule> MakePbrs(const PbrsConfig& config, const std::string& key,
                                       const RewardContext& context);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_POTENTIAL_SHAPING_PBRS_H_
