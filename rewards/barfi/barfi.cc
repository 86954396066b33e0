#include "rewards/barfi/barfi.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <utility>

#include "core/checkpoint.h"
#include "core/error.h"
#include "envs/env.h"

namespace rl {
namespace {

const char* const kBlocks[] = {"const", "primary", "aux"};
const char* const kMetrics[] = {
    "outer_objective", "grad_norm", "gamma",       "gamma_grad",   "alpha_lambda",
    "alpha",           "phi_norm",  "outer_steps", "hvp_fallback", "hvp_buffered",
    "w_const",         "w_primary", "w_aux"};
constexpr int kNumMetrics = 13;

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// One Adam (or, with adam = false, SGD) ascent step of x along grad at step t (>= 1).
void AscentStep(bool adam, double lr, int64_t t, double grad, double& x, double& m, double& v) {
  if (!adam) {
    x += lr * grad;
    return;
  }
  constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
  m = kBeta1 * m + (1 - kBeta1) * grad;
  v = kBeta2 * v + (1 - kBeta2) * grad * grad;
  const double c1 = 1 - std::pow(kBeta1, t), c2 = 1 - std::pow(kBeta2, t);
  x += lr * (m / c1) / (std::sqrt(v / c2) + kEps);
}

// Restores the oracle's own batch when it goes out of scope.
class AgentBatchGuard {
 public:
  explicit AgentBatchGuard(PolicyGradientOracle& oracle) : oracle_(oracle) {}
  ~AgentBatchGuard() { oracle_.UseAgentBatch(); }
  AgentBatchGuard(const AgentBatchGuard&) = delete;
  AgentBatchGuard& operator=(const AgentBatchGuard&) = delete;

 private:
  PolicyGradientOracle& oracle_;
};

}  // namespace

Barfi::Barfi(const BarfiConfig& config, BarfiSignal primary, BarfiSignal aux, FeatureMap features,
             double gamma, const Rng& rng, const std::string& name)
    : config_(config),
      primary_(primary),
      aux_(aux),
      features_(std::move(features)),
      gamma_(gamma),
      outer_gamma_(config.outer_gamma < 0 ? gamma : config.outer_gamma),
      name_(name),
      alpha_(config.neumann_alpha),
      rng_(rng),
      buffer_(config.hvp_buffer, "reward module '" + name + "'") {
  // γ_φ = sigmoid(η) starts at gamma_init, or at the agent's γ
  if (config_.learn_gamma) {
    const double start = config_.gamma_init > 0 ? config_.gamma_init : gamma;
    eta_ = std::log(start / (1.0 - start));
    gamma_ = Sigmoid(eta_);
  }
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
  metrics_[11] = metrics_[12] = 1.0;  // w_primary, w_aux: the naive blend
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
    int ended = 0;
    for (int t = 0; t < batch.Size(); ++t) ended += batch.terminated[t] || batch.truncated[t];
    episodes_ += ended;
    if (config_.hvp_episodes > 0 && oracle->ServesEpisodes()) {
      Eigen::MatrixXf actions;
      oracle->PolicyActions(actions);
      buffer_.Append(batch, actions);
    }
    if (fits_ > config_.warmup && episodes_ >= config_.delta) {
      OuterStep(*oracle, std::max(ended, config_.delta));
      episodes_ = 0;
    }
  }
  return metrics_;
}

