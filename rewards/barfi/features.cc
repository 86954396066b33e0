#include "rewards/barfi/features.h"

#include <cmath>
#include <numbers>

#include "core/error.h"

namespace rl::barfi {

FeatureMap::FeatureMap(const BarfiFeaturesConfig& config, const Space& space,
                       const std::string& key) {
  const int d = space.Dim();
  squash_ = static_cast<float>(1.0 / config.unbounded_scale);
  low_ = Eigen::VectorXf::Zero(d);
  width_ = Eigen::VectorXf::Zero(d);
  if (space.IsDiscrete()) {
    width_(0) = static_cast<float>(std::max(space.n - 1, 1));
  } else {
    for (int i = 0; i < d; ++i) {
      if (std::isfinite(space.low(i)) && std::isfinite(space.high(i)) &&
          space.high(i) > space.low(i)) {
        low_(i) = static_cast<float>(space.low(i));
        width_(i) = static_cast<float>(space.high(i) - space.low(i));
      }
    }
  }

  if (config.type == "tile") {
    throw UserError("key '" + key + ".type': tile coding is not implemented yet; use fourier " +
                    "(with coupled: false for many dimensions) or constant");
  }
  const int n = config.type == "constant" ? 0 : config.order;
  if (n == 0) {
    freq_ = Eigen::MatrixXf::Zero(1, d);
    return;
  }

  // count before enumerating: (n+1)^d overflows quickly
  double count = config.coupled ? std::pow(n + 1.0, d) : 1.0 + double(n) * d;
  if (count > config.max_features) {
    throw UserError("key '" + key + ".order': a " + (config.coupled ? "coupled" : "uncoupled") +
                    " Fourier basis of order " + std::to_string(n) + " on " + std::to_string(d) +
                    "-dimensional observations (" + space.ToString() + ") has " +
                    std::to_string(static_cast<long long>(count)) + " features, more than " +
                    "max_features = " + std::to_string(config.max_features) +
                    "; lower the order, set coupled: false or raise max_features");
  }
  freq_ = Eigen::MatrixXf::Zero(static_cast<int>(count), d);
  if (config.coupled) {
    // row r holds the base-(n+1) digits of r: every c in {0..n}^d once, row 0 = 0
    for (int r = 0; r < freq_.rows(); ++r) {
      int rest = r;
      for (int i = 0; i < d; ++i, rest /= n + 1) freq_(r, i) = static_cast<float>(rest % (n + 1));
    }
  } else {
    for (int i = 0; i < d; ++i) {
      for (int k = 1; k <= n; ++k) freq_(1 + i * n + (k - 1), i) = static_cast<float>(k);
    }
  }
}

void FeatureMap::Normalize(const Eigen::Ref<const Eigen::MatrixXf>& obs, Eigen::MatrixXf& x) const {
  if (obs.rows() != low_.size()) {
    throw UserError("barfi features: observations of " + std::to_string(obs.rows()) +
                    " entries for a feature map over " + std::to_string(low_.size()));
  }
  x.resize(obs.rows(), obs.cols());
  for (int i = 0; i < obs.rows(); ++i) {
    if (width_(i) > 0) {
      x.row(i) = ((obs.row(i).array() - low_(i)) / width_(i)).cwiseMax(0.0f).cwiseMin(1.0f);
    } else {
      x.row(i) = 0.5f * (1.0f + (obs.row(i).array() * squash_).tanh());
    }
  }
}

void FeatureMap::Compute(const Eigen::Ref<const Eigen::MatrixXf>& obs, Eigen::MatrixXf& f) const {
  if (Size() == 1) {
    f.setOnes(1, obs.cols());
    return;
  }
  Eigen::MatrixXf x;
  Normalize(obs, x);
  f.noalias() = freq_ * x;
  f = (f.array() * std::numbers::pi_v<float>).cos().matrix();
}

}  // namespace rl::barfi
