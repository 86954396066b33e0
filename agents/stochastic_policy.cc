#include "agents/stochastic_policy.h"

#include "core/error.h"

namespace rl {

int StochasticPolicy::NumParams() const {
  return net->NumParams() + (discrete ? 0 : static_cast<int>(log_std->size()));
}

void StochasticPolicy::Params(Eigen::VectorXd& theta) const {
  const int n = net->NumParams();
  theta.resize(NumParams());
  theta.head(n) = net->Params().cast<double>();
  if (!discrete) theta.tail(log_std->size()) = log_std->cast<double>();
}

void StochasticPolicy::SetParams(const Eigen::Ref<const Eigen::VectorXd>& theta) const {
  const int n = net->NumParams();
  net->Params() = theta.head(n).cast<float>();
  if (!discrete) *log_std = theta.tail(log_std->size()).cast<float>();
}

void StochasticPolicy::Step(const Eigen::Ref<const Eigen::VectorXd>& direction,
                            double alpha) const {
  Eigen::VectorXd theta;
  Params(theta);
  theta += alpha * direction;
  SetParams(theta);
}

void StochasticPolicy::Evaluate(const Eigen::Ref<const MatF>& obs,
                                const Eigen::Ref<const MatF>& actions, PolicyEval& e) const {
  const int n = static_cast<int>(obs.cols());
  if (features) {
    features->Compute(obs, e.input);
    net->Forward(e.input, e.cache);
  } else {
    net->Forward(obs, e.cache);
  }
  e.actions = actions;
  e.logp.resize(n);
  e.entropy.resize(n);
  if (discrete) {
    e.categorical.SetLogits(e.cache.Output());
    e.classes = actions.row(0).transpose().cast<int>();
    e.categorical.LogProb(e.classes, e.logp);
    e.categorical.Entropy(e.entropy);
  } else {
    e.gaussian.Set(e.cache.Output(), *log_std);
    e.gaussian.LogProb(actions, e.logp);
    e.entropy.setConstant(e.gaussian.Entropy());
  }
}

void StochasticPolicy::Gradient(PolicyEval& e, const Eigen::Ref<const VecF>& w,
                                const Eigen::Ref<const VecF>& c, VecF& grad) const {
  grad.setZero(NumParams());
  const int n = net->NumParams();
  e.dhead.resize(e.cache.Output().rows(), e.cache.Output().cols());
  if (discrete) {
    e.categorical.Backward(e.classes, w, c, e.dhead);
  } else {
    e.gaussian.Backward(e.actions, w, c, e.dhead, grad.tail(log_std->size()));
  }
  net->Backward(e.cache, e.dhead, grad.head(n));
}

void StochasticPolicy::ScoreDots(PolicyEval& e, const Eigen::Ref<const Eigen::VectorXd>& u,
                                 Eigen::VectorXd& out) const {
  // the tangent below differentiates W_l, not W_l/σ(W_l)
  if (net->SpectralNorm()) {
    throw UserError(
        "policy score dots: the policy network is spectrally normalised, which the "
        "policy-gradient oracle does not support; turn spectral_norm off for the policy");
  }
  // tangent forward: ż_l = U_l a_l + W_l ȧ_l + u_b, ȧ_{l+1} = act'(z_l) ⊙ ż_l, ȧ_0 = 0
  const VecF uf = u.cast<float>();
  const int layers = net->NumLayers();
  const int batch = static_cast<int>(e.cache.acts[0].cols());
  for (int l = 0; l < layers; ++l) {
    const int in = net->Sizes()[l], out_dim = net->Sizes()[l + 1];
    const Eigen::Map<const MatF> du(uf.data() + net->Offset(l), out_dim, in);
    const Eigen::Map<const VecF> db(uf.data() + net->Offset(l) + out_dim * in, out_dim);
    e.next_tangent.noalias() = du * e.cache.acts[l];
    if (l > 0) e.next_tangent.noalias() += net->Weight(l) * e.tangent;
    e.next_tangent.colwise() += db;
    if (l + 1 < layers) net->ApplyDerivative(e.cache.acts[l + 1], e.next_tangent);
    std::swap(e.tangent, e.next_tangent);
  }

  // the head's derivative of log π, dotted with the head's tangent
  out.resize(batch);
  const MatF& head = e.cache.Output();
  if (discrete) {
    const MatF& p = e.categorical.Probs();
    for (int t = 0; t < batch; ++t) {
      out[t] = e.tangent(e.classes[t], t) - p.col(t).dot(e.tangent.col(t));
    }
    return;
  }
  const int d = static_cast<int>(log_std->size());
  const auto u_log_std = u.tail(d);
  const VecF inv_std = (-log_std->array()).exp();
  for (int t = 0; t < batch; ++t) {
    const VecF z = (e.actions.col(t) - head.col(t)).cwiseProduct(inv_std);
    double s = 0.0;
    for (int i = 0; i < d; ++i) {
      s += static_cast<double>(e.tangent(i, t)) * z[i] * inv_std[i];
      s += u_log_std[i] * (static_cast<double>(z[i]) * z[i] - 1.0);
    }
    out[t] = s;
  }
}

namespace {

// Saves a policy's θ and writes it back on Restore() and on destruction.
class ParamsGuard {
 public:
  explicit ParamsGuard(const StochasticPolicy& policy)
      : policy_(policy),
        net_(policy.net->Params()),
        log_std_(policy.discrete ? VecF() : *policy.log_std) {}
  ParamsGuard(const ParamsGuard&) = delete;
  ParamsGuard& operator=(const ParamsGuard&) = delete;
  ~ParamsGuard() { Restore(); }

  // Writes the saved θ back.
  void Restore() const {
    policy_.net->Params() = net_;
    if (!policy_.discrete) *policy_.log_std = log_std_;
  }

 private:
  const StochasticPolicy& policy_;
  const VecF net_, log_std_;
};

}  // namespace

void FiniteDifferenceHvp(const StochasticPolicy& policy,
                         const std::function<void(Eigen::VectorXd&)>& gradient,
                         const Eigen::Ref<const Eigen::VectorXd>& v, Eigen::VectorXd& hv) {
  const double norm = v.norm();
  hv.setZero(policy.NumParams());
  if (norm == 0.0) return;
  const double eps = kHvpStep / norm;
  // θ comes back bit for bit on every exit, also when `gradient` throws
  const ParamsGuard guard(policy);
  Eigen::VectorXd plus, minus;
  policy.Step(v, eps);
  gradient(plus);
  guard.Restore();
  policy.Step(v, -eps);
  gradient(minus);
  guard.Restore();
  hv = (plus - minus) / (2.0 * eps);
}

}  // namespace rl
