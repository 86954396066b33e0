#include "rewards/gail/forward_model.h"

#include <limits>
#include <stdexcept>

#include "nn/serialize.h"

namespace rl::gail {
namespace {

nn::MlpOptions NetOptions() {
  nn::MlpOptions m;
  m.leaky_slope = kForwardLeakySlope;
  return m;
}

}  // namespace

ForwardModel::ForwardModel(int obs_dim, int act_dim, double lr, Rng& rng,
                           const std::vector<int>& hidden)
    : obs_dim_(obs_dim),
      act_dim_(act_dim),
      net_(nn::LayerSizes(obs_dim + act_dim, hidden, obs_dim), nn::Activation::kLeakyRelu,
           kForwardHeadGain, rng, NetOptions()),
      adam_(net_.NumParams(), nn::AdamOptions{.lr = lr}),
      stats_(obs_dim + act_dim, 1e-4, std::numeric_limits<double>::infinity()),
      grad_(net_.NumParams()) {}

void ForwardModel::Stack(const Eigen::Ref<const Eigen::MatrixXf>& s,
                         const Eigen::Ref<const Eigen::MatrixXf>& a) const {
  if (s.rows() != obs_dim_ || a.rows() != act_dim_ || s.cols() != a.cols()) {
    throw std::invalid_argument("forward model: input shapes");
  }
  x_.resize(InputDim(), s.cols());
  x_.topRows(obs_dim_) = s;
  x_.bottomRows(act_dim_) = a;
}

void ForwardModel::Normalize(const Eigen::Ref<const Eigen::MatrixXf>& s,
                             const Eigen::Ref<const Eigen::MatrixXf>& a,
                             Eigen::Ref<Eigen::MatrixXf> out) const {
  Stack(s, a);
  stats_.Normalize(x_, out);
}

void ForwardModel::Predict(const Eigen::Ref<const Eigen::MatrixXf>& s,
                           const Eigen::Ref<const Eigen::MatrixXf>& a,
                           Eigen::Ref<Eigen::MatrixXf> out) const {
  x_norm_.resize(InputDim(), s.cols());
  Normalize(s, a, x_norm_);
  net_.Forward(x_norm_, y_);
  out = y_;
}

double ForwardModel::Train(const Eigen::Ref<const Eigen::MatrixXf>& s,
                           const Eigen::Ref<const Eigen::MatrixXf>& a,
                           const Eigen::Ref<const Eigen::MatrixXf>& next_s) {
  if (next_s.rows() != obs_dim_ || next_s.cols() != s.cols() || s.cols() == 0) {
    throw std::invalid_argument("forward model: target shape");
  }
  Stack(s, a);
  stats_.Update(x_);
  x_norm_.resize(InputDim(), s.cols());
  stats_.Normalize(x_, x_norm_);
  net_.Forward(x_norm_, cache_);

  // L = mean over all entries of (f − s')², dL/df = 2 (f − s') / n
  const double n = static_cast<double>(next_s.size());
  dy_ = cache_.Output() - next_s;
  const double loss = static_cast<double>(dy_.squaredNorm()) / n;
  dy_ *= static_cast<float>(2.0 / n);
  grad_.setZero();
  net_.Backward(cache_, dy_, grad_);
  adam_.Step(net_.Params(), grad_);
  return loss;
}

void ForwardModel::InputGradNorms(const Eigen::Ref<const Eigen::MatrixXf>& s,
                                  const Eigen::Ref<const Eigen::MatrixXf>& a,
                                  Eigen::Ref<Eigen::VectorXf> out) const {
  if (out.size() != s.cols()) throw std::invalid_argument("forward model: output size");
  x_norm_.resize(InputDim(), s.cols());
  Normalize(s, a, x_norm_);
  net_.Forward(x_norm_, grad_cache_);

  // ones as dL/df: the input gradient of Σ_i f_i
  ones_.setOnes(obs_dim_, s.cols());
  net_.BackwardInput(grad_cache_, ones_, gx_);
  out = gx_.colwise().norm().transpose();
}

void ForwardModel::Save(const h5::Group& g) const { nn::SaveModel(g, net_, adam_, stats_); }

void ForwardModel::Load(const h5::Group& g) { nn::LoadModel(g, net_, adam_, stats_); }

}  // namespace rl::gail
