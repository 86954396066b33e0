// Helpers for gradient tests: a double-precision reference forward of an Mlp, central finite
// differences of a double loss, and an entrywise comparison with a magnitude floor.
#ifndef REWARDLAB_TESTS_NN_GRAD_CHECK_H_
#define REWARDLAB_TESTS_NN_GRAD_CHECK_H_

#include <Eigen/Dense>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <vector>

#include "nn/mlp.h"

namespace rl::nn::testing {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Layer l's weight as the network computes with it, in double, for parameters `params`: W_l, or
// W_l/(uᵀW_l v) on a spectrally normalised hidden layer with the net's stored u, v held fixed.
inline MatrixXd WeightDouble(const Mlp& net, const VectorXd& params, int l) {
  const int out = net.Sizes()[l + 1];
  const int in = net.Sizes()[l];
  const MatrixXd w = Eigen::Map<const MatrixXd>(params.data() + net.Offset(l), out, in);
  if (!net.SpectralNorm() || l + 1 == net.NumLayers()) return w;
  const VectorXd u = net.SpectralU(l).cast<double>();
  const VectorXd v = net.SpectralV(l).cast<double>();
  return w / u.dot(w * v);
}

// The hidden nonlinearity of net in double.
inline MatrixXd ActivateDouble(const Mlp& net, const MatrixXd& z) {
  switch (net.GetActivation()) {
    case Activation::kTanh:
      return z.array().tanh();
    case Activation::kRelu:
      return z.array().max(0.0);
    case Activation::kLeakyRelu:
      return (z.array() > 0).select(z, static_cast<double>(net.LeakySlope()) * z);
  }
  return z;
}

// The derivative of the hidden nonlinearity at pre-activations z, in double.
inline MatrixXd DerivativeDouble(const Mlp& net, const MatrixXd& z) {
  switch (net.GetActivation()) {
    case Activation::kTanh:
      return 1.0 - z.array().tanh().square();
    case Activation::kRelu:
      return (z.array() > 0).cast<double>();
    case Activation::kLeakyRelu:
      return (z.array() > 0)
          .select(MatrixXd::Ones(z.rows(), z.cols()), static_cast<double>(net.LeakySlope()));
  }
  return z;
}

// The network output (out x B) in double for parameters `params` laid out as net.Params().
inline MatrixXd ForwardDouble(const Mlp& net, const VectorXd& params, const MatrixXd& x) {
  MatrixXd h = x;
  for (int l = 0; l < net.NumLayers(); ++l) {
    const int out = net.Sizes()[l + 1];
    const Eigen::Map<const VectorXd> b(params.data() + net.Offset(l) + out * net.Sizes()[l], out);
    MatrixXd z = (WeightDouble(net, params, l) * h).colwise() + b;
    h = l + 1 < net.NumLayers() ? ActivateDouble(net, z) : z;
  }
  return h;
}

// The input gradient of the summed outputs, ∇ₓ Σ_j y_j (in x B), in double by a hand backward pass.
inline MatrixXd InputGradDouble(const Mlp& net, const VectorXd& params, const MatrixXd& x) {
  std::vector<MatrixXd> pre;  // pre-activations of the hidden layers
  MatrixXd h = x;
  for (int l = 0; l + 1 < net.NumLayers(); ++l) {
    const int out = net.Sizes()[l + 1];
    const Eigen::Map<const VectorXd> b(params.data() + net.Offset(l) + out * net.Sizes()[l], out);
    pre.push_back((WeightDouble(net, params, l) * h).colwise() + b);
    h = ActivateDouble(net, pre.back());
  }
  MatrixXd d = MatrixXd::Ones(net.OutputDim(), x.cols());
  for (int l = net.NumLayers() - 1; l >= 0; --l) {
    d = WeightDouble(net, params, l).transpose() * d;
    if (l > 0) d = d.cwiseProduct(DerivativeDouble(net, pre[l - 1]));
  }
  return d;
}

// Central differences of loss at x with step h, in double.
inline VectorXd FiniteDiff(const std::function<double(const VectorXd&)>& loss, VectorXd x,
                           double h = 1e-6) {
  VectorXd g(x.size());
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double keep = x(i);
    x(i) = keep + h;
    const double up = loss(x);
    x(i) = keep - h;
    const double down = loss(x);
    x(i) = keep;
    g(i) = (up - down) / (2 * h);
  }
  return g;
}

// Every entry within rel * max(|fd|, 1e-2 * max|fd|) of the finite difference.
inline void RequireGradClose(const Eigen::VectorXf& analytic, const VectorXd& fd,
                             double rel = 2e-3) {
  REQUIRE(analytic.size() == fd.size());
  const double floor = 1e-2 * fd.cwiseAbs().maxCoeff();
  REQUIRE(floor > 0);
  for (Eigen::Index i = 0; i < fd.size(); ++i) {
    INFO("entry " << i << " analytic " << analytic(i) << " fd " << fd(i));
    REQUIRE(std::abs(analytic(i) - fd(i)) <= rel * std::max(std::abs(fd(i)), floor));
  }
}

// A column-major flattening of m (any shape) as a VectorXf.
inline Eigen::VectorXf Flat(const Eigen::MatrixXf& m) {
  return Eigen::Map<const Eigen::VectorXf>(m.data(), m.size());
}

// Random matrix with N(0, 1) entries from rng, in double.
inline MatrixXd RandomNormal(int rows, int cols, Rng& rng) {
  MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.Normal();
  return m;
}

}  // namespace rl::nn::testing

#endif  // REWARDLAB_TESTS_NN_GRAD_CHECK_H_
