// Spectral normalisation of an Mlp's hidden layers: power iteration converges to the top singular
// value, the normalised weight has spectral norm 1, the backward pass differentiates through σ
// (u, v held fixed, checked against finite differences), and u, v survive Save/Load.
#include <catch2/catch.hpp>

#include "core/error.h"
#include "nn/mlp.h"
#include "nn/serialize.h"
#include "tests/nn/grad_check.h"
#include "tests/support/temp_dir.h"

namespace rl::nn {
namespace {

using testing::FiniteDiff;
using testing::ForwardDouble;
using testing::RandomNormal;
using testing::RequireGradClose;

// A spectrally normalised net whose hidden weights are Gaussian (distinct singular values, unlike
// the orthogonal init where every singular value is equal and one iteration is already exact).
Mlp GaussianNet(Activation activation, uint64_t seed) {
  Rng rng(seed);
  Mlp net({6, 10, 8, 2}, activation, 1.0f, rng, MlpOptions{.spectral_norm = true});
  net.Params() = RandomNormal(net.NumParams(), 1, rng).cast<float>();
  return net;
}

float TopSingularValue(const MatrixXf& w) {
  return static_cast<float>(
      Eigen::JacobiSVD<Eigen::MatrixXd>(w.cast<double>()).singularValues()(0));
}

TEST_CASE("spectral norm: power iteration converges and the normalised weight has norm 1",
          "[unit]") {
  Mlp net = GaussianNet(Activation::kTanh, 7);
  const MatrixXf x = MatrixXf::Zero(6, 4);
  MlpCache cache;
  std::vector<float> error;  // |σ − σ_max| / σ_max of layer 0 after each training forward
  for (int it = 0; it < 60; ++it) {
    net.Forward(x, cache);
    const float top = TopSingularValue(net.Weight(0));
    error.push_back(std::abs(cache.spectral[0].sigma - top) / top);
  }
  // a lower bound that only increases towards σ_max (float slack), and gets there
  REQUIRE(error.front() > 1e-3f);
  for (size_t i = 1; i < error.size(); ++i) REQUIRE(error[i] <= error[i - 1] + 1e-6f);
  REQUIRE(error.back() < 1e-4f);
  for (int l = 0; l < 2; ++l) {
    INFO("layer " << l);
    REQUIRE(cache.spectral[l].sigma == Approx(TopSingularValue(net.Weight(l))).epsilon(1e-4));
    REQUIRE(TopSingularValue(cache.spectral[l].weight) == Approx(1.0f).epsilon(1e-4));
    REQUIRE(net.SpectralSigma(l) == Approx(cache.spectral[l].sigma).epsilon(1e-6));
  }
  // the output layer is not normalised
  REQUIRE(cache.spectral.size() == 2);
}

TEST_CASE("spectral norm: inference uses the stored u, v without updating them", "[unit]") {
  Mlp net = GaussianNet(Activation::kRelu, 8);
  Rng rng(1);
  const MatrixXf x = RandomNormal(6, 5, rng).cast<float>();
  MlpCache cache;
  net.Forward(x, cache);
  const VectorXf u = net.SpectralU(0);
  MatrixXf y;
  net.Forward(x, y);
  REQUIRE(net.SpectralU(0) == u);
  REQUIRE((y - cache.Output()).cwiseAbs().maxCoeff() < 1e-5f);
  // and both equal the double reference with the stored u, v
  const Eigen::MatrixXd ref = ForwardDouble(net, net.Params().cast<double>(), x.cast<double>());
  REQUIRE((y.cast<double>() - ref).cwiseAbs().maxCoeff() < 1e-4 * (1 + ref.cwiseAbs().maxCoeff()));
}

TEST_CASE("spectral norm: ForwardInference caches the inference pass and updates nothing",
          "[unit]") {
  Mlp net = GaussianNet(Activation::kLeakyRelu, 8);
  Rng rng(3);
  const MatrixXf x = RandomNormal(6, 5, rng).cast<float>();
  MlpCache train;
  net.Forward(x, train);  // one power iteration: u, v move
  const VectorXf u = net.SpectralU(0), v = net.SpectralV(0);
  MlpCache cache;
  net.ForwardInference(x, cache);
  REQUIRE(net.SpectralU(0) == u);
  REQUIRE(net.SpectralV(0) == v);
  MatrixXf y;
  net.Forward(x, y);
  REQUIRE((y - cache.Output()).cwiseAbs().maxCoeff() < 1e-5f);
  // its input gradient is the finite difference of the inference output
  MatrixXf dx;
  const MatrixXf ones = MatrixXf::Ones(2, 5);
  net.BackwardInput(cache, ones, dx);
  const float h = 1e-2f;
  for (int i = 0; i < 6; ++i) {
    MatrixXf xp = x, xm = x, yp, ym;
    xp.row(i).array() += h;
    xm.row(i).array() -= h;
    net.Forward(xp, yp);
    net.Forward(xm, ym);
    const Eigen::RowVectorXf fd = (yp.colwise().sum() - ym.colwise().sum()) / (2 * h);
    CHECK((fd - dx.row(i)).cwiseAbs().maxCoeff() < 2e-2f * (1 + dx.cwiseAbs().maxCoeff()));
  }
  REQUIRE(net.SpectralU(0) == u);
}

TEST_CASE("spectral norm: backward through W/σ matches finite differences with u, v fixed",
          "[unit]") {
  for (const Activation a : {Activation::kTanh, Activation::kRelu, Activation::kLeakyRelu}) {
    INFO("activation " << static_cast<int>(a));
    Mlp net = GaussianNet(a, 9);
    Rng rng(2);
    const MatrixXf x = RandomNormal(6, 7, rng).cast<float>();
    const MatrixXf r = RandomNormal(2, 7, rng).cast<float>();
    MlpCache cache;
    net.Forward(x, cache);
    VectorXf grad = VectorXf::Zero(net.NumParams());
    MatrixXf dx;
    net.Backward(cache, r, grad, &dx);

    const Eigen::MatrixXd xd = x.cast<double>();
    const Eigen::MatrixXd rd = r.cast<double>();
    const auto loss = [&](const Eigen::VectorXd& p) {
      return (rd.array() * ForwardDouble(net, p, xd).array()).sum();
    };
    RequireGradClose(grad, FiniteDiff(loss, net.Params().cast<double>()));
    const Eigen::VectorXd pd = net.Params().cast<double>();
    const auto loss_x = [&](const Eigen::VectorXd& xv) {
      const Eigen::Map<const Eigen::MatrixXd> xm(xv.data(), 6, 7);
      return (rd.array() * ForwardDouble(net, pd, xm).array()).sum();
    };
    RequireGradClose(testing::Flat(dx),
                     FiniteDiff(loss_x, Eigen::Map<const Eigen::VectorXd>(xd.data(), xd.size())));
  }
}

TEST_CASE("spectral norm: u, v are saved and loaded with the network", "[unit]") {
  rl::testing::TempDir dir;
  const std::string path = (dir.Path() / "net.h5").string();
  Mlp net = GaussianNet(Activation::kTanh, 10);
  MlpCache cache;
  net.Forward(MatrixXf::Zero(6, 1), cache);
  {
    h5::File f = h5::File::Create(path);
    Save(f, "d", net);
  }
  Mlp copy = GaussianNet(Activation::kTanh, 11);
  REQUIRE(copy.SpectralU(0) != net.SpectralU(0));
  Load(h5::File::OpenReadOnly(path), "d", copy);
  REQUIRE(copy.Params() == net.Params());
  for (int l = 0; l < 2; ++l) {
    REQUIRE(copy.SpectralU(l) == net.SpectralU(l));
    REQUIRE(copy.SpectralV(l) == net.SpectralV(l));
  }

  // a plain network's checkpoint lacks them: a one-line UserError
  Rng rng(3);
  const Mlp plain({6, 10, 8, 2}, Activation::kTanh, 1.0f, rng);
  const std::string plain_path = (dir.Path() / "plain.h5").string();
  {
    h5::File f = h5::File::Create(plain_path);
    Save(f, "d", plain);
  }
  REQUIRE_THROWS_AS(Load(h5::File::OpenReadOnly(plain_path), "d", copy), UserError);
}

TEST_CASE("spectral norm is off by default and changes nothing then", "[unit]") {
  Rng rng_a(5), rng_b(5);
  const Mlp a({3, 8, 1}, Activation::kTanh, 1.0f, rng_a);
  const Mlp b({3, 8, 1}, Activation::kTanh, 1.0f, rng_b, MlpOptions{});
  REQUIRE(!a.SpectralNorm());
  REQUIRE(a.Params() == b.Params());
  MlpCache cache;
  a.Forward(MatrixXf::Ones(3, 2), cache);
  REQUIRE(cache.spectral.empty());
}

}  // namespace
}  // namespace rl::nn
