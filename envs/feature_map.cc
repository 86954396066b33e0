#include "envs/feature_map.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "core/error.h"

namespace rl {

FeatureMap::FeatureMap(const FeatureMapConfig& config, const Space& space, const std::string& key) {
  if (config.type == "none") {
    throw UserError("key '" + key + ".type': none is no feature map here; use constant, fourier " +
                    "or tile");
  }
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
    const double count = 1.0 + config.tilings * std::pow(config.tiles + 1.0, d);
    if (count > config.max_features) {
      throw UserError("key '" + key + ".tiles': " + std::to_string(config.tilings) +
                      " tilings of " + std::to_string(config.tiles) + " tiles on " +
                      std::to_string(d) + "-dimensional observations (" + space.ToString() +
                      ") make " + std::to_string(static_cast<long long>(count)) +
                      " features, more than max_features = " + std::to_string(config.max_features) +
                      "; use fewer tiles or tilings");
    }
    size_ = static_cast<int>(count);
    tiles_ = config.tiles;
    offsets_.resize(config.tilings, d);
    for (int j = 0; j < config.tilings; ++j) {
      for (int i = 0; i < d; ++i) {
        offsets_(j, i) = static_cast<float>((j * (2 * i + 1)) % config.tilings) / config.tilings;
      }
    }
    return;
  }
  const int n = config.type == "constant" ? 0 : config.order;
  if (n == 0) return;

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
  size_ = static_cast<int>(count);
  freq_ = Eigen::MatrixXf::Zero(size_, d);
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
    throw UserError("feature map: observations of " + std::to_string(obs.rows()) +
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
  if (size_ == 1) {
    f.setOnes(1, obs.cols());
    return;
  }
  Eigen::MatrixXf x;
  Normalize(obs, x);
  if (tiles_ == 0) {
    f.noalias() = freq_ * x;
    f = (f.array() * std::numbers::pi_v<float>).cos().matrix();
    return;
  }
  // one tile per tiling: the constant, then tiling j's block of (n+1)^d
  f.setZero(size_, obs.cols());
  f.row(0).setOnes();
  const int per = (size_ - 1) / static_cast<int>(offsets_.rows());
  for (int b = 0; b < obs.cols(); ++b) {
    for (int j = 0; j < offsets_.rows(); ++j) {
      int flat = 0;
      for (int i = static_cast<int>(x.rows()) - 1; i >= 0; --i) {
        const int k = std::min(static_cast<int>(x(i, b) * tiles_ + offsets_(j, i)), tiles_);
        flat = flat * (tiles_ + 1) + k;
      }
      f(1 + j * per + flat, b) = 1.0f;
    }
  }
}

}  // namespace rl
