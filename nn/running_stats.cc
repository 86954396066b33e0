#include "nn/running_stats.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace rl::nn {

namespace {

// Normalises column by column in double, writing float.
template <typename In>
void NormalizeInto(const In& x, const Eigen::VectorXd& mean, const Eigen::VectorXd& var,
                   double epsilon, double clip, Eigen::Ref<Eigen::MatrixXf> out) {
  for (Eigen::Index b = 0; b < x.cols(); ++b) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const double z = (static_cast<double>(x(i, b)) - mean(i)) / std::sqrt(var(i) + epsilon);
      out(i, b) = static_cast<float>(std::clamp(z, -clip, clip));
    }
  }
}

}  // namespace

RunningMeanStd::RunningMeanStd(int dim, double initial_count, double clip, double epsilon)
    : mean_(Eigen::VectorXd::Zero(dim)),
      var_(Eigen::VectorXd::Ones(dim)),
      batch_mean_(dim),
      batch_var_(dim),
      count_(initial_count),
      clip_(clip),
      epsilon_(epsilon) {}

void RunningMeanStd::Update(const Eigen::Ref<const Eigen::MatrixXd>& batch) {
  if (frozen_ || batch.cols() == 0) return;
  const double n = static_cast<double>(batch.cols());
  batch_mean_ = batch.rowwise().sum() / n;
  batch_var_ = (batch.colwise() - batch_mean_).rowwise().squaredNorm() / n;
  Merge(n);
}

void RunningMeanStd::Update(const Eigen::Ref<const Eigen::MatrixXf>& batch) {
  if (frozen_ || batch.cols() == 0) return;
  const double n = static_cast<double>(batch.cols());
  batch_mean_ = batch.cast<double>().rowwise().sum() / n;
  batch_var_ = (batch.cast<double>().colwise() - batch_mean_).rowwise().squaredNorm() / n;
  Merge(n);
}

void RunningMeanStd::Merge(double n) {
  // SB3 update_from_moments
  const double total = count_ + n;
  const Eigen::ArrayXd delta = batch_mean_ - mean_;
  mean_.array() += delta * (n / total);
  const Eigen::ArrayXd m2 =
      var_.array() * count_ + batch_var_.array() * n + delta.square() * (count_ * n / total);
  var_ = m2 / total;
  count_ = total;
}

void RunningMeanStd::Normalize(const Eigen::Ref<const Eigen::MatrixXd>& x,
                               Eigen::Ref<Eigen::MatrixXf> out) const {
  NormalizeInto(x, mean_, var_, epsilon_, clip_, out);
}

void RunningMeanStd::Normalize(const Eigen::Ref<const Eigen::MatrixXf>& x,
                               Eigen::Ref<Eigen::MatrixXf> out) const {
  NormalizeInto(x, mean_, var_, epsilon_, clip_, out);
}

ReturnNormalizer::ReturnNormalizer(int num_envs, double gamma, double epsilon)
    : stats_(1, 1e-4, 10.0, epsilon),
      returns_(Eigen::VectorXd::Zero(num_envs)),
      gamma_(gamma),
      epsilon_(epsilon) {}

void ReturnNormalizer::Normalize(const Eigen::Ref<const Eigen::VectorXd>& rewards,
                                 std::span<const uint8_t> terminated,
                                 Eigen::Ref<Eigen::VectorXd> out) {
  const auto n = static_cast<Eigen::Index>(terminated.size());
  if (rewards.size() != returns_.size() || n != rewards.size()) {
    throw std::invalid_argument("ReturnNormalizer: batch size differs from num_envs");
  }
  for (Eigen::Index i = 0; i < returns_.size(); ++i) {
    returns_(i) = returns_(i) * gamma_ * (terminated[i] ? 0.0 : 1.0) + rewards(i);
  }
  stats_.Update(Eigen::Map<const Eigen::MatrixXd>(returns_.data(), 1, returns_.size()));
  out = rewards / std::sqrt(stats_.Var()(0) + epsilon_);
}

}  // namespace rl::nn
