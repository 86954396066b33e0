#include <catch2/catch.hpp>
#include <cmath>

#include "nn/distributions.h"
#include "nn/mlp.h"
#include "tests/nn/grad_check.h"

namespace rl::nn {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using testing::FiniteDiff;
using testing::Flat;
using testing::ForwardDouble;
using testing::RandomNormal;
using testing::RequireGradClose;

constexpr double kLog2Pi = 1.8378770664093453;  // log(2 pi)

// Double reference of TanhGaussian: env actions (d x B) and log-probs (B) from the heads and eps.
struct Reference {
  bool bound = true;
  double lo = -5, hi = 2;
  VectorXd low, high;  // (d)

  void Run(const MatrixXd& mean, const MatrixXd& raw, const MatrixXd& eps, MatrixXd& act,
           VectorXd& logp) const {
    const VectorXd scale = (high - low) / 2;
    act.resize(mean.rows(), mean.cols());
    logp.resize(mean.cols());
    for (Eigen::Index b = 0; b < mean.cols(); ++b) {
      logp(b) = 0;
      for (Eigen::Index i = 0; i < mean.rows(); ++i) {
        const double ls = bound ? lo + 0.5 * (hi - lo) * (std::tanh(raw(i, b)) + 1) : raw(i, b);
        const double u = mean(i, b) + std::exp(ls) * eps(i, b);
        const double z = (u - mean(i, b)) / std::exp(ls);
        // -2 log cosh(u), written without tanh
        const double log_sech2 =
            -2 * (std::abs(u) + std::log1p(std::exp(-2 * std::abs(u))) - std::log(2.0));
        logp(b) += -0.5 * z * z - ls - 0.5 * kLog2Pi - log_sech2 - std::log(scale(i));
        act(i, b) = low(i) + (std::tanh(u) + 1) / 2 * (high(i) - low(i));
      }
    }
  }
};

TEST_CASE("log-std bounding transform and its derivative", "[unit]") {
  REQUIRE(BoundLogStd(0.0f, -5.0f, 2.0f) == Approx(-1.5f));
  REQUIRE(BoundLogStd(30.0f, -5.0f, 2.0f) == Approx(2.0f));
  REQUIRE(BoundLogStd(-30.0f, -5.0f, 2.0f) == Approx(-5.0f));
  for (const float raw : {-2.0f, -0.3f, 0.0f, 0.7f, 1.5f}) {
    const double h = 1e-3;
    const double fd = (BoundLogStd(raw + h, -5, 2) - BoundLogStd(raw - h, -5, 2)) / (2 * h);
    REQUIRE(BoundLogStdGrad(raw, -5.0f, 2.0f) == Approx(fd).epsilon(2e-3));
  }
  REQUIRE(std::isfinite(LogOneMinusTanhSq(60.0f)));
  REQUIRE(LogOneMinusTanhSq(60.0f) == Approx(2 * (std::log(2.0) - 60.0)).epsilon(1e-6));
  REQUIRE(LogOneMinusTanhSq(0.5f) == Approx(std::log(1 - std::pow(std::tanh(0.5), 2))));
}

TEST_CASE("tanh-gaussian log-prob matches the double formula - large |u| included", "[unit]") {
  Rng rng(1);
  const int d = 2, batch = 6;
  MatrixXd mean = 2 * RandomNormal(d, batch, rng);
  mean(0, 0) = 12.0;  // tanh(u) rounds to 1 in float: the naive log(1 - a^2) would be -inf
  mean(1, 1) = -9.0;
  const MatrixXd raw = RandomNormal(d, batch, rng);
  const MatrixXd eps = RandomNormal(d, batch, rng);
  TanhGaussianOptions options;
  options.low = Eigen::Vector2f(-2.0f, 0.0f);
  options.high = Eigen::Vector2f(2.0f, 1.0f);
  TanhGaussian dist(options);
  dist.Set(mean.cast<float>(), raw.cast<float>());
  MatrixXf act(d, batch);
  VectorXf logp(batch);
  dist.SampleWithNoise(eps.cast<float>(), act, logp);

  Reference ref{.low = Eigen::Vector2d(-2, 0), .high = Eigen::Vector2d(2, 1)};
  MatrixXd act_ref;
  VectorXd logp_ref;
  ref.Run(mean.cast<float>().cast<double>(), raw.cast<float>().cast<double>(),
          eps.cast<float>().cast<double>(), act_ref, logp_ref);
  REQUIRE((act.cast<double>() - act_ref).cwiseAbs().maxCoeff() < 1e-5);
  for (int b = 0; b < batch; ++b) REQUIRE(logp(b) == Approx(logp_ref(b)).epsilon(1e-4));

  MatrixXf mode(d, batch);
  dist.Mode(mode);
  REQUIRE(mode(0, 0) == Approx(2.0f));
  REQUIRE(mode(1, 1) == Approx(0.0f).margin(1e-6));
}

TEST_CASE("tanh-gaussian density of the scaled action integrates to one", "[unit]") {
  // a_env on [-2, 2] on a midpoint grid; eps is chosen so the sample lands on each grid point
  const int n = 20000;
  const float mean = 0.3f, log_std = -0.2f;
  TanhGaussianOptions options;
  options.bound_log_std = false;
  options.low = VectorXf::Constant(1, -2.0f);
  options.high = VectorXf::Constant(1, 2.0f);
  TanhGaussian dist(options);
  dist.Set(MatrixXf::Constant(1, n, mean), MatrixXf::Constant(1, n, log_std));
  MatrixXf eps(1, n);
  const double width = 4.0 / n;
  for (int k = 0; k < n; ++k) {
    const double a_env = -2.0 + (k + 0.5) * width;
    eps(0, k) = static_cast<float>((std::atanh(a_env / 2) - mean) / std::exp(double(log_std)));
  }
  MatrixXf act(1, n);
  VectorXf logp(n);
  dist.SampleWithNoise(eps, act, logp);
  REQUIRE(act(0, n / 3) == Approx(-2.0 + (n / 3 + 0.5) * width).margin(1e-5));
  const double mass = logp.cast<double>().array().exp().sum() * width;
  REQUIRE(mass == Approx(1.0).epsilon(1e-3));
}

TEST_CASE("tanh-gaussian reparameterised gradients w.r.t. mean and raw log-std", "[unit]") {
  for (const bool bound : {true, false}) {
    Rng rng(2);
    const int d = 2, batch = 5;
    const MatrixXf mean = RandomNormal(d, batch, rng).cast<float>();
    const MatrixXf raw = (0.5 * RandomNormal(d, batch, rng)).cast<float>();
    const MatrixXf eps = RandomNormal(d, batch, rng).cast<float>();
    const MatrixXf g_act = RandomNormal(d, batch, rng).cast<float>();
    const VectorXf g_logp = RandomNormal(batch, 1, rng).cast<float>();
    TanhGaussianOptions options;
    options.bound_log_std = bound;
    options.low = Eigen::Vector2f(-2.0f, -1.0f);
    options.high = Eigen::Vector2f(2.0f, 3.0f);
    TanhGaussian dist(options);
    dist.Set(mean, raw);
    MatrixXf act(d, batch), dmean(d, batch), draw(d, batch);
    VectorXf logp(batch);
    dist.SampleWithNoise(eps, act, logp);
    dist.Backward(g_act, g_logp, dmean, draw);

    // params = [mean, raw], both column-major
    Reference ref{.bound = bound, .low = Eigen::Vector2d(-2, -1), .high = Eigen::Vector2d(2, 3)};
    const auto loss = [&](const VectorXd& p) {
      MatrixXd a;
      VectorXd lp;
      ref.Run(p.head(d * batch).reshaped(d, batch), p.tail(d * batch).reshaped(d, batch),
              eps.cast<double>(), a, lp);
      return (g_act.cast<double>().array() * a.array()).sum() + g_logp.cast<double>().dot(lp);
    };
    VectorXd p(2 * d * batch);
    p << Flat(mean).cast<double>(), Flat(raw).cast<double>();
    VectorXf analytic(2 * d * batch);
    analytic << Flat(dmean), Flat(draw);
    INFO("bound " << bound);
    RequireGradClose(analytic, FiniteDiff(loss, p));
  }
}

TEST_CASE("sac actor loss gradient through tanh-gaussian and the q input", "[unit]") {
  // L = mean_b(alpha log pi(a_b | s_b) - Q(s_b, a_b)), a_b = f(actor(s_b), eps_b), Pendulum bounds
  Rng rng(5);
  const int obs_dim = 3, d = 1, batch = 4;
  const float alpha = 0.2f;
  Mlp actor({obs_dim, 8, 8, 2 * d}, Activation::kRelu, 1.0f, rng);
  Mlp critic({obs_dim + d, 8, 8, 1}, Activation::kRelu, 1.0f, rng);
  actor.Params().array() += 0.1f * RandomNormal(actor.NumParams(), 1, rng).cast<float>().array();
  const MatrixXf obs = RandomNormal(obs_dim, batch, rng).cast<float>();
  const MatrixXf eps = RandomNormal(d, batch, rng).cast<float>();
  TanhGaussianOptions options;
  options.low = VectorXf::Constant(d, -2.0f);
  options.high = VectorXf::Constant(d, 2.0f);
  TanhGaussian dist(options);

  // forward: actor heads, sample, q on (obs, action)
  MlpCache actor_cache, critic_cache;
  actor.Forward(obs, actor_cache);
  dist.Set(actor_cache.Output().topRows(d), actor_cache.Output().bottomRows(d));
  MatrixXf act(d, batch);
  VectorXf logp(batch);
  dist.SampleWithNoise(eps, act, logp);
  critic.Forward(obs, act, critic_cache);

  // backward: dL/dq = -1/B, dL/dlogpi = alpha/B, the action gradient from the critic's input
  VectorXf critic_grad = VectorXf::Zero(critic.NumParams());
  MatrixXf dx;
  critic.Backward(critic_cache, MatrixXf::Constant(1, batch, -1.0f / batch), critic_grad, &dx);
  MatrixXf dmean(d, batch), draw(d, batch), dheads(2 * d, batch);
  dist.Backward(dx.bottomRows(d), VectorXf::Constant(batch, alpha / batch), dmean, draw);
  dheads << dmean, draw;
  VectorXf grad = VectorXf::Zero(actor.NumParams());
  actor.Backward(actor_cache, dheads, grad);

  Reference ref{.low = VectorXd::Constant(d, -2), .high = VectorXd::Constant(d, 2)};
  const VectorXd critic_params = critic.Params().cast<double>();
  const auto loss = [&](const VectorXd& p) {
    const MatrixXd heads = ForwardDouble(actor, p, obs.cast<double>());
    MatrixXd a;
    VectorXd lp;
    ref.Run(heads.topRows(d), heads.bottomRows(d), eps.cast<double>(), a, lp);
    MatrixXd q_in(obs_dim + d, batch);
    q_in << obs.cast<double>(), a;
    const MatrixXd q = ForwardDouble(critic, critic_params, q_in);
    return (alpha * lp.sum() - q.sum()) / batch;
  };
  RequireGradClose(grad, FiniteDiff(loss, actor.Params().cast<double>()));
}

}  // namespace
}  // namespace rl::nn
