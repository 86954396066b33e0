#include "nn/adam.h"

#include <cmath>
#include <stdexcept>

namespace rl::nn {

Adam::Adam(int num_params, AdamOptions options)
    : options_(options),
      m_(Eigen::VectorXf::Zero(num_params)),
      v_(Eigen::VectorXf::Zero(num_params)) {}

void Adam::Step(Eigen::Ref<Eigen::VectorXf> params, const Eigen::Ref<const Eigen::VectorXf>& grad) {
  if (params.size() != m_.size() || grad.size() != m_.size()) {
    throw std::invalid_argument("Adam::Step: parameter or gradient size mismatch");
  }
  ++step_;
  // coefficients formed in double and rounded once, as torch does with Python floats
  const double b1 = options_.beta1;
  const double b2 = options_.beta2;
  const float b1f = static_cast<float>(b1), c1 = static_cast<float>(1.0 - b1);
  const float b2f = static_cast<float>(b2), c2 = static_cast<float>(1.0 - b2);
  // torch: p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)
  const double t = static_cast<double>(step_);
  const double bc1 = 1.0 - std::pow(b1, t);
  const double bc2 = 1.0 - std::pow(b2, t);
  const float step_size = static_cast<float>(options_.lr / bc1);
  const float sqrt_bc2 = static_cast<float>(std::sqrt(bc2));
  const float eps = static_cast<float>(options_.eps);

  // the moments and the step in one pass (vectorised by the compiler)
  float* p = params.data();
  const float* g = grad.data();
  float* m = m_.data();
  float* v = v_.data();
  const Eigen::Index n = m_.size();
  for (Eigen::Index i = 0; i < n; ++i) {
    m[i] = b1f * m[i] + c1 * g[i];
    v[i] = b2f * v[i] + c2 * (g[i] * g[i]);
    p[i] -= step_size * m[i] / (std::sqrt(v[i]) / sqrt_bc2 + eps);
  }
}

float ClipGradNorm(Eigen::Ref<Eigen::VectorXf> grad, float max_norm) {
  const float norm = grad.norm();
  // torch multiplies by the coefficient clamped to 1, i.e. only when it is below 1
  const float coef = max_norm / (norm + 1e-6f);
  if (coef < 1.0f) grad *= coef;
  return norm;
}

bool AllFinite(const Eigen::Ref<const Eigen::VectorXf>& v) {
  return (v.array() * 0.0f).sum() == 0.0f;
}

void Polyak(Eigen::Ref<Eigen::VectorXf> target, const Eigen::Ref<const Eigen::VectorXf>& source,
            float tau) {
  target = (1.0f - tau) * target + tau * source;
}

}  // namespace rl::nn
