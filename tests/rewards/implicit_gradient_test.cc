// The implicit (bi-level) gradient helpers of rewards/policy_gradient_oracle.h on the quadratic
// toy of algorithms.md §2.8, behind the oracle interface: the Neumann series gives B^T A^-1 c, the
// first-order variant B^T c, and Step reaches the inner optimum.
#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include "core/error.h"
#include "rewards/policy_gradient_oracle.h"
#include "tests/support/agent_checks.h"
#include "tests/support/quadratic_oracle.h"

namespace rl {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// A standard normal vector of n entries from `seed`.
VectorXd RandomVec(int n, uint64_t seed) { return testing::ProbeObs(n, 1, 1.0, seed).col(0); }

using testing::QuadraticOracle;

TEST_CASE("implicit gradient on the quadratic toy equals B^T A^-1 c", "[unit]") {
  // A symmetric positive definite (eigenvalues in [1, 3]), B and c arbitrary
  const int n = 4, m = 3;
  const MatrixXd q = MatrixXd(testing::ProbeObs(n, n, 1.0, 51)).householderQr().householderQ();
  const VectorXd eig = (VectorXd(n) << 1.0, 1.5, 2.2, 3.0).finished();
  const MatrixXd a = q * eig.asDiagonal() * q.transpose();
  const MatrixXd b = testing::ProbeObs(n, m, 1.0, 52);
  const VectorXd c = RandomVec(n, 53), phi = RandomVec(m, 54);
  QuadraticOracle o(a, b);
  const VectorXd expected = b.transpose() * a.ldlt().solve(c);

  SECTION("inner optimum through Step, then the implicit gradient by Neumann series") {
    // inner loop: ascent steps to θ*(φ) = A⁻¹Bφ
    VectorXd grad, theta;
    for (int i = 0; i < 400; ++i) {
      o.Gradient(phi, 0.0, grad);
      o.Step(grad, 0.3);
    }
    o.Params(theta);
    CHECK((theta - a.ldlt().solve(b * phi)).norm() < 1e-9);
    // outer: ∇θ J_p = c; α·λmax = 0.3·3 < 2, 200 terms leave (1 − 0.3)^200 of the series
    VectorXd implicit;
    ImplicitRewardGradient(o, phi, 0.0, c, {200, 0.3}, implicit);
    CHECK((implicit - expected).norm() < 1e-9 * expected.norm());
    // and it is the derivative of J_p(θ*(φ)) = cᵀA⁻¹Bφ
    for (int k = 0; k < m; ++k) {
      const VectorXd dphi = 1e-4 * VectorXd::Unit(m, k);
      const double fd =
          (c.dot(a.ldlt().solve(b * (phi + dphi))) - c.dot(a.ldlt().solve(b * (phi - dphi)))) /
          2e-4;
      CHECK(implicit[k] == Approx(fd).epsilon(1e-6));
    }
  }
  SECTION("the first-order variant (H^-1 = -I) gives B^T c") {
    VectorXd first;
    ImplicitRewardGradient(o, phi, 0.0, c, {0, 0.0}, first);
    CHECK((first - b.transpose() * c).norm() < 1e-12);
  }
  SECTION("a short series converges towards the exact answer") {
    VectorXd k5, k50;
    ImplicitRewardGradient(o, phi, 0.0, c, {5, 0.3}, k5);
    ImplicitRewardGradient(o, phi, 0.0, c, {50, 0.3}, k50);
    CHECK((k50 - expected).norm() < (k5 - expected).norm());
  }
}

}  // namespace
}  // namespace rl
