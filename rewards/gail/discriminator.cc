#include "rewards/gail/discriminator.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "nn/serialize.h"

namespace rl::gail {
namespace {

// log(1 + e^z) without overflow.
double Softplus(double z) { return std::max(z, 0.0) + std::log1p(std::exp(-std::abs(z))); }

nn::MlpOptions NetOptions(const DiscriminatorOptions& o) {
  nn::MlpOptions m;
  m.leaky_slope = kLeakySlope;
  m.spectral_norm = o.spectral_norm;
  return m;
}

}  // namespace

Discriminator::Discriminator(int in_dim, const DiscriminatorOptions& options, Rng& rng)
    : options_(options),
      net_(nn::LayerSizes(in_dim, options.hidden, 1), options.activation, kHeadGain, rng,
           NetOptions(options)),
      adam_(net_.NumParams(), nn::AdamOptions{.lr = options.lr}),
      stats_(in_dim, 1e-4, std::numeric_limits<double>::infinity()),
      grad_(net_.NumParams()) {}

void Discriminator::Normalize(const Eigen::Ref<const Eigen::MatrixXf>& x,
                              Eigen::Ref<Eigen::MatrixXf> out) const {
  if (!options_.normalize_inputs) {
    out = x;
    return;
  }
  stats_.Normalize(x, out);
  for (const int r : options_.raw_rows) out.row(r) = x.row(r);
}

void Discriminator::MergeStats(const Eigen::Ref<const Eigen::MatrixXf>& x) {
  if (options_.raw_rows.empty()) {
    stats_.Update(x);
    return;
  }
  const int bit = options_.raw_rows.front();
  real_.resize(x.rows(), x.cols());
  Eigen::Index n = 0;
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    if (x(bit, j) < 0.5f) real_.col(n++) = x.col(j);
  }
  stats_.Update(real_.leftCols(n));
}

void Discriminator::Logits(const Eigen::Ref<const Eigen::MatrixXf>& x,
                           Eigen::Ref<Eigen::VectorXf> out) const {
  x_norm_.resize(x.rows(), x.cols());
  Normalize(x, x_norm_);
  net_.Forward(x_norm_, y_);
  out = y_.row(0).transpose();
}

void Discriminator::InputGradNorms(const Eigen::Ref<const Eigen::MatrixXf>& x,
                                   Eigen::Ref<Eigen::VectorXf> out) const {
  x_norm_.resize(x.rows(), x.cols());
  Normalize(x, x_norm_);
  net_.ForwardInference(x_norm_, probe_cache_);
  probe_ones_.setOnes(1, x.cols());
  net_.BackwardInput(probe_cache_, probe_ones_, probe_gx_);
  out = probe_gx_.colwise().norm().transpose();
}

void Discriminator::PenaltyPointsOf(const Eigen::Ref<const Eigen::MatrixXf>& expert,
                                    const Eigen::Ref<const Eigen::MatrixXf>& policy, Rng& rng,
                                    Eigen::MatrixXf& points) const {
  const int b = static_cast<int>(expert.cols());
  if (policy.cols() != b) throw std::invalid_argument("penalty points: unequal batches");
  const float s = options_.penalty_noise;
  switch (options_.penalty) {
    case PenaltyPoints::kNone:
      points.resize(expert.rows(), 0);
      return;
    case PenaltyPoints::kWgan:
      // one ε per sample for the whole vector (not one per part, §4.7)
      points.resize(expert.rows(), b);
      for (int j = 0; j < b; ++j) {
        const float eps = static_cast<float>(rng.Uniform());
        points.col(j) = eps * policy.col(j) + (1.0f - eps) * expert.col(j);
      }
      return;
    case PenaltyPoints::kDragan:
    case PenaltyPoints::kNagard:
      points = options_.penalty == PenaltyPoints::kDragan ? expert : policy;
      for (int j = 0; j < b; ++j)
        for (int i = 0; i < points.rows(); ++i)
          points(i, j) += s * static_cast<float>(rng.Normal());
      return;
  }
}

double Discriminator::Penalty(const Eigen::Ref<const Eigen::MatrixXf>& points,
                              Eigen::Ref<Eigen::VectorXf> grad, Eigen::MatrixXf* input_grad) {
  net_.Forward(points, penalty_cache_);
  return net_.GradientPenalty(penalty_cache_, options_.penalty_target, options_.penalty_form,
                              options_.penalty_scale, grad, input_grad);
}

UpdateStats Discriminator::Update(const Eigen::Ref<const Eigen::MatrixXf>& expert,
                                  const Eigen::Ref<const Eigen::MatrixXf>& policy, Rng& rng) {
  const int b = static_cast<int>(expert.cols());
  if (policy.cols() != b || b == 0) throw std::invalid_argument("discriminator: batch sizes");
  if (options_.normalize_inputs) {
    MergeStats(expert);
    MergeStats(policy);
  }
  x_.resize(expert.rows(), 2 * b);
  Normalize(expert, x_.leftCols(b));
  Normalize(policy, x_.rightCols(b));
  net_.Forward(x_, cache_);
  const Eigen::MatrixXf& logit = cache_.Output();

  // BCE (expert label 1 − smoothing, policy 0) and −c·H(sigmoid(D)), H = softplus(D) − pD,
  // dH/dD = −D p (1 − p); dL/dD per column
  UpdateStats s;
  dy_.resize(1, 2 * b);
  const double y_expert = 1.0 - options_.label_smoothing;
  const double ent = options_.ent_coef;
  for (int j = 0; j < 2 * b; ++j) {
    const double d = logit(0, j);
    const double p = 1.0 / (1.0 + std::exp(-d));
    const double y = j < b ? y_expert : 0.0;
    s.bce += (Softplus(d) - y * d) / b;
    if (j < b) s.expert_accuracy += (d > 0.0) / static_cast<double>(b);
    if (j >= b) s.policy_accuracy += (d < 0.0) / static_cast<double>(b);
    dy_(0, j) = static_cast<float>((p - y) / b + ent * d * p * (1.0 - p) / (2.0 * b));
  }
  grad_.setZero();
  net_.Backward(cache_, dy_, grad_);

  // ‖∇_x̃ D‖ at the real inputs, for the metric
  ones_.setOnes(1, 2 * b);
  net_.BackwardInput(cache_, ones_, gx_);
  s.grad_norm = gx_.colwise().norm().cast<double>().mean();

  if (options_.penalty != PenaltyPoints::kNone) {
    PenaltyPointsOf(x_.leftCols(b), x_.rightCols(b), rng, points_);
    s.penalty = Penalty(points_, grad_);
  }
  adam_.Step(net_.Params(), grad_);
  return s;
}

void Discriminator::Save(const h5::Group& g) const { nn::SaveModel(g, net_, adam_, stats_); }

void Discriminator::Load(const h5::Group& g) { nn::LoadModel(g, net_, adam_, stats_); }

}  // namespace rl::gail
