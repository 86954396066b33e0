#include "rewards/gail/preconditioner.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/checkpoint.h"
#include "core/error.h"

namespace rl::gail {

Preconditioner::Preconditioner(const PreconditionerOptions& options) : options_(options) {
  if (!(options.min_psi >= 0.0 && options.min_psi <= 1.0) || options.window < 2 ||
      !(options.scale_floor > 0.0)) {
    throw std::invalid_argument("preconditioner: min_psi in [0, 1], window >= 2, floor > 0");
  }
  means_.assign(options.window, 0.0);
}

void Preconditioner::Excess(const Eigen::Ref<const Eigen::VectorXf>& norms, float k,
                            Eigen::Ref<Eigen::VectorXf> out) {
  if (out.size() != norms.size()) throw std::invalid_argument("preconditioner: excess size");
  out = (norms.array() - k).max(0.0f).square();
}

void Preconditioner::Observe(const Eigen::Ref<const Eigen::VectorXf>& g) {
  if (g.size() == 0) return;
  const double mean = g.cast<double>().mean();
  if (size_ < options_.window) {
    means_[(oldest_ + size_++) % options_.window] = mean;
  } else {
    means_[oldest_] = mean;
    oldest_ = (oldest_ + 1) % options_.window;
  }
}

double Preconditioner::Scale() const {
  if (size_ < 2) return 0.0;
  // population std of the held means, two passes
  double mean = 0.0;
  for (int i = 0; i < size_; ++i) mean += means_[(oldest_ + i) % options_.window];
  mean /= size_;
  double var = 0.0;
  for (int i = 0; i < size_; ++i) {
    const double d = means_[(oldest_ + i) % options_.window] - mean;
    var += d * d;
  }
  return std::max(options_.scale_floor, std::sqrt(var / size_));
}

void Preconditioner::Psi(const Eigen::Ref<const Eigen::VectorXf>& g,
                         Eigen::Ref<Eigen::VectorXf> out) const {
  if (out.size() != g.size()) throw std::invalid_argument("preconditioner: psi size");
  if (size_ < 2) {
    out.setOnes();
    return;
  }
  const double s = Scale();
  for (Eigen::Index i = 0; i < g.size(); ++i) {
    out(i) = static_cast<float>(std::max(options_.min_psi, std::exp(-g(i) / s)));
  }
}

Eigen::VectorXd Preconditioner::Means() const {
  Eigen::VectorXd m(size_);
  for (int i = 0; i < size_; ++i) m(i) = means_[(oldest_ + i) % options_.window];
  return m;
}

void Preconditioner::Save(const h5::Group& g) const {
  // the full window (oldest first, zero padded) so that no dataset is empty
  Eigen::VectorXd window = Eigen::VectorXd::Zero(options_.window);
  window.head(size_) = Means();
  ckpt::Write(g, "batch_means", window);
  g.WriteIntAttr("num_means", size_);
}

void Preconditioner::Load(const h5::Group& g) {
  Eigen::VectorXd window;
  ckpt::Read(g, "batch_means", window);
  const int64_t n = g.ReadIntAttr("num_means");
  if (window.size() != options_.window || n < 0 || n > options_.window) {
    throw UserError(g.FilePath() + ": preconditioner window of " + std::to_string(window.size()) +
                    " means, expected " + std::to_string(options_.window));
  }
  for (int i = 0; i < options_.window; ++i) means_[i] = window(i);
  oldest_ = 0;
  size_ = static_cast<int>(n);
}

}  // namespace rl::gail
