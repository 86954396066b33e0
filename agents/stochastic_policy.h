// Derivatives of a stochastic policy π_θ(a|s) over a batch, for the policy-gradient oracles of
// REINFORCE and PPO: the policy is an Mlp head (softmax logits, or Gaussian means with a
// state-independent log-std) and θ = [network parameters; log-std].
//
// Score dot products g_t·u, g_t = ∇θ log π(a_t|s_t), are exact and batched: a tangent forward pass
// through the network in direction u (a Jacobian-vector product), then the distribution's
// derivative with respect to its head.
#ifndef REWARDLAB_AGENTS_STOCHASTIC_POLICY_H_
#define REWARDLAB_AGENTS_STOCHASTIC_POLICY_H_

#include <Eigen/Dense>
#include <functional>

#include "agents/gae.h"
#include "envs/feature_map.h"
#include "nn/distributions.h"
#include "nn/mlp.h"

namespace rl {

// What one evaluation of the policy on a batch leaves behind (reused across calls).
struct PolicyEval {
  nn::MlpCache cache;                 // the network's activations
  nn::Categorical categorical;        // the softmax over the logits (discrete policies)
  nn::DiagGaussian gaussian;          // N(means, exp(log_std)²) (continuous policies)
  Eigen::VectorXi classes;            // (T) actions as class indices (discrete)
  MatF actions;                       // (act_dim x T) the actions evaluated
  VecF logp;                          // (T) log π(a_t|s_t)
  VecF entropy;                       // (T) H(π(·|s_t))
  MatF input;                         // (F x T) f(s) of the observations, with features
  MatF dhead, tangent, next_tangent;  // scratch
};

// A view of a policy's parameters: the network and, for Gaussian policies, its log-std.
struct StochasticPolicy {
  nn::Mlp* net;   // head: logits (discrete) or means (continuous)
  VecF* log_std;  // (act_dim) state-independent log-std; unused when discrete
  bool discrete;  // categorical (else diagonal Gaussian)
  const FeatureMap* features = nullptr;  // fixed f(s) the network reads; null: s itself

  // Length P of θ.
  int NumParams() const;
  // θ as one double vector (P).
  void Params(Eigen::VectorXd& theta) const;
  // Sets θ from a double vector (P).
  void SetParams(const Eigen::Ref<const Eigen::VectorXd>& theta) const;
  // θ ← θ + α·d.
  void Step(const Eigen::Ref<const Eigen::VectorXd>& direction, double alpha) const;
  // Runs the policy on obs (obs_dim x T) and actions (act_dim x T; class indices when discrete):
  // fills e.logp, e.entropy and what Gradient and ScoreDots need.
  void Evaluate(const Eigen::Ref<const MatF>& obs, const Eigen::Ref<const MatF>& actions,
                PolicyEval& e) const;
  // grad (P) = ∇θ Σ_t [w_t log π(a_t|s_t) + c_t H(π(·|s_t))] at the last Evaluate.
  void Gradient(PolicyEval& e, const Eigen::Ref<const VecF>& w, const Eigen::Ref<const VecF>& c,
                VecF& grad) const;
  // out (T) = g_t·u at the last Evaluate; any hidden activation; throws UserError when the
  // network is spectrally normalised.
  void ScoreDots(PolicyEval& e, const Eigen::Ref<const Eigen::VectorXd>& u,
                 Eigen::VectorXd& out) const;
};

// The relative step of the oracles' central-difference Hessian-vector products, ε = kHvpStep/||v||.
inline constexpr double kHvpStep = 1e-2;

// hv (P) = [∇J(θ + εv) − ∇J(θ − εv)] / 2ε with ε = kHvpStep/||v||, `gradient` writing ∇J at the
// policy's current θ; θ is restored bit for bit. Float32 networks: the result carries a relative
// error of about 1e-4 (rounding) plus O(ε²) truncation.
void FiniteDifferenceHvp(const StochasticPolicy& policy,
                         const std::function<void(Eigen::VectorXd&)>& gradient,
                         const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::VectorXd& hv);

}  // namespace rl

#endif  // REWARDLAB_AGENTS_STOCHASTIC_POLICY_H_
