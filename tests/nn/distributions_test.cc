#include "nn/distributions.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "tests/nn/grad_check.h"

namespace rl::nn {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using testing::FiniteDiff;
using testing::Flat;
using testing::RandomNormal;
using testing::RequireGradClose;

constexpr double kLog2Pi = 1.8378770664093453;  // log(2 pi)

TEST_CASE("categorical log-probs - entropy - mode and sampling", "[unit]") {
  MatrixXf logits(3, 2);
  logits << 1.0f, 500.0f, 2.0f, 0.0f, 3.0f, -500.0f;  // column 1 would overflow a naive softmax
  Categorical dist;
  dist.SetLogits(logits);
  VectorXi actions(2);
  actions << 2, 0;
  VectorXf lp(2), ent(2);
  dist.LogProb(actions, lp);
  dist.Entropy(ent);
  const double lse = 3.0 + std::log(std::exp(-2.0) + std::exp(-1.0) + 1.0);
  REQUIRE(lp(0) == Approx(3.0 - lse).margin(1e-6));
  REQUIRE(lp(1) == Approx(0.0).margin(1e-6));
  REQUIRE(std::isfinite(ent(1)));
  REQUIRE(ent(1) == Approx(0.0).margin(1e-6));
  VectorXi mode(2);
  dist.Mode(mode);
  REQUIRE(mode(0) == 2);
  REQUIRE(mode(1) == 0);

  // empirical frequencies of column 0 match the probabilities
  Rng rng(1);
  VectorXi draw(2);
  int counts[3] = {0, 0, 0};
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    dist.Sample(rng, draw);
    ++counts[draw(0)];
    REQUIRE(draw(1) == 0);
  }
  for (int k = 0; k < 3; ++k) {
    REQUIRE(counts[k] / double(n) == Approx(std::exp(dist.LogProbs()(k, 0))).margin(0.015));
  }
}

TEST_CASE("categorical gradient of weighted log-prob plus entropy", "[unit]") {
  Rng rng(2);
  const int n = 4, batch = 5;
  const MatrixXf logits = (2 * RandomNormal(n, batch, rng)).cast<float>();
  VectorXi actions(batch);
  actions << 0, 3, 1, 2, 3;
  const VectorXf w = RandomNormal(batch, 1, rng).cast<float>();
  const VectorXf c = RandomNormal(batch, 1, rng).cast<float>();
  Categorical dist;
  dist.SetLogits(logits);
  MatrixXf dlogits;
  dist.Backward(actions, w, c, dlogits);

  const auto loss = [&](const VectorXd& z) {
    double total = 0;
    for (int b = 0; b < batch; ++b) {
      const Eigen::ArrayXd col = z.segment(b * n, n);
      const double m = col.maxCoeff();
      const Eigen::ArrayXd lp = col - (m + std::log((col - m).exp().sum()));
      total += w(b) * lp(actions(b)) - c(b) * (lp.exp() * lp).sum();
    }
    return total;
  };
  RequireGradClose(Flat(dlogits), FiniteDiff(loss, Flat(logits).cast<double>()));
}

TEST_CASE("diagonal gaussian log-prob and entropy match the textbook formula", "[unit]") {
  MatrixXf mean(2, 1);
  mean << 0.5f, -1.0f;
  VectorXf log_std(2);
  log_std << 0.1f, -0.3f;
  MatrixXf a(2, 1);
  a << 1.2f, -0.6f;
  DiagGaussian dist;
  dist.Set(mean, log_std);
  VectorXf lp(1);
  dist.LogProb(a, lp);
  double expected = 0;
  for (int i = 0; i < 2; ++i) {
    const double s = std::exp(double(log_std(i)));
    const double z = (double(a(i)) - mean(i)) / s;
    expected += -0.5 * z * z - std::log(s * std::sqrt(2 * std::numbers::pi));
  }
  REQUIRE(lp(0) == Approx(expected).epsilon(1e-6));
  REQUIRE(dist.Entropy() == Approx(1.0 + kLog2Pi + 0.1 - 0.3).epsilon(1e-6));
}

TEST_CASE("diagonal gaussian gradients w.r.t. mean and log-std", "[unit]") {
  Rng rng(3);
  const int d = 3, batch = 4;
  const MatrixXf mean = RandomNormal(d, batch, rng).cast<float>();
  const VectorXf log_std = (0.3 * RandomNormal(d, 1, rng)).cast<float>();
  const MatrixXf actions = RandomNormal(d, batch, rng).cast<float>();
  const VectorXf w = RandomNormal(batch, 1, rng).cast<float>();
  const VectorXf c = RandomNormal(batch, 1, rng).cast<float>();
  DiagGaussian dist;
  dist.Set(mean, log_std);
  MatrixXf dmean(d, batch);
  VectorXf dlog_std(d);
  dist.Backward(actions, w, c, dmean, dlog_std);

  // params = [mean (column-major), log_std]
  const auto loss = [&](const VectorXd& p) {
    const Eigen::Map<const MatrixXd> m(p.data(), d, batch);
    const Eigen::ArrayXd ls = p.tail(d);
    double total = 0;
    for (int b = 0; b < batch; ++b) {
      const Eigen::ArrayXd z = (actions.col(b).cast<double>() - m.col(b)).array() / ls.exp();
      total += w(b) * (-0.5 * z.square() - ls - 0.5 * kLog2Pi).sum();
      total += c(b) * (ls + 0.5 + 0.5 * kLog2Pi).sum();
    }
    return total;
  };
  VectorXd p(d * batch + d);
  p << Flat(mean).cast<double>(), log_std.cast<double>();
  VectorXf analytic(d * batch + d);
  analytic << Flat(dmean), dlog_std;
  RequireGradClose(analytic, FiniteDiff(loss, p));
}

TEST_CASE("diagonal gaussian samples have the right moments", "[unit]") {
  MatrixXf mean = MatrixXf::Constant(1, 1, 2.0f);
  VectorXf log_std = VectorXf::Constant(1, std::log(0.5f));
  DiagGaussian dist;
  dist.Set(mean, log_std);
  Rng rng(4);
  MatrixXf x(1, 1);
  double s = 0, s2 = 0;
  const int n = 50000;
  for (int i = 0; i < n; ++i) {
    dist.Sample(rng, x);
    s += x(0);
    s2 += x(0) * x(0);
  }
  REQUIRE(s / n == Approx(2.0).margin(0.01));
  REQUIRE(s2 / n - (s / n) * (s / n) == Approx(0.25).margin(0.01));
  REQUIRE(dist.Mode()(0) == 2.0f);
}

}  // namespace
}  // namespace rl::nn
