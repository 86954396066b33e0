// Tabular instantiation of HF-UCRL-RFE++ (Junkai Zhang, Weitong Zhang & Quanquan Gu, "Optimal
// Horizon-Free Reward-Free Exploration for Linear Mixture MDPs", ICML 2023, arXiv 2303.10165),
// following algorithms.md §5.3. A tabular MDP is a linear mixture with phi_V(s, a) = e_(s,a) (x) V,
// so every regression is block diagonal over (s, a). Per pair and moment order m = 0..M-1:
//
//   A_{sa,m} = lambda I + sum_visits w V^(m) V^(m)T,
//   b_{sa,m} = sum_visits w V^(m) V^(m)(s'),
//   P^_{sa,m} = A_{sa,m}^-1 b_{sa,m},   V^(m) = V^(2^m) (elementwise),
//   ||phi||_m = ||V^(m)||_{A^-1},
//
// with weights w = 1 / sigma^2 from the high-order moment estimator (m < M-1; sigma^2 = 1 at M-1):
//
//   sigma^2 = max([P^_{m+1} V^(m+1)]_[0,1] - [P^_m V^(m)]^2_[0,1] + E_m,  alpha^2,
//                 gamma_w ||phi||_m),
//   E_m     = min(1, 2 beta ||phi||_m) + min(1, beta ||phi||_{m+1}),   alpha^2 = 1 / (K H).
//
// Each episode plans optimistically for the pseudo-reward of the worst-case value uncertainty:
//
//   u(s, a)   = beta sqrt(S lambda_max(A_{sa,0}^-1))     (worst V with ||V||_2 <= sqrt(S))
//   Q_h(s, a) = min(1, min(1, u(s, a)) + P~_sa . V_{h+1} + beta ||V_{h+1}||_{A_{sa,0}^-1})
//   V_h(s)    = max_a Q_h(s, a),   V_{H+1} = 0,
//
// where P~_sa is the Euclidean projection of P^_{sa,0} onto the simplex. It acts greedily on the
// backup before the outer min(1, .): that is the argmax of Q wherever Q < 1 and, where Q saturates
// at 1 (every action of a poorly known state), it picks the most uncertain action instead of the
// lowest index; exact ties go at random. The regressions use the V_{h+1} of the episode's own plan.
// A^-1 is kept by Sherman-Morrison rank-1 updates; lambda_max by warm-started power iteration.
#ifndef REWARDLAB_REWARDS_REWARD_FREE_VTR_EXPLORER_H_
#define REWARDLAB_REWARDS_REWARD_FREE_VTR_EXPLORER_H_

#include <Eigen/Dense>
#include <vector>

#include "rewards/reward_free/explorer.h"

namespace rl {

// The Euclidean projection of `x` onto the probability simplex (Duchi et al. 2008).
Eigen::VectorXd ProjectToSimplex(const Eigen::VectorXd& x);

// Uncertainty-weighted value-targeted regression explorer (method "vtr").
class VtrExplorer : public TabularExplorer {
 public:
  // Explores `mdp`, which must outlive the explorer.
  VtrExplorer(const TabularMdp& mdp, const ExplorerConfig& config);
  // max_a Q_1(s_1, a) of the last plan, averaged over the start distribution.
  double Certificate() const override { return certificate_; }
  // The projected VTR estimate P~(. | s, a) (S), as used for planning.
  Eigen::VectorXd ModelRow(int s, int a) const { return p_tilde_[a].row(s).transpose(); }
  // The pseudo-reward min(1, u(s, a)) of the next plan, (S x A).
  const Eigen::MatrixXd& PseudoReward() const { return pseudo_reward_; }

 protected:
  void PlanEpisode() override;
  int Act(int h, int s) override { return ArgmaxRandomTie(backup_[h].row(s).transpose()); }
  void Learn(const std::vector<ExplorationStep>& steps) override;

 private:
  // Index of the regression of pair (s, a), moment m.
  int Index(int s, int a, int m) const { return (s * mdp_.num_actions + a) * moments_ + m; }
  // One weighted observation of the pair (s, a) with value V and next state `next`.
  void Update(int s, int a, const Eigen::VectorXd& v, int next);
  // Recomputes P~ and the pseudo-reward of the pair (s, a).
  void RefreshPair(int s, int a);

  int moments_ = 1;
  double alpha2_ = 0.0;
  std::vector<Eigen::MatrixXd> a_inv_;  // (S A M) entries (S x S): A_{sa,m}^-1
  std::vector<Eigen::VectorXd> b_;      // (S A M) entries (S): b_{sa,m}
  std::vector<Eigen::VectorXd> p_hat_;  // (S A M) entries (S): P^_{sa,m}
  std::vector<Eigen::VectorXd> top_;    // (S A) entries (S): power-iteration vector of A_{sa,0}^-1
  std::vector<bool> visited_;           // (S A) the pair has been updated
  std::vector<Eigen::MatrixXd> p_tilde_;  // A entries (S x S): [a](s, .) = P~_sa
  Eigen::MatrixXd pseudo_reward_;         // (S x A) min(1, u)
  std::vector<Eigen::VectorXd> values_;   // H + 1 entries (S): V_h of the current plan
  std::vector<Eigen::MatrixXd> backup_;   // H entries (S x A): Q_h before the outer min(1, .)
  double certificate_ = 0.0;
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REWARD_FREE_VTR_EXPLORER_H_
