// PPO's policy-gradient oracle over the complete rollout (between ReadyToUpdate() and Update(),
// where the trainer fits learned rewards), at the networks that collected it (θ_old):
//
//   J_r(θ) = (1/T) Σ_t min(ρ_t Â_t, clip(ρ_t, 1 ± clip_coef) Â_t) + c_ent (1/T) Σ_t H(π_θ(·|s_t)),
//   ρ_t = π_θ(a_t|s_t) / π_old(a_t|s_t),
//
// with Â the GAE(γ, gae_lambda) advantages of the given rewards r over the FIXED critic that
// collected the rollout (V(s_t) as stored, V(s'_t) of the true next states; truncations bootstrap
// as bootstrap_truncated says). The rewards are used as given: no reward scaling, no per-minibatch
// advantage normalisation, no clip annealing. At θ = θ_old every ρ_t = 1, so the clipped
// surrogate's gradient is the unclipped one, (1/T) Σ_t Â_t g_t + the entropy term. θ = [actor
// parameters; log-std]; Step moves them directly (Adam's moments are untouched).
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "agents/ppo/ppo.h"
#include "agents/stochastic_policy.h"
#include "core/error.h"

namespace rl {

// The oracle of one Ppo (a friend: it reads the rollout and moves the actor).
class PpoOracle : public PolicyGradientOracle {
 public:
  explicit PpoOracle(Ppo& ppo) : ppo_(ppo) {}

  int NumParams() const override { return Policy().NumParams(); }
  int BatchSize() const override {
    return ppo_.ReadyToUpdate() ? ppo_.config_.num_steps * ppo_.num_envs_ : 0;
  }
  RewardBatch Batch() const override {
    Require();
    return ToRewardBatch(ppo_.rollout_);
  }
  void Params(Eigen::VectorXd& theta) const override { Policy().Params(theta); }

  double Objective(const OracleVec& rewards, double gamma) override {
    VecF adv;
    Advantages(rewards, gamma, adv);
    Evaluate();
    const float clip = static_cast<float>(ppo_.config_.clip_coef);
    double sum = 0.0;
    for (int k = 0; k < adv.size(); ++k) {
      const float ratio = std::exp(eval_.logp[k] - ppo_.logp_[k]);
      sum += std::min(ratio * adv[k], std::clamp(ratio, 1.0f - clip, 1.0f + clip) * adv[k]);
    }
    const double entropy = eval_.entropy.cast<double>().sum();
    return (sum + ppo_.config_.ent_coef * entropy) / static_cast<double>(adv.size());
  }

  void ScoreDots(const OracleVec& u, Eigen::VectorXd& out) override {
    Evaluate();
    Policy().ScoreDots(eval_, u, out);
  }

  void Gradient(const OracleVec& rewards, double gamma, Eigen::VectorXd& grad) override {
    VecF adv, w, c, g;
    Advantages(rewards, gamma, adv);
    Evaluate();
    SurrogateWeights(adv, w);
    const int steps = BatchSize();
    c = VecF::Constant(steps, static_cast<float>(ppo_.config_.ent_coef / steps));
    Policy().Gradient(eval_, w / static_cast<float>(steps), c, g);
    grad = g.cast<double>();
  }

  void HessianVector(const OracleVec& rewards, double gamma, const OracleVec& v,
                     Eigen::VectorXd& hv) override {
    FiniteDifferenceHvp(
        Policy(), [&](Eigen::VectorXd& grad) { Gradient(rewards, gamma, grad); }, v, hv);
  }

  void RewardGradientOfDot(const OracleVec& rewards, double gamma, const OracleVec& u,
                           Eigen::VectorXd& out) override {
    // ∂Â_t/∂r_k = (γλ)^(k−t) for t ≤ k in the same episode of the same slot: a forward sweep of
    // the active per-step weights ρ_t (g_t·u) / T
    VecF adv, w;
    Advantages(rewards, gamma, adv);
    Eigen::VectorXd s;
    ScoreDots(u, s);
    SurrogateWeights(VecF::Ones(adv.size()), w, &adv);
    const int steps = ppo_.config_.num_steps, n = ppo_.num_envs_, total = steps * n;
    const Rollout& rollout = CachedRollout();
    const double decay = gamma * ppo_.config_.gae_lambda;
    out.resize(total);
    for (int i = 0; i < n; ++i) {
      double acc = 0.0;
      for (int t = 0; t < steps; ++t) {
        const int k = t * n + i;
        const bool reset = t == 0 || rollout.terminated(t - 1, i) || rollout.truncated(t - 1, i);
        acc = (reset ? 0.0 : decay * acc) + w[k] * s[k] / total;
        out[k] = acc;
      }
    }
  }

