// RF-UCRL: Kaufmann, Ménard, Domingues, Jonsson, Leurent & Valko, "Adaptive Reward-Free
// Exploration", ALT 2021 (constants as in algorithms.md §5.4, after a public third-party
// re-implementation). With the empirical model P^ and visit counts n(s, a):
//
//   beta(n, delta) = ln(2 S A H / delta) + (S - 1) ln(e (1 + n / (S - 1)))
//   b(s, a)        = sqrt(beta(n(s, a), delta) / max(1, n(s, a)))
//   E_h(s, a)      = c vmax_h b(s, a) + sum_s' P^(s' | s, a) F_{h+1}(s'),   F_{H+1} = 0
//   F_h(s)         = min(2 vmax_h, max_a E_h(s, a)),   vmax_h = H - h + 1 (gamma = 1)
//
// Each episode acts greedily w.r.t. E_h (exact ties at random). F_1(s_1) is the error certificate.
// P^ of an unvisited pair is uniform over the S states. Note that b(0) = sqrt(beta(0, delta)) is
// slightly below b(1) = sqrt(beta(1, delta)): with max(1, n) in the denominator a pair seen once
// looks a little more uncertain than an unvisited one (as in the re-implementation).
#ifndef REWARDLAB_REWARDS_REWARD_FREE_RF_UCRL_EXPLORER_H_
#define REWARDLAB_REWARDS_REWARD_FREE_RF_UCRL_EXPLORER_H_

#include <Eigen/Dense>
#include <vector>

#include "rewards/reward_free/explorer.h"

namespace rl {

// RF-UCRL exploration (method "rfucrl").
class RfUcrlExplorer : public TabularExplorer {
 public:
  // Explores `mdp`, which must outlive the explorer.
  RfUcrlExplorer(const TabularMdp& mdp, const ExplorerConfig& config);
  // F_1 at the start distribution of the last plan (in per-step reward units, at most 2H).
  double Certificate() const override { return certificate_; }

 protected:
  void PlanEpisode() override;
  int Act(int h, int s) override { return ArgmaxRandomTie(e_[h].row(s).transpose()); }
  void Learn(const std::vector<ExplorationStep>& steps) override;

 private:
  std::vector<Eigen::MatrixXd>
      p_hat_;                       // A entries (S x S): P^(s' | s, a), uniform rows if unvisited
  Eigen::MatrixXd bonus_;           // (S x A) b(s, a)
  std::vector<Eigen::MatrixXd> e_;  // H entries (S x A): E_h of the current plan
  double certificate_ = 0.0;
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REWARD_FREE_RF_UCRL_EXPLORER_H_
