// The policy-gradient oracle: what a bi-level reward (BARFI, algorithms.md §2.5) asks of the agent
// that optimises it. Agents implement it (Agent::Oracle()); reward modules receive it in
// FitContext::oracle. The contract is docs/oracle.md; in short:
//
// - The batch is the agent's current batch, the transitions its next Update learns from (REINFORCE:
//   the completed episodes; PPO: the complete rollout). The trainer calls Fit between
//   ReadyToUpdate() and Update(), so the batch is there; BatchSize() is 0 when it is not. An
//   oracle that ServesEpisodes() can serve other whole episodes instead (UseEpisodes), until
//   UseAgentBatch().
// - θ is the policy's parameter vector (actor weights, then the log-std of a Gaussian policy);
//   the critic is not part of θ.
// - Every per-step vector (rewards, ScoreDots) is indexed like Batch(), T = BatchSize() entries.
// - J_r(θ) is the agent's policy objective for given per-step rewards r and discount γ: REINFORCE's
//   Monte-Carlo form, or PPO's clipped surrogate with GAE over a fixed critic; it is linear in r.
//   Gradient, HessianVector and RewardGradientOfDot are exact derivatives of that J_r (the HVP up
//   to the central-difference error documented by each agent).
#ifndef REWARDLAB_REWARDS_POLICY_GRADIENT_ORACLE_H_
#define REWARDLAB_REWARDS_POLICY_GRADIENT_ORACLE_H_

#include <Eigen/Dense>

#include "rewards/reward_module.h"

namespace rl {

// Read-only per-step vector (T) or parameter vector (P) passed to the oracle.
using OracleVec = Eigen::Ref<const Eigen::VectorXd>;

// Derivatives of an agent's policy objective on its current batch.
class PolicyGradientOracle {
 public:
  virtual ~PolicyGradientOracle() = default;

  // Number of policy parameters P.
  virtual int NumParams() const = 0;
  // Number of transitions T in the current batch; 0 when there is none.
  virtual int BatchSize() const = 0;
  // The batch's raw transitions (T columns), for computing rewards and their features.
  virtual RewardBatch Batch() const = 0;
  // The current θ (P).
  virtual void Params(Eigen::VectorXd& theta) const = 0;
  // J_r(θ) itself, for per-step rewards r (T) and discount γ (tests, diagnostics, line searches).
  virtual double Objective(const OracleVec& rewards, double gamma) = 0;
  // out (T) = g_t·u with g_t = ∇θ log π_θ(a_t|s_t), for u (P).
  virtual void ScoreDots(const OracleVec& u, Eigen::VectorXd& out) = 0;
  // grad (P) = ∇θ J_r(θ) for per-step rewards r (T) and discount γ.
  virtual void Gradient(const OracleVec& rewards, double gamma, Eigen::VectorXd& grad) = 0;
  // hv (P) = ∇²θ J_r(θ) v for v (P).
  virtual void HessianVector(const OracleVec& rewards, double gamma, const OracleVec& v,
                             Eigen::VectorXd& hv) = 0;
  // out (T): out_k = ∂⟨∇θ J_r(θ), u⟩ / ∂r_k, the mixed product ∇_r⟨∇θ J_r, u⟩ (J_r is linear in
  // r, so chain it with ∂r/∂φ to get ∇_φ⟨∇θ J_φ, u⟩).
  virtual void RewardGradientOfDot(const OracleVec& rewards, double gamma, const OracleVec& u,
                                   Eigen::VectorXd& out) = 0;
  // θ ← θ + α·d: a plain step along d (P); the agent's optimiser state is untouched.
  virtual void Step(const OracleVec& direction, double alpha) = 0;

  // Other episodes (BARFI's HVP batch, algorithms.md §2.3). Whether UseEpisodes is supported;
  // Batch() is then whole episodes back to back, each ending with terminated or truncated.
  virtual bool ServesEpisodes() const { return false; }
  // The actions of Batch() as the policy scores them (act_dim x T): a Discrete policy's class,
  // a Gaussian policy's unclipped draw (the env received it clipped).
  virtual void PolicyActions(Eigen::MatrixXf& actions) const { actions = Batch().action; }
  // Serves `episodes` instead of the agent's batch, at the current θ, until UseAgentBatch: whole
  // episodes back to back, each ending with terminated or truncated, with `policy_actions` as
  // PolicyActions gave them; used as given (no importance weights). Every per-step vector is then
  // indexed like `episodes`. Returns false, changing nothing, when not supported.
  virtual bool UseEpisodes(const RewardBatch& episodes,
                           const Eigen::Ref<const Eigen::MatrixXf>& policy_actions) {
    (void)episodes, (void)policy_actions;
    return false;
  }
  // Serves the agent's own batch again (no effect when it already does).
  virtual void UseAgentBatch() {}
};

// Options of the implicit (bi-level) gradient.
struct ImplicitGradientOptions {
  int neumann_terms = 5;        // K; 0 = first order (H⁻¹ ≈ −I)
  double neumann_alpha = 5e-4;  // α of the series; needs α·λmax(−H) < 2
};

// u (P) ≈ H⁻¹ v with H = ∇²θ J_r: u = −α Σ_{j=0..K} (I + αH)^j v (Lorraine et al. 2020), or −v
// when K = 0.
void NeumannInverseHvp(PolicyGradientOracle& oracle, const OracleVec& rewards, double gamma,
                       const OracleVec& v, const ImplicitGradientOptions& options,
                       Eigen::VectorXd& u);

// The implicit gradient of an outer objective J_p with respect to the inner per-step rewards,
// out (T) = dJ_p/dr = −∇_r⟨∇θ J_r, H⁻¹ ∇θ J_p⟩, from outer_grad = ∇θ J_p (P). With rewards
// r_φ, dJ_p/dφ = Σ_k out_k ∂r_k/∂φ.
void ImplicitRewardGradient(PolicyGradientOracle& oracle, const OracleVec& rewards, double gamma,
                            const OracleVec& outer_grad, const ImplicitGradientOptions& options,
                            Eigen::VectorXd& out);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_POLICY_GRADIENT_ORACLE_H_
