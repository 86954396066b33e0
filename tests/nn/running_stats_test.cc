#include "nn/running_stats.h"

#include <catch2/catch.hpp>
#include <vector>

#include "core/rng.h"

namespace rl::nn {
namespace {

// All columns seen so far, stacked.
Eigen::MatrixXd Stack(const std::vector<Eigen::MatrixXd>& batches) {
  Eigen::Index n = 0;
  for (const auto& b : batches) n += b.cols();
  Eigen::MatrixXd all(batches[0].rows(), n);
  n = 0;
  for (const auto& b : batches) {
    all.middleCols(n, b.cols()) = b;
    n += b.cols();
  }
  return all;
}

TEST_CASE("running mean/std equals the moments of all data seen", "[unit]") {
  for (const double prior : {0.0, 1e-4}) {
    Rng rng(1);
    RunningMeanStd rms(3, prior);
    std::vector<Eigen::MatrixXd> seen;
    for (const int n : {1, 7, 64, 3, 200}) {
      Eigen::MatrixXd batch(3, n);
      for (Eigen::Index i = 0; i < batch.size(); ++i) batch.data()[i] = 5 + 3 * rng.Normal();
      rms.Update(batch);
      seen.push_back(batch);

      // the pseudo-count acts as `prior` samples of mean 0 and variance 1
      const Eigen::MatrixXd all = Stack(seen);
      const double total = prior + all.cols();
      const Eigen::VectorXd mean = all.rowwise().sum() / total;
      const Eigen::VectorXd m2 = (all.colwise() - mean).rowwise().squaredNorm() +
                                 prior * (Eigen::VectorXd::Ones(3) + mean.cwiseAbs2());
      const Eigen::VectorXd var = m2 / total;
      REQUIRE(rms.Count() == Approx(total).epsilon(1e-12));
      for (int i = 0; i < 3; ++i) {
        REQUIRE(rms.Mean()(i) == Approx(mean(i)).epsilon(1e-9));
        REQUIRE(rms.Var()(i) == Approx(var(i)).epsilon(1e-9));
      }
    }
  }
}

TEST_CASE("running mean/std normalises with clipping and freezes", "[unit]") {
  RunningMeanStd rms(2, 0.0);
  Eigen::MatrixXd batch(2, 2);
  batch << 0.0, 2.0, -1.0, 1.0;
  rms.Update(batch);  // mean (1, 0), var (1, 1)
  rms.SetFrozen(true);
  rms.Update(Eigen::MatrixXd::Constant(2, 5, 100.0));
  REQUIRE(rms.Count() == 2.0);

  Eigen::MatrixXd x(2, 2);
  x << 3.0, 1000.0, 0.5, -1000.0;
  Eigen::MatrixXf out(2, 2);
  rms.Normalize(x, out);
  REQUIRE(out(0, 0) == Approx(2.0 / std::sqrt(1.0 + 1e-8)));
  REQUIRE(out(1, 0) == Approx(0.5 / std::sqrt(1.0 + 1e-8)));
  REQUIRE(out(0, 1) == 10.0f);
  REQUIRE(out(1, 1) == -10.0f);
  Eigen::MatrixXf out_f(2, 2);
  rms.Normalize(Eigen::MatrixXf(x.cast<float>()), out_f);
  REQUIRE(out_f.isApprox(out));
}

TEST_CASE("return normalizer follows Gymnasium NormalizeReward", "[unit]") {
  const double gamma = 0.9;
  ReturnNormalizer norm(2, gamma);
  const std::vector<Eigen::Vector2d> rewards = {{1, 2}, {0.5, -1}, {2, 3}, {1, 1}};
  const std::vector<std::vector<uint8_t>> terminated = {{0, 0}, {0, 1}, {1, 0}, {0, 0}};

  // replay by hand: ret = ret * gamma * (1 - term) + r, then all returns so far give the variance
  Eigen::Vector2d ret = Eigen::Vector2d::Zero();
  std::vector<double> history;
  for (size_t t = 0; t < rewards.size(); ++t) {
    for (int i = 0; i < 2; ++i) ret(i) = ret(i) * gamma * (1 - terminated[t][i]) + rewards[t](i);
    history.push_back(ret(0));
    history.push_back(ret(1));
    Eigen::Vector2d out;
    norm.Normalize(rewards[t], terminated[t], out);

    const Eigen::Map<const Eigen::VectorXd> h(history.data(), history.size());
    const double total = 1e-4 + h.size();
    const double mean = h.sum() / total;
    const double var = ((h.array() - mean).square().sum() + 1e-4 * (1 + mean * mean)) / total;
    REQUIRE(norm.Returns()(0) == Approx(ret(0)));
    REQUIRE(norm.Returns()(1) == Approx(ret(1)));
    REQUIRE(out(0) == Approx(rewards[t](0) / std::sqrt(var + 1e-8)).epsilon(1e-9));
    REQUIRE(out(1) == Approx(rewards[t](1) / std::sqrt(var + 1e-8)).epsilon(1e-9));
  }
  // termination at t = 1 dropped the old return before adding that step's reward (-1)
  REQUIRE(norm.Returns()(1) == Approx(gamma * (gamma * -1 + 3) + 1));
}

}  // namespace
}  // namespace rl::nn