void Barfi::OuterStep(PolicyGradientOracle& oracle, int recent) {
  // η from γ_φ, which a slider may have moved
  if (config_.learn_gamma) eta_ = std::log(gamma_ / (1.0 - gamma_));
  const RewardBatch batch = oracle.Batch();
  const int n = batch.Size(), p = NumRewardParams();
  const Eigen::VectorXd psi_w = config_.weight * phi_;
  Eigen::MatrixXf psi(p, n);
  RewardGradient(batch, psi);
  const Eigen::VectorXd r_p = r_p_.cast<double>();
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(n);

  // ∇θ J_p on the current batch: the r_p part of the agent's objective (its entropy and fixed
  // baselines cancel)
  Eigen::VectorXd outer_grad, g0;
  oracle.Gradient(r_p, outer_gamma_, outer_grad);
  oracle.Gradient(zero, outer_gamma_, g0);
  outer_grad -= g0;
  const double objective =
      oracle.Objective(r_p, outer_gamma_) - oracle.Objective(zero, outer_gamma_);

  // the HVP batch: hvp_episodes buffered episodes older than the `recent` ones, or the current
  // batch where too few are buffered or the oracle serves none
  AgentBatchGuard guard(oracle);
  hvp_sample_.clear();
  if (config_.hvp_episodes > 0) {
    const int eligible = buffer_.Size() - recent;
    bool other = false;
    if (oracle.ServesEpisodes() && eligible >= config_.hvp_episodes) {
      hvp_sample_ = buffer_.Sample(config_.hvp_episodes, eligible, rng_);
      buffer_.Gather(hvp_sample_, hvp_batch_, hvp_actions_);
      other = oracle.UseEpisodes(ToRewardBatch(hvp_batch_), hvp_actions_);
    }
    if (!other) {
      hvp_sample_.clear();
      ++hvp_fallbacks_;
    } else {
      psi.resize(p, hvp_batch_.Size());
      RewardGradient(ToRewardBatch(hvp_batch_), psi);
    }
  }
  const Eigen::VectorXd r_inner = psi.cast<double>().transpose() * psi_w;

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
  const bool adam = config_.optimizer == "adam";
  ++adam_t_;
  if (adam) {
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEps = 1e-8;
    adam_m_ = kBeta1 * adam_m_ + (1 - kBeta1) * grad;
    adam_v_ = kBeta2 * adam_v_ + (1 - kBeta2) * grad.cwiseAbs2();
    const double c1 = 1 - std::pow(kBeta1, adam_t_), c2 = 1 - std::pow(kBeta2, adam_t_);
    phi_.array() += config_.lr * (adam_m_.array() / c1) / ((adam_v_.array() / c2).sqrt() + kEps);
  } else {
    phi_ += config_.lr * grad;
  }

  // dJ_p/dη = dJ_p/dγ · γ(1 − γ) with γ = sigmoid(η); η ascends dJ_p/dη − gamma_l2 ∂γ/∂η
  const double dgamma = gamma_ * (1 - gamma_);
  const double eta_grad = result.gamma_grad * dgamma;
  if (config_.learn_gamma) {
    const double lr = config_.gamma_lr < 0 ? config_.lr : config_.gamma_lr;
    AscentStep(adam, lr, adam_t_, eta_grad - config_.gamma_l2 * dgamma, eta_, eta_m_, eta_v_);
    gamma_ = Sigmoid(eta_);
  }
  ++outer_steps_;

  // the blend's weights φ_blockᵀf(s), averaged over the batch's states
  features_.Compute(batch.obs, f_);
  const Eigen::VectorXd f_mean = f_.cast<double>().rowwise().mean();
  const int nf = features_.Size();
  metrics_ = {objective,
              grad.norm(),
              gamma_,
              eta_grad,
              result.alpha * result.lambda,
              alpha_,
              phi_.norm(),
              static_cast<double>(outer_steps_),
              static_cast<double>(hvp_fallbacks_),
              static_cast<double>(buffer_.Size()),
              phi_.segment(0, nf).dot(f_mean),
              phi_.segment(nf, nf).dot(f_mean),
              phi_.segment(2 * nf, nf).dot(f_mean)};
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
  if (config_.learn_gamma) params.push_back({"gamma", &gamma_, 0.5, 0.9999});
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
  g.WriteDoubleAttr("eta", eta_);
  g.WriteDoubleAttr("eta_m", eta_m_);
  g.WriteDoubleAttr("eta_v", eta_v_);
  g.WriteDoubleAttr("gamma", gamma_);
  ckpt::WriteRng(g, "rng", rng_);
  g.WriteIntAttr("hvp_fallbacks", hvp_fallbacks_);
  // the HVP buffer and the last sample
  const h5::Group b = buffer_.Save(g);
  b.Write<int64_t>("sample", std::span<const int64_t>(hvp_sample_.data(), hvp_sample_.size()));
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
  const std::vector<double> metrics = g.Read<double>("metrics");
  if (metrics.size() != kNumMetrics) {
    throw UserError("reward module '" + name_ + "': the checkpoint's metrics have " +
                    std::to_string(metrics.size()) + " entries, not " +
                    std::to_string(kNumMetrics));
  }
  metrics_ = metrics;
  adam_t_ = g.ReadIntAttr("adam_t");
  fits_ = g.ReadIntAttr("fits");
  episodes_ = g.ReadIntAttr("episodes");
  outer_steps_ = g.ReadIntAttr("outer_steps");
  alpha_ = g.ReadDoubleAttr("alpha");
  eta_ = g.ReadDoubleAttr("eta");
  eta_m_ = g.ReadDoubleAttr("eta_m");
  eta_v_ = g.ReadDoubleAttr("eta_v");
  if (config_.learn_gamma) gamma_ = g.ReadDoubleAttr("gamma");
  ckpt::ReadRng(g, "rng", rng_);
  hvp_fallbacks_ = g.ReadIntAttr("hvp_fallbacks");
  hvp_sample_ = buffer_.Load(g).Read<int64_t>("sample");
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
  if (config.learn_gamma && config.gamma_init != -1.0 &&
      !(config.gamma_init > 0 && config.gamma_init < 1)) {
    throw UserError("key '" + key + ".gamma_init': " + std::to_string(config.gamma_init) +
                    " is not a discount in (0, 1) that sigmoid(eta) can start at; or -1 for the " +
                    "agent's gamma");
  }
  if (config.learn_gamma && config.gamma_init == -1.0 &&
      !(context.gamma > 0 && context.gamma < 1)) {
    throw UserError("key '" + key + ".gamma_init': learn_gamma starts sigmoid(eta) at the " +
                    "agent's gamma, " + std::to_string(context.gamma) +
                    ", which is not in (0, 1); set gamma_init in (0, 1)");
  }
  if (config.hvp_buffer < config.hvp_episodes) {
    throw UserError("key '" + key + ".hvp_buffer': " + std::to_string(config.hvp_buffer) +
                    " episodes cannot hold an HVP batch of hvp_episodes = " +
                    std::to_string(config.hvp_episodes));
  }
  const BarfiSignal primary =
      ResolveSignal(config.r_p, key + ".r_p", BarfiSignal::Kind::kEnvReward, context);
  const BarfiSignal aux =
      ResolveSignal(config.r_aux, key + ".r_aux", BarfiSignal::Kind::kZero, context);
  FeatureMap features(config.features, context.env->Spec().observation, key + ".features");
  return std::make_unique<Barfi>(config, primary, aux, std::move(features), context.gamma,
                                 Rng(context.seed, RngStream::kReward, context.index),
                                 config.OutputName());
}

}  // namespace rl
