#include "nn/adam.h"

#include <cmath>
#include <stdexcept>

namespace rl::nn {

Adam::Adam(int num_params, AdamOptions options)
    : options_(options), m_(Eigen::VectorXf::Zero(num_params)),
      v_(Eigen::VectorXf::Zero(num_params)) {}

void Adam::Step(Eigen::Ref<Eigen::VectorXf> params, const Eigen::Ref<const Eigen::VectorXf>& grad) {
  if (params.size() != m_.size() || grad.size() != m_.size()) {
    throw std::invalid_argument("Adam::Step: parameter or gradient size mismatch");
  }
  ++step_;
  const float b1 = options_.beta1;
  const float b2 = options_.beta2;
  m_.array() = b1 * m_.array() + (1.0f - b1) * grad.array();
  v_.array() = b2 * v_.array() + (1.0f - b2) * grad.array().square();

  // torch: p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)
  const double t = static_cast<double>(step_);
  const double bc1 = 1.0 - std::pow(static_cast<double>(b1), t);
  const double bc2 = 1.0 - std::pow(static_cast<double>(b2), t);
  const float step_size = static_cast<float>(options_.lr / bc1);
  const float sqrt_bc2 = static_cast<float>(std::sqrt(bc2));
  params.array() -= step_size * m_.array() / (v_.array().sqrt() / sqrt_bc2 + options_.eps);
}

float ClipGradNorm(Eigen::Ref<Eigen::VectorXf> grad, float max_norm) {
  const float norm = grad.norm();
  // torch multiplies by the coefficient clamped to 1, i.e. only when it is below 1
  const float coef = max_norm / (norm + 1e-6f);
  if (coef < 1.0f) grad *= coef;
  return norm;
}

void Polyak(Eigen::Ref<Eigen::VectorXf> target, const Eigen::Ref<const Eigen::VectorXf>& source,
            float tau) {
  target = (1.0f - tau) * target + tau * source;
}

}  // namespace rl::nn
