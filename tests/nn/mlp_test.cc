#include "nn/mlp.h"

#include <catch2/catch.hpp>
#include <stdexcept>

#include "core/error.h"
#include "tests/nn/grad_check.h"

namespace rl::nn {
namespace {

using testing::FiniteDiff;
using testing::ForwardDouble;
using testing::RandomNormal;
using testing::RequireGradClose;

// L = sum(R .* net(x)) in double, so dL/dy = R.
void CheckGradients(Activation activation, const MlpOptions& options = {}) {
  Rng rng(3);
  Mlp net({3, 5, 4, 2}, activation, 0.7f, rng, options);
  // nonzero biases so every parameter matters
  net.Params().array() += 0.1f * RandomNormal(net.NumParams(), 1, rng).cast<float>().array();
  const MatrixXf x = RandomNormal(3, 6, rng).cast<float>();
  const MatrixXf r = RandomNormal(2, 6, rng).cast<float>();

  MlpCache cache;
  net.Forward(x, cache);
  VectorXf grad = VectorXf::Zero(net.NumParams());
  MatrixXf dx;
  net.Backward(cache, r, grad, &dx);

  const Eigen::MatrixXd xd = x.cast<double>();
  const Eigen::MatrixXd rd = r.cast<double>();
  const Eigen::VectorXd pd = net.Params().cast<double>();
  const auto loss_p = [&](const Eigen::VectorXd& p) {
    return (rd.array() * ForwardDouble(net, p, xd).array()).sum();
  };
  RequireGradClose(grad, FiniteDiff(loss_p, pd));

  const auto loss_x = [&](const Eigen::VectorXd& xv) {
    const Eigen::Map<const Eigen::MatrixXd> xm(xv.data(), 3, 6);
    return (rd.array() * ForwardDouble(net, pd, xm).array()).sum();
  };
  RequireGradClose(testing::Flat(dx),
                   FiniteDiff(loss_x, Eigen::Map<const Eigen::VectorXd>(xd.data(), xd.size())));

  // a second backward accumulates
  VectorXf grad2 = grad;
  net.Backward(cache, r, grad2);
  REQUIRE((grad2 - 2 * grad).cwiseAbs().maxCoeff() < 1e-5f * (1 + grad.cwiseAbs().maxCoeff()));

  // the input-only backward gives the same dx, bit for bit
  MatrixXf dx_only;
  net.BackwardInput(cache, r, dx_only);
  REQUIRE(dx_only.rows() == 3);
  REQUIRE(dx_only.cols() == 6);
  REQUIRE((dx_only.array() == dx.array()).all());
}

TEST_CASE("mlp parameter and input gradients match finite differences (tanh)", "[unit]") {
  CheckGradients(Activation::kTanh);
}

TEST_CASE("mlp parameter and input gradients match finite differences (relu)", "[unit]") {
  CheckGradients(Activation::kRelu);
}

TEST_CASE("mlp parameter and input gradients match finite differences (leaky relu)", "[unit]") {
  CheckGradients(Activation::kLeakyRelu);
  CheckGradients(Activation::kLeakyRelu, MlpOptions{.leaky_slope = 0.1f});
}

TEST_CASE("leaky relu passes slope * z below zero; activation names parse", "[unit]") {
  Rng rng(4);
  Mlp net({1, 1, 1}, Activation::kLeakyRelu, 1.0f, rng, MlpOptions{.leaky_slope = 0.1f});
  net.Weight(0)(0, 0) = 1.0f;
  net.Weight(1)(0, 0) = 1.0f;
  MatrixXf x(1, 3), y;
  x << -2.0f, 0.0f, 3.0f;
  net.Forward(x, y);
  REQUIRE(y(0, 0) == Approx(-0.2f));
  REQUIRE(y(0, 1) == 0.0f);
  REQUIRE(y(0, 2) == 3.0f);
  REQUIRE(MlpOptions{}.leaky_slope == kDefaultLeakySlope);
  REQUIRE(ActivationFromName("tanh") == Activation::kTanh);
  REQUIRE(ActivationFromName("relu") == Activation::kRelu);
  REQUIRE(ActivationFromName("leaky_relu") == Activation::kLeakyRelu);
  REQUIRE_THROWS_AS(ActivationFromName("gelu"), UserError);
  REQUIRE_THROWS_AS(Mlp({1, 1}, Activation::kLeakyRelu, 1.0f, rng, {.leaky_slope = -0.1f}),
                    std::invalid_argument);
}

TEST_CASE("mlp inference and training forwards agree with the double reference", "[unit]") {
  Rng rng(5);
  Mlp net({4, 16, 16, 3}, Activation::kTanh, 1.0f, rng);
  net.Params().array() += 0.05f;
  const MatrixXf x = RandomNormal(4, 128, rng).cast<float>();
  const Eigen::MatrixXd ref = ForwardDouble(net, net.Params().cast<double>(), x.cast<double>());

  MatrixXf y;
  net.Forward(x, y);
  REQUIRE((y.cast<double>() - ref).cwiseAbs().maxCoeff() < 1e-5);
  MlpCache cache;
  net.Forward(x, cache);
  REQUIRE((cache.Output() - y).cwiseAbs().maxCoeff() < 1e-6f);

  // batch 1 after batch 128 reuses the larger scratch
  MatrixXf y1;
  net.Forward(x.col(7), y1);
  REQUIRE(y1.cols() == 1);
  REQUIRE((y1 - y.col(7)).cwiseAbs().maxCoeff() < 1e-6f);
}

TEST_CASE("mlp over a concatenated input equals the mlp over the stacked matrix", "[unit]") {
  Rng rng(9);
  Mlp net({4, 8, 1}, Activation::kRelu, 1.0f, rng);
  const MatrixXf obs = RandomNormal(3, 5, rng).cast<float>();
  const MatrixXf act = RandomNormal(1, 5, rng).cast<float>();
  MatrixXf stacked(4, 5);
  stacked << obs, act;

  MatrixXf y_stacked, y_pair;
  net.Forward(stacked, y_stacked);
  net.Forward(obs, act, y_pair);
  REQUIRE((y_stacked - y_pair).cwiseAbs().maxCoeff() < 1e-6f);
  MlpCache cache;
  net.Forward(obs, act, cache);
  REQUIRE((cache.Output() - y_stacked).cwiseAbs().maxCoeff() < 1e-6f);
  REQUIRE(cache.acts[0] == stacked);
}

TEST_CASE("orthogonal init gives gain^2 I on the short side", "[unit]") {
  Rng rng(11);
  for (const auto& [rows, cols] : {std::pair{64, 4}, std::pair{4, 64}, std::pair{7, 7}}) {
    MatrixXf w(rows, cols);
    const float gain = std::sqrt(2.0f);
    nn::OrthogonalInit(w, gain, rng);
    const MatrixXf gram = rows <= cols ? MatrixXf(w * w.transpose()) : MatrixXf(w.transpose() * w);
    const MatrixXf target = gain * gain * MatrixXf::Identity(gram.rows(), gram.cols());
    REQUIRE((gram - target).cwiseAbs().maxCoeff() < 1e-4f);
  }
}

TEST_CASE("mlp init: per-layer gains and zero biases", "[unit]") {
  Rng rng(13);
  Mlp net({4, 64, 64, 2}, Activation::kTanh, 0.01f, rng);
  const MatrixXf w0 = net.Weight(0);
  REQUIRE((w0.transpose() * w0 - 2 * MatrixXf::Identity(4, 4)).cwiseAbs().maxCoeff() < 1e-4f);
  const MatrixXf w2 = net.Weight(2);
  REQUIRE((w2 * w2.transpose() - 1e-4f * MatrixXf::Identity(2, 2)).cwiseAbs().maxCoeff() < 1e-7f);
  for (int l = 0; l < net.NumLayers(); ++l) REQUIRE(net.Bias(l).isZero());
  REQUIRE(net.NumParams() == 4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2);
}

TEST_CASE("mlp parameters are one buffer; same seed - same network; copies are deep", "[unit]") {
  Rng rng_a(21), rng_b(21);
  Mlp a({3, 6, 2}, Activation::kTanh, 1.0f, rng_a);
  Mlp b({3, 6, 2}, Activation::kTanh, 1.0f, rng_b);
  REQUIRE(a.Params() == b.Params());

  // writing through the buffer shows in the views
  a.Params()(a.Offset(1) + 2 * 2 + 1) = 42.0f;  // column-major W_1(1, 2), W_1 is (2 x 6)
  REQUIRE(a.Weight(1)(1, 2) == 42.0f);
  a.Params()(a.Offset(1) + 2 * 6 + 1) = 7.0f;  // b_1(1) follows the 12 weights
  REQUIRE(a.Bias(1)(1) == 7.0f);
  a.Bias(0)(3) = -1.0f;
  REQUIRE(a.Params()(a.Offset(0) + 6 * 3 + 3) == -1.0f);

  // a copy (target network) owns its buffer
  Mlp target = a;
  target.Params().setZero();
  REQUIRE(target.Weight(1).isZero());
  REQUIRE(a.Weight(1)(1, 2) == 42.0f);
}

}  // namespace
}  // namespace rl::nn
