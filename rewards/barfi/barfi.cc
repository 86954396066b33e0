#include "rewards/barfi/barfi.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

#include "core/error.h"
#include "envs/env.h"

namespace rl {
namespace {

const char* const kBlocks[] = {"const", "primary", "aux"};
const char* const kMetrics[] = {"outer_objective", "grad_norm", "gamma",    "gamma_grad",
                                "alpha_lambda",    "alpha",     "phi_norm", "outer_steps"};
constexpr int kNumMetrics = 8;

}  // namespace

Barfi::Barfi(const BarfiConfig& config, BarfiSignal primary, BarfiSignal aux, FeatureMap features,
             double gamma, const std::string& name)
    : config_(config),
      primary_(primary),
      aux_(aux),
      features_(std::move(features)),
      gamma_(gamma),
      outer_gamma_(config.outer_gamma < 0 ? gamma : config.outer_gamma),
      name_(name),
      alpha_(config.neumann_alpha) {
  // r_φ = r_p + r_aux: weight 1 on the constant feature of the r_p and r_aux blocks
  const int f = features_.Size();
  phi_ = Eigen::VectorXd::Zero(3 * f);
  phi_(f) = 1.0;
  phi_(2 * f) = 1.0;
  adam_m_ = adam_v_ = Eigen::VectorXd::Zero(3 * f);
  metrics_.assign(kNumMetrics, 0.0);
  metrics_[2] = gamma_;
  metrics_[5] = alpha_;
  metrics_[6] = phi_.norm();
}

void Barfi::Signal(const BarfiSignal& s, const RewardBatch& batch, Eigen::VectorXf& out) const {
  out.resize(batch.Size());
  switch (s.kind) {
    case BarfiSignal::Kind::kZero:
      out.setZero();
      return;
    case BarfiSignal::Kind::kEnvReward:
      out = batch.env_reward;
      break;
    case BarfiSignal::Kind::kTerm:
      out = batch.terms.row(s.term).transpose();
      break;
    case BarfiSignal::Kind::kModule:
      s.module->Compute(batch, out);
      break;
  }
  if (s.scale != 1.0f) out *= s.scale;
}

void Barfi::Signals(const RewardBatch& batch, Eigen::VectorXf& r_p, Eigen::VectorXf& r_aux) const {
  Signal(primary_, batch, r_p);
  Signal(aux_, batch, r_aux);
}

void Barfi::Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const {
  Signals(batch, r_p_, r_aux_);
  features_.Compute(batch.obs, f_);
  const int f = features_.Size();
  const Eigen::VectorXf phi = phi_.cast<float>();
  out = f_.transpose() * phi.head(f);
  out.array() += (f_.transpose() * phi.segment(f, f)).array() * r_p_.array();
  out.array() += (f_.transpose() * phi.tail(f)).array() * r_aux_.array();
}

void Barfi::RewardGradient(const RewardBatch& batch, Eigen::Ref<Eigen::MatrixXf> out) const {
  Signals(batch, r_p_, r_aux_);
  features_.Compute(batch.obs, f_);
  const int f = features_.Size();
  out.topRows(f) = f_;
  out.middleRows(f, f) = f_ * r_p_.asDiagonal();
  out.bottomRows(f) = f_ * r_aux_.asDiagonal();
}

void Barfi::SetRewardParamVector(const Eigen::Ref<const Eigen::VectorXf>& phi) {
  if (phi.size() != phi_.size()) {
    throw UserError("reward module '" + name_ + "' has " + std::to_string(phi_.size()) +
                    " parameters φ; got " + std::to_string(phi.size()) + " values");
  }
  phi_ = phi.cast<double>();
}

std::vector<double> Barfi::Fit(const FitContext& context) {
  ++fits_;
  PolicyGradientOracle* oracle = context.oracle;
  if (oracle && oracle->BatchSize() > 0) {
    // episodes that ended in this batch
    const RewardBatch batch = oracle->Batch();
    for (int t = 0; t < batch.Size(); ++t) episodes_ += batch.terminated[t] || batch.truncated[t];
    if (fits_ > config_.warmup && episodes_ >= config_.delta) {
      OuterStep(*oracle);
      episodes_ = 0;
    }
  }
  return metrics_;
}

void Barfi::OuterStep(PolicyGradientOracle& oracle) {
  const RewardBatch batch = oracle.Batch();
  const int n = batch.Size(), p = NumRewardParams();
  Eigen::MatrixXf psi(p, n);
  RewardGradient(batch, psi);
  const Eigen::VectorXd r_p = r_p_.cast<double>();
  const Eigen::VectorXd psi_w = config_.weight * phi_;
  const Eigen::VectorXd r_inner = psi.cast<double>().transpose() * psi_w;
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(n);

  // ∇θ J_p: the r_p part of the agent's objective (its entropy and fixed baselines cancel)
  Eigen::VectorXd outer_grad, g0;
  oracle.Gradient(r_p, outer_gamma_, outer_grad);
  oracle.Gradient(zero, outer_gamma_, g0);
  outer_grad -= g0;
  const double objective =
      oracle.Objective(r_p, outer_gamma_) - oracle.Objective(zero, outer_gamma_);

  barfi::OuterGradientOptions options;
  options.neumann_terms = config_.approx == "neumann" ? config_.neumann_terms : 0;
  options.neumann_alpha = alpha_;
  options.guard_iters = config_.guard_iters;
  options.shrink_alpha = config_.shrink_alpha;
  barfi::OuterGradientResult result;
  barfi::OuterGradient(oracle, r_inner, gamma_, outer_grad, options, result);
  alpha_ = result.alpha;

  // dJ_p/dφ = Σ_k (dJ_p/dr_k) weight ψ_k − 2 reward_l2 φ, then an ascent step
  Eigen::VectorXd grad = config_.weight * (psi.cast<double>() * result.reward_grad);
  grad -= 2.0 * config_.reward_l2 * phi_;
  if (config_.optimizer == "adam") {
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
    ++adam_t_;
    adam_m_ = kBeta1 * adam_m_ + (1 - kBeta1) * grad;
    adam_v_ = kBeta2 * adam_v_ + (1 - kBeta2) * grad.cwiseAbs2();
    const double c1 = 1 - std::pow(kBeta1, adam_t_), c2 = 1 - std::pow(kBeta2, adam_t_);
    phi_.array() += config_.lr * (adam_m_.array() / c1) / ((adam_v_.array() / c2).sqrt() + kEps);
  } else {
    phi_ += config_.lr * grad;
  }
  ++outer_steps_;

  // dJ_p/dη = dJ_p/dγ · γ(1 − γ) with γ = sigmoid(η)
  metrics_ = {objective,
              grad.norm(),
              gamma_,
              result.gamma_grad * gamma_ * (1 - gamma_),
              result.alpha * result.lambda,
              alpha_,
              phi_.norm(),
              static_cast<double>(outer_steps_)};
}

std::vector<std::string> Barfi::MetricNames() const {
  std::vector<std::string> names;
  for (const char* m : kMetrics) names.push_back(name_ + "/" + m);
  return names;
}

std::vector<RewardParam> Barfi::Params() {
  std::vector<RewardParam> params;
  const int f = features_.Size();
  for (int i = 0; i < phi_.size(); ++i) {
    params.push_back({"phi/" + std::string(kBlocks[i / f]) + "/" + std::to_string(i % f), &phi_(i),
                      -10.0, 10.0});
  }
  return params;
}

void Barfi::Save(const h5::Group& g) const {
  g.Write<double>("phi", std::span<const double>(phi_.data(), phi_.size()));
  g.Write<double>("adam_m", std::span<const double>(adam_m_.data(), adam_m_.size()));
  g.Write<double>("adam_v", std::span<const double>(adam_v_.data(), adam_v_.size()));
  g.Write<double>("metrics", std::span<const double>(metrics_.data(), metrics_.size()));
  g.WriteIntAttr("adam_t", adam_t_);
  g.WriteIntAttr("fits", fits_);
  g.WriteIntAttr("episodes", episodes_);
  g.WriteIntAttr("outer_steps", outer_steps_);
  g.WriteDoubleAttr("alpha", alpha_);
}

void Barfi::Load(const h5::Group& g) {
  const auto read = [&](const char* key, Eigen::VectorXd& to, int64_t size) {
    const std::vector<double> v = g.Read<double>(key);
    if (static_cast<int64_t>(v.size()) != size) {
      throw UserError("reward module '" + name_ + "': the checkpoint's " + key + " has " +
                      std::to_string(v.size()) + " entries, this config " + std::to_string(size) +
                      " (another feature map?)");
    }
    to = Eigen::Map<const Eigen::VectorXd>(v.data(), size);
  };
  read("phi", phi_, phi_.size());
  read("adam_m", adam_m_, phi_.size());
  read("adam_v", adam_v_, phi_.size());
  Eigen::VectorXd metrics;
  read("metrics", metrics, kNumMetrics);
  metrics_.assign(metrics.data(), metrics.data() + kNumMetrics);
  adam_t_ = g.ReadIntAttr("adam_t");
  fits_ = g.ReadIntAttr("fits");
  episodes_ = g.ReadIntAttr("episodes");
  outer_steps_ = g.ReadIntAttr("outer_steps");
  alpha_ = g.ReadDoubleAttr("alpha");
}

namespace {

// The signal named by `s` at `key` ("reward[0].r_p"); an empty term is `empty`.
BarfiSignal ResolveSignal(const BarfiSignalConfig& s, const std::string& key,
                          BarfiSignal::Kind empty, const RewardContext& context) {
  BarfiSignal signal{empty, -1, nullptr, static_cast<float>(s.scale)};
  if (s.term.empty()) return signal;
  const EnvSpec& spec = context.env->Spec();
  const auto term = std::find(spec.reward_terms.begin(), spec.reward_terms.end(), s.term);
  if (term != spec.reward_terms.end()) {
    signal.kind = BarfiSignal::Kind::kTerm;
    signal.term = static_cast<int>(term - spec.reward_terms.begin());
    return signal;
  }
  std::vector<std::string> known = spec.reward_terms;
  for (const EarlierModule& m : context.earlier) {
    known.push_back(m.name);
    if (m.name == s.term) {
      signal.kind = BarfiSignal::Kind::kModule;
      signal.module = m.module;
      return signal;
    }
  }
  std::string list;
  for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
  throw UserError("key '" + key + ".term': '" + s.term + "' is neither a reward term of " +
                  spec.id + " nor a module listed before this one" + DidYouMean(s.term, known) +
                  " (" + (list.empty() ? "none" : list) + ")");
}

}  // namespace

std::unique_ptr<RewardModule> MakeBarfi(const BarfiConfig& config, const std::string& key,
                                        const RewardContext& context) {
  if (config.learn_gamma) {
    throw UserError("key '" + key + ".learn_gamma': a learned discount is not implemented (the " +
                    "agent discounts with its own gamma); set false, the metric gamma_grad " +
                    "reports dJ_p/deta");
  }
  const BarfiSignal primary =
      ResolveSignal(config.r_p, key + ".r_p", BarfiSignal::Kind::kEnvReward, context);
  const BarfiSignal aux =
      ResolveSignal(config.r_aux, key + ".r_aux", BarfiSignal::Kind::kZero, context);
  FeatureMap features(config.features, context.env->Spec().observation, key + ".features");
  return std::make_unique<Barfi>(config, primary, aux, std::move(features), context.gamma,
                                 config.OutputName());
}

}  // namespace rl
