// Double backprop: Mlp::GradientPenalty against a double-precision reference penalty and its
// central finite differences over every parameter, for each activation, both penalty forms, k = 1
// and k = 0, with and without spectral normalisation.
//
// Tolerance: the analytic pass runs in float (ε = 6e-8) over a few short sums, the reference and
// its differences in double (h = 1e-6, truncation O(h²) relative), so the analytic gradient
// carries a relative error of order 1e-6 of the largest terms; RequireGradClose's 2e-3 of
// max(|fd|, 1% of the largest entry) leaves three orders of magnitude for that and still catches a
// missing or mis-signed term (each is a sizeable fraction of some entry).
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "nn/mlp.h"
#include "tests/nn/grad_check.h"

namespace rl::nn {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using testing::FiniteDiff;
using testing::InputGradDouble;
using testing::RandomNormal;
using testing::RequireGradClose;

// mean_b h(‖∇ₓ Σ y(x_b)‖) in double.
double PenaltyDouble(const Mlp& net, const VectorXd& params, const MatrixXd& x, double k,
                     PenaltyForm form) {
  const MatrixXd g = InputGradDouble(net, params, x);
  double sum = 0;
  for (int b = 0; b < g.cols(); ++b) {
    double excess = g.col(b).norm() - k;
    if (form == PenaltyForm::kOneSided) excess = std::max(excess, 0.0);
    sum += excess * excess;
  }
  return sum / static_cast<double>(g.cols());
}

// A tiny net with nonzero biases and an input batch whose gradient norms straddle 1.
struct Setup {
  Mlp net;
  MatrixXf x;
};

Setup MakeSetup(Activation activation, bool spectral_norm, int outputs = 1) {
  Rng rng(17);
  MlpOptions options;
  options.leaky_slope = 0.1f;
  options.spectral_norm = spectral_norm;
  Mlp net({3, 5, 4, outputs}, activation, 1.0f, rng, options);
  net.Params().array() += 0.3f * RandomNormal(net.NumParams(), 1, rng).cast<float>().array();
  // normalised hidden layers have gain at most 1: a larger head brings some norms above 1
  if (spectral_norm) net.Weight(net.NumLayers() - 1) *= 3.0f;
  MatrixXf x = RandomNormal(3, 8, rng).cast<float>();
  return {net, x};
}

// Runs GradientPenalty on a gradient prefilled with ones and checks value, input gradient and
// parameter gradient against the double reference; returns the analytic norms ‖g_b‖.
VectorXd CheckPenalty(Setup& s, double k, PenaltyForm form, float weight) {
  Mlp& net = s.net;
  MlpCache cache;
  net.Forward(s.x, cache);  // with spectral norm: one power iteration, then u, v stay fixed
  VectorXf grad = VectorXf::Ones(net.NumParams());
  MatrixXf g;
  const double p = net.GradientPenalty(cache, static_cast<float>(k), form, weight, grad, &g);

  const VectorXd pd = net.Params().cast<double>();
  const MatrixXd xd = s.x.cast<double>();
  const MatrixXd g_ref = InputGradDouble(net, pd, xd);
  REQUIRE((g.cast<double>() - g_ref).cwiseAbs().maxCoeff() < 1e-5 * (1 + g_ref.norm()));
  const double p_ref = PenaltyDouble(net, pd, xd, k, form);
  REQUIRE(std::abs(p - p_ref) < 1e-5 * (1 + p_ref));

  const auto loss = [&](const VectorXd& params) {
    return weight * PenaltyDouble(net, params, xd, k, form);
  };
  const VectorXf analytic = grad - VectorXf::Ones(net.NumParams());
  RequireGradClose(analytic, FiniteDiff(loss, pd));
  REQUIRE(analytic.allFinite());
  return g_ref.colwise().norm().transpose();
}

void CheckAllForms(Activation activation, bool spectral_norm) {
  for (const double k : {1.0, 0.0}) {
    for (const PenaltyForm form : {PenaltyForm::kTwoSided, PenaltyForm::kOneSided}) {
      INFO("k " << k << " one-sided " << (form == PenaltyForm::kOneSided));
      Setup s = MakeSetup(activation, spectral_norm);
      const VectorXd norms = CheckPenalty(s, k, form, 0.7f);
      // the one-sided check is only meaningful with columns on both sides of k = 1
      if (k == 1.0) {
        CHECK((norms.array() > 1.0).any());
        CHECK((norms.array() < 1.0).any());
      }
    }
  }
}

TEST_CASE("gradient penalty: double backprop matches finite differences (tanh)", "[unit]") {
  CheckAllForms(Activation::kTanh, false);
}

TEST_CASE("gradient penalty: double backprop matches finite differences (relu)", "[unit]") {
  CheckAllForms(Activation::kRelu, false);
}

TEST_CASE("gradient penalty: double backprop matches finite differences (leaky relu)", "[unit]") {
  CheckAllForms(Activation::kLeakyRelu, false);
}

TEST_CASE("gradient penalty through spectrally normalised layers matches finite differences",
          "[unit]") {
  for (const Activation a : {Activation::kTanh, Activation::kRelu, Activation::kLeakyRelu}) {
    INFO("activation " << static_cast<int>(a));
    CheckAllForms(a, true);
  }
}

TEST_CASE("gradient penalty of a multi-output net penalises the gradient of the summed outputs",
          "[unit]") {
  Setup s = MakeSetup(Activation::kTanh, false, /*outputs=*/2);
  CheckPenalty(s, 1.0, PenaltyForm::kTwoSided, 1.0f);
}

TEST_CASE("gradient penalty at a zero input gradient is finite and exact", "[unit]") {
  for (const Activation a : {Activation::kTanh, Activation::kRelu, Activation::kLeakyRelu}) {
    Setup s = MakeSetup(a, false);
    // a zero first layer makes ∇ₓ = 0 exactly, for every activation
    s.net.Weight(0).setZero();
    for (const double k : {1.0, 0.0}) {
      for (const PenaltyForm form : {PenaltyForm::kTwoSided, PenaltyForm::kOneSided}) {
        MlpCache cache;
        s.net.Forward(s.x, cache);
        VectorXf grad = VectorXf::Zero(s.net.NumParams());
        MatrixXf g;
        const double p = s.net.GradientPenalty(cache, static_cast<float>(k), form, 1.0f, grad, &g);
        REQUIRE(g.isZero());
        // (0 - k)² two-sided, max(0, -k)² = 0 one-sided; the gradient at ‖g‖ = 0 is taken as 0
        REQUIRE(p == (form == PenaltyForm::kTwoSided ? k * k : 0.0));
        REQUIRE(grad.allFinite());
        REQUIRE(grad.isZero());
      }
    }
  }
}

TEST_CASE("gradient penalty needs the cache of a forward pass", "[unit]") {
  Setup s = MakeSetup(Activation::kTanh, false);
  MlpCache empty;
  VectorXf grad = VectorXf::Zero(s.net.NumParams());
  REQUIRE_THROWS_AS(s.net.GradientPenalty(empty, 1.0f, PenaltyForm::kTwoSided, 1.0f, grad),
                    std::invalid_argument);
}

}  // namespace
}  // namespace rl::nn
