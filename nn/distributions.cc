#include "nn/distributions.h"

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace rl::nn {

namespace {

constexpr float kHalfLog2Pi = 0.918938533204672742f;  // 0.5 log(2 pi)
constexpr float kLog2 = std::numbers::ln2_v<float>;

// Resizes m only when the shape differs, so steady-state calls never allocate.
void Fit(MatrixXf& m, Eigen::Index rows, Eigen::Index cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

}  // namespace

float Softplus(float x) { return std::max(x, 0.0f) + std::log1p(std::exp(-std::abs(x))); }

float LogOneMinusTanhSq(float u) { return 2.0f * (kLog2 - u - Softplus(-2.0f * u)); }

float BoundLogStd(float raw, float lo, float hi) {
  return lo + 0.5f * (hi - lo) * (std::tanh(raw) + 1.0f);
}

float BoundLogStdGrad(float raw, float lo, float hi) {
  const float t = std::tanh(raw);
  return 0.5f * (hi - lo) * (1.0f - t * t);
}

// --- categorical ---

void Categorical::SetLogits(const Ref<const MatrixXf>& logits) {
  Fit(log_probs_, logits.rows(), logits.cols());
  Fit(probs_, logits.rows(), logits.cols());
  // log-softmax with the column max subtracted first
  for (Eigen::Index b = 0; b < logits.cols(); ++b) {
    const float m = logits.col(b).maxCoeff();
    log_probs_.col(b).array() = logits.col(b).array() - m;
    const float lse = std::log(log_probs_.col(b).array().exp().sum());
    log_probs_.col(b).array() -= lse;
  }
  probs_.array() = log_probs_.array().exp();
}

void Categorical::LogProb(const Ref<const VectorXi>& actions, Ref<VectorXf> out) const {
  for (Eigen::Index b = 0; b < log_probs_.cols(); ++b) out(b) = log_probs_(actions(b), b);
}

void Categorical::Entropy(Ref<VectorXf> out) const {
  out = -(probs_.array() * log_probs_.array()).colwise().sum().transpose();
}

void Categorical::Sample(Rng& rng, Ref<VectorXi> out) const {
  const Eigen::Index n = probs_.rows();
  for (Eigen::Index b = 0; b < probs_.cols(); ++b) {
    const double u = rng.Uniform();
    double cum = 0.0;
    int pick = -1;
    for (Eigen::Index k = 0; k < n; ++k) {
      if (probs_(k, b) <= 0.0f) continue;
      pick = static_cast<int>(k);
      cum += probs_(k, b);
      if (u < cum) break;
    }
    // rounding can leave cum just below u: the last class with mass absorbs it
    out(b) = pick;
  }
}

void Categorical::Mode(Ref<VectorXi> out) const {
  for (Eigen::Index b = 0; b < log_probs_.cols(); ++b) {
    Eigen::Index k;
    log_probs_.col(b).maxCoeff(&k);
    out(b) = static_cast<int>(k);
  }
}

void Categorical::Backward(const Ref<const VectorXi>& actions, const Ref<const VectorXf>& w,
                           const Ref<const VectorXf>& c, MatrixXf& dlogits) const {
  Fit(dlogits, log_probs_.rows(), log_probs_.cols());
  for (Eigen::Index b = 0; b < log_probs_.cols(); ++b) {
    // d log p_a / dz = onehot(a) - p;  dH / dz = -p (log p + H)
    const auto p = probs_.col(b).array();
    const auto lp = log_probs_.col(b).array();
    const float h = -(p * lp).sum();
    dlogits.col(b).array() = -w(b) * p - c(b) * p * (lp + h);
    dlogits(actions(b), b) += w(b);
  }
}

// --- diagonal Gaussian ---

void DiagGaussian::Set(const Ref<const MatrixXf>& mean, const Ref<const VectorXf>& log_std) {
  Fit(mean_, mean.rows(), mean.cols());
  mean_ = mean;
  log_std_ = log_std;
  inv_std_ = (-log_std.array()).exp();
}

void DiagGaussian::LogProb(const Ref<const MatrixXf>& actions, Ref<VectorXf> out) const {
  const float norm = log_std_.sum() + kHalfLog2Pi * static_cast<float>(log_std_.size());
  for (Eigen::Index b = 0; b < mean_.cols(); ++b) {
    const auto z = (actions.col(b) - mean_.col(b)).array() * inv_std_.array();
    out(b) = -0.5f * z.square().sum() - norm;
  }
}

float DiagGaussian::Entropy() const {
  return log_std_.sum() + (0.5f + kHalfLog2Pi) * static_cast<float>(log_std_.size());
}

void DiagGaussian::Sample(Rng& rng, Ref<MatrixXf> out) const {
  for (Eigen::Index b = 0; b < mean_.cols(); ++b) {
    for (Eigen::Index i = 0; i < mean_.rows(); ++i) {
      out(i, b) = mean_(i, b) + static_cast<float>(rng.Normal()) / inv_std_(i);
    }
  }
}

void DiagGaussian::Backward(const Ref<const MatrixXf>& actions, const Ref<const VectorXf>& w,
                            const Ref<const VectorXf>& c, Ref<MatrixXf> dmean,
                            Ref<VectorXf> dlog_std) const {
  // d log p / d mean = z / std, d log p / d log_std = z^2 - 1, dH / d log_std = 1
  dlog_std.setConstant(c.sum());
  for (Eigen::Index b = 0; b < mean_.cols(); ++b) {
    const auto z = (actions.col(b) - mean_.col(b)).array() * inv_std_.array();
    dmean.col(b) = w(b) * z * inv_std_.array();
    dlog_std.array() += w(b) * (z.square() - 1.0f);
  }
}

// --- tanh-squashed Gaussian ---

TanhGaussian::TanhGaussian(TanhGaussianOptions options) : options_(std::move(options)) {
  if (options_.low.size() != options_.high.size()) {
    throw std::invalid_argument("TanhGaussian: low and high differ in size");
  }
  scale_ = 0.5f * (options_.high - options_.low);
  offset_ = 0.5f * (options_.high + options_.low);
}

void TanhGaussian::FitScale(int dim) {
  if (options_.low.size() == 0 && scale_.size() != dim) {
    scale_ = VectorXf::Ones(dim);
    offset_ = VectorXf::Zero(dim);
  }
  if (scale_.size() != dim) throw std::invalid_argument("TanhGaussian: action bounds size");
}

float TanhGaussian::LogDetScale() const { return scale_.array().log().sum(); }

void TanhGaussian::Set(const Ref<const MatrixXf>& mean, const Ref<const MatrixXf>& raw_log_std) {
  FitScale(static_cast<int>(mean.rows()));
  Fit(mean_, mean.rows(), mean.cols());
  Fit(raw_, mean.rows(), mean.cols());
  Fit(log_std_, mean.rows(), mean.cols());
  mean_ = mean;
  raw_ = raw_log_std;
  if (options_.bound_log_std) {
    // BoundLogStd on whole arrays (Eigen's vectorised tanh)
    const float lo = options_.log_std_min;
    const float hi = options_.log_std_max;
    log_std_.array() = lo + 0.5f * (hi - lo) * (raw_.array().tanh() + 1.0f);
  } else {
    log_std_ = raw_;
  }
}

void TanhGaussian::Sample(Rng& rng, Ref<MatrixXf> actions, Ref<VectorXf> log_prob) {
  Fit(eps_, mean_.rows(), mean_.cols());
  float* eps = eps_.data();
  const Eigen::Index n = eps_.size();
  for (Eigen::Index i = 0; i + 1 < n; i += 2) {
    double a, b;
    rng.NormalPair(a, b);
    eps[i] = static_cast<float>(a);
    eps[i + 1] = static_cast<float>(b);
  }
  if (n % 2 == 1) eps[n - 1] = static_cast<float>(rng.Normal());
  SampleWithNoise(eps_, actions, log_prob);
}

void TanhGaussian::SampleWithNoise(const Ref<const MatrixXf>& eps, Ref<MatrixXf> actions,
                                   Ref<VectorXf> log_prob) {
  const Eigen::Index d = mean_.rows();
  Fit(u_, d, mean_.cols());
  Fit(tanh_u_, d, mean_.cols());
  if (eps.data() != eps_.data()) {
    Fit(eps_, d, mean_.cols());
    eps_ = eps;
  }
  // u = mean + std * eps, a = offset + scale * tanh(u), vectorised over the whole batch
  auto u = u_.array();
  u = mean_.array() + log_std_.array().exp() * eps_.array();
  tanh_u_.array() = u.tanh();
  actions = (tanh_u_.array().colwise() * scale_.array()).colwise() + offset_.array();

  // log pi = sum_i [log N(u; mean, std) - log(1 - tanh(u)^2)] - log det(scale), with
  // log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)) and softplus(x) = max(x, 0) + log1p(e^-|x|)
  const auto x = -2.0f * u;
  const auto softplus = x.max(0.0f) + (-x.abs()).exp().log1p();
  const auto log_one_minus_tanh_sq = 2.0f * (kLog2 - u - softplus);
  // the terms over the whole block first (vectorised), then their column sums
  Fit(terms_, d, mean_.cols());
  terms_.array() =
      -0.5f * eps_.array().square() - log_std_.array() - kHalfLog2Pi - log_one_minus_tanh_sq;
  log_prob = terms_.colwise().sum().transpose().array() - LogDetScale();
}

void TanhGaussian::Mode(Ref<MatrixXf> actions) const {
  for (Eigen::Index b = 0; b < mean_.cols(); ++b) {
    actions.col(b) = offset_.array() + scale_.array() * mean_.col(b).array().tanh();
  }
}

void TanhGaussian::Backward(const Ref<const MatrixXf>& dactions,
                            const Ref<const VectorXf>& dlog_prob, Ref<MatrixXf> dmean,
                            Ref<MatrixXf> draw_log_std) const {
  // u = mean + std * eps: du/dmean = 1, du/dlog_std = std * eps; dlogpi/du = 2 tanh(u), and
  // dtanh/du = 1 - tanh(u)^2 = exp(log(1 - tanh(u)^2)), on whole arrays
  const auto u = u_.array();
  const auto x = -2.0f * u;
  const auto softplus = x.max(0.0f) + (-x.abs()).exp().log1p();
  const auto dtanh = (2.0f * (kLog2 - u - softplus)).exp();
  const auto glp = dlog_prob.transpose().array();
  dmean.array() = (dactions.array().colwise() * scale_.array()) * dtanh +
                  (tanh_u_.array().rowwise() * glp) * 2.0f;
  // the explicit -log_std term of log N contributes -1
  if (options_.bound_log_std) {
    const float half_range = 0.5f * (options_.log_std_max - options_.log_std_min);
    draw_log_std.array() =
        (dmean.array() * log_std_.array().exp() * eps_.array()).rowwise() - glp;
    draw_log_std.array() *= half_range * (1.0f - raw_.array().tanh().square());
  } else {
    draw_log_std.array() =
        (dmean.array() * log_std_.array().exp() * eps_.array()).rowwise() - glp;
  }
}

}  // namespace rl::nn
