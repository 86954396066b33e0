// Helpers for gradient tests: a double-precision reference forward of an Mlp, central finite
// differences of a double loss, and an entrywise comparison with a magnitude floor.
#ifndef REWARDLAB_TESTS_NN_GRAD_CHECK_H_
#define REWARDLAB_TESTS_NN_GRAD_CHECK_H_

#include <Eigen/Dense>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "nn/mlp.h"

namespace rl::nn::testing {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// The network output (out x B) in double for parameters `params` laid out as net.Params().
inline MatrixXd ForwardDouble(const Mlp& net, const VectorXd& params, const MatrixXd& x) {
  MatrixXd h = x;
  for (int l = 0; l < net.NumLayers(); ++l) {
    const int out = net.Sizes()[l + 1];
    const int in = net.Sizes()[l];
    const Eigen::Map<const MatrixXd> w(params.data() + net.Offset(l), out, in);
    const Eigen::Map<const VectorXd> b(params.data() + net.Offset(l) + out * in, out);
    MatrixXd z = (w * h).colwise() + b;
    if (l + 1 < net.NumLayers()) {
      if (net.GetActivation() == Activation::kTanh) {
        z = z.array().tanh();
      } else {
        z = z.array().max(0.0);
      }
    }
    h = z;
  }
  return h;
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