  void Step(const OracleVec& direction, double alpha) override { Policy().Step(direction, alpha); }

 private:
  // What the fixed critic says about one rollout.
  struct Rollout {
    std::optional<uint64_t> version;  // Ppo::rollout_version_ it was computed at; none yet
    MatF values, next_values;         // (T x N) V(s_t) as stored, V(s'_t)
    MatU8 terminated, truncated;      // (T x N) episode ends
  };

  StochasticPolicy Policy() const { return {&ppo_.actor_, &ppo_.log_std_, ppo_.discrete_}; }

  void Require() const {
    if (!ppo_.ReadyToUpdate()) {
      throw UserError(
          "PPO oracle: the rollout is not complete (call it between ReadyToUpdate() "
          "and Update())");
    }
  }

  // π_θ on the rollout into eval_.
  void Evaluate() {
    Require();
    Policy().Evaluate(ppo_.obs_norm_, ppo_.actions_, eval_);
  }

  // The critic's values and the episode flags of the current rollout, (T x N) each: computed
  // once per rollout (V(s') is a critic forward over all of it), keyed on rollout_version_.
  const Rollout& CachedRollout() {
    if (rollout_cache_.version == ppo_.rollout_version_) return rollout_cache_;
    const int steps = ppo_.config_.num_steps, n = ppo_.num_envs_;
    Rollout& c = rollout_cache_;
    c.values.resize(steps, n);
    c.terminated.resize(steps, n);
    c.truncated.resize(steps, n);
    for (int t = 0; t < steps; ++t) {
      for (int i = 0; i < n; ++i) {
        const int k = t * n + i;
        c.values(t, i) = ppo_.values_[k];
        c.terminated(t, i) = ppo_.rollout_.Terminated()[k];
        c.truncated(t, i) = ppo_.rollout_.Truncated()[k];
      }
    }
    ppo_.NextValues(c.next_values);
    c.version = ppo_.rollout_version_;
    return c;
  }

  // GAE advantages (T*N, time-major like the rollout) of `rewards` over the stored critic values.
  void Advantages(const OracleVec& rewards, double gamma, VecF& adv) {
    Require();
    const int steps = ppo_.config_.num_steps, n = ppo_.num_envs_;
    if (rewards.size() != steps * n) {
      throw UserError("PPO oracle: " + std::to_string(rewards.size()) +
                      " rewards for a rollout of " + std::to_string(steps * n) + " transitions");
    }
    const Rollout& rollout = CachedRollout();
    MatF r(steps, n), a, ret;
    for (int t = 0; t < steps; ++t) {
      for (int i = 0; i < n; ++i) r(t, i) = static_cast<float>(rewards[t * n + i]);
    }
    ComputeGae({r, rollout.values, rollout.next_values, rollout.terminated, rollout.truncated},
               static_cast<float>(gamma), static_cast<float>(ppo_.config_.gae_lambda),
               ppo_.config_.bootstrap_truncated, a, ret);
    adv = Eigen::Map<const VecF>(MatF(a.transpose()).data(), steps * n);
  }

  // w_t = ρ_t·x_t where the unclipped surrogate term is the minimum (as PpoPolicyLoss), else 0;
  // the branch is chosen by the advantages `branch` (default: x itself).
  void SurrogateWeights(const VecF& x, VecF& w, const VecF* branch = nullptr) const {
    const float clip = static_cast<float>(ppo_.config_.clip_coef);
    const VecF& a = branch ? *branch : x;
    w.resize(x.size());
    for (int k = 0; k < x.size(); ++k) {
      const float ratio = std::exp(eval_.logp[k] - ppo_.logp_[k]);
      const float l1 = -a[k] * ratio;
      const float l2 = -a[k] * std::clamp(ratio, 1.0f - clip, 1.0f + clip);
      w[k] = l1 >= l2 ? ratio * x[k] : 0.0f;
    }
  }

  Ppo& ppo_;
  PolicyEval eval_;
  Rollout rollout_cache_;
};

PolicyGradientOracle* Ppo::Oracle() {
  if (!oracle_) oracle_ = std::make_unique<PpoOracle>(*this);
  return oracle_.get();
}

}  // namespace rl
