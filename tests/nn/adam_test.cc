#include "nn/adam.h"

#include <catch2/catch.hpp>
#include <limits>

namespace rl::nn {
namespace {

TEST_CASE("adam reproduces a hand-computed two-step example", "[unit]") {
  Adam adam(2, AdamOptions{.lr = 0.1, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8});
  Eigen::VectorXf p(2), g1(2), g2(2);
  p << 1.0f, -2.0f;
  g1 << 0.5f, -1.0f;
  g2 << 0.1f, 0.3f;

  // step 1: m = 0.1 g1 = (0.05, -0.1), v = 0.001 g1^2 = (2.5e-4, 1e-3), bc1 = 0.1, bc2 = 1e-3,
  // m_hat = (0.5, -1), v_hat = (0.25, 1): p -= 0.1 * (0.5 / 0.5, -1 / 1) -> (0.9, -1.9)
  adam.Step(p, g1);
  REQUIRE(adam.StepCount() == 1);
  REQUIRE(adam.M()(0) == Approx(0.05).epsilon(1e-6));
  REQUIRE(adam.V()(1) == Approx(1e-3).epsilon(1e-6));
  REQUIRE(p(0) == Approx(0.9).epsilon(1e-6));
  REQUIRE(p(1) == Approx(-1.9).epsilon(1e-6));

  // step 2: m = 0.9 m + 0.1 g2 = (0.055, -0.06), v = 0.999 v + 0.001 g2^2 = (2.5975e-4, 1.089e-3),
  // bc1 = 0.19, bc2 = 0.001999, m_hat = (0.2894737, -0.3157895), v_hat = (0.1299400, 0.5447724),
  // p -= 0.1 * m_hat / sqrt(v_hat) = (0.0803041, -0.0427849) -> (0.8196959, -1.8572151)
  adam.Step(p, g2);
  REQUIRE(adam.M()(1) == Approx(-0.06).epsilon(1e-6));
  REQUIRE(adam.V()(0) == Approx(2.5975e-4).epsilon(1e-6));
  REQUIRE(p(0) == Approx(0.8196959).epsilon(1e-6));
  REQUIRE(p(1) == Approx(-1.8572151).epsilon(1e-6));
}

TEST_CASE("adam learning rate is mutable and the state restorable", "[unit]") {
  Adam a(3, AdamOptions{.lr = 1e-3, .eps = 1e-5});
  Eigen::VectorXf pa = Eigen::VectorXf::Ones(3), g = Eigen::VectorXf::LinSpaced(3, -1.0f, 2.0f);
  a.Step(pa, g);
  a.SetLr(5e-4);
  REQUIRE(a.Lr() == 5e-4);

  // a copy of (m, v, t) continues identically
  Adam b(3, a.Options());
  b.M() = a.M();
  b.V() = a.V();
  b.SetStepCount(a.StepCount());
  Eigen::VectorXf pb = pa;
  a.Step(pa, g);
  b.Step(pb, g);
  REQUIRE(pa == pb);
}

TEST_CASE("clip grad norm follows torch and returns the pre-clip norm", "[unit]") {
  Eigen::VectorXf g(2);
  g << 3.0f, 4.0f;
  REQUIRE(ClipGradNorm(g, 10.0f) == 5.0f);
  REQUIRE(g(0) == 3.0f);
  REQUIRE(ClipGradNorm(g, 0.5f) == 5.0f);
  const float coef = 0.5f / (5.0f + 1e-6f);
  REQUIRE(g(0) == 3.0f * coef);
  REQUIRE(g(1) == 4.0f * coef);
}

TEST_CASE("polyak averaging is exact", "[unit]") {
  Eigen::VectorXf target(3), source(3);
  target << 1.0f, 2.0f, -4.0f;
  source << 3.0f, 4.0f, 4.0f;
  Polyak(target, source, 0.25f);
  REQUIRE(target(0) == 1.5f);
  REQUIRE(target(1) == 2.5f);
  REQUIRE(target(2) == -2.0f);
  Polyak(target, source, 1.0f);
  REQUIRE(target == source);
}

TEST_CASE("AllFinite finds one NaN or infinity anywhere, and never flags large finite values",
          "[unit]") {
  const float big = std::numeric_limits<float>::max();
  Eigen::VectorXf v = Eigen::VectorXf::Constant(1001, big);
  v.tail(500).setConstant(-big);
  CHECK(AllFinite(v));
  CHECK(AllFinite(Eigen::VectorXf()));
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(),
                          std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity()}) {
    for (const int at : {0, 7, 16, 999, 1000}) {
      Eigen::VectorXf w = v;
      w(at) = bad;
      CAPTURE(bad, at);
      CHECK_FALSE(AllFinite(w));
    }
  }
}

}  // namespace
}  // namespace rl::nn
