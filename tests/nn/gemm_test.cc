// nn::Gemm against Eigen's product in double: every transpose combination, overwrite and
// accumulate, on both sides of the OpenBLAS threshold, and on strided views.
#include "nn/gemm.h"

#include <catch2/catch.hpp>
#include <stdexcept>

namespace rl::nn {
namespace {

using Eigen::MatrixXd;
using Eigen::MatrixXf;

// Checks Gemm(op(a), op(b)) for an (m x k) by (k x n) product against double precision.
void CheckProduct(int m, int n, int k, bool ta, bool tb) {
  const MatrixXf a = ta ? MatrixXf::Random(k, m) : MatrixXf::Random(m, k);
  const MatrixXf b = tb ? MatrixXf::Random(n, k) : MatrixXf::Random(k, n);
  const MatrixXd ad = ta ? MatrixXd(a.cast<double>().transpose()) : MatrixXd(a.cast<double>());
  const MatrixXd bd = tb ? MatrixXd(b.cast<double>().transpose()) : MatrixXd(b.cast<double>());
  const MatrixXd want = ad * bd;
  // float sums of k products of [-1, 1] numbers: a few ulps of sqrt(k) per entry
  const double tol = 1e-5 * k;

  MatrixXf c(m, n);
  Gemm(a, ta, b, tb, c);
  CHECK((c.cast<double>() - want).cwiseAbs().maxCoeff() < tol);

  const MatrixXf c0 = MatrixXf::Random(m, n);
  MatrixXf acc = c0;
  Gemm(a, ta, b, tb, acc, /*accumulate=*/true);
  CHECK((acc.cast<double>() - c0.cast<double>() - want).cwiseAbs().maxCoeff() < tol);
}

TEST_CASE("Gemm matches the double product for every transpose, small and large", "[unit]") {
  const int large = kBlasMinDim + 3;
  for (const bool ta : {false, true}) {
    for (const bool tb : {false, true}) {
      CAPTURE(ta, tb);
      CheckProduct(5, 7, 3, ta, tb);                      // Eigen
      CheckProduct(large, large + 5, large + 9, ta, tb);  // OpenBLAS
      CheckProduct(large, 1, large, ta, tb);              // a single column stays with Eigen
    }
  }
}

TEST_CASE("Gemm reads and writes column blocks with their stride", "[unit]") {
  const int n = kBlasMinDim;
  const MatrixXf w = MatrixXf::Random(n, 2 * n + 4);
  const MatrixXf x = MatrixXf::Random(n, n);
  MatrixXf out = MatrixXf::Zero(n, 3 * n);
  // the middle columns of out = the right columns of w times x
  Gemm(w.rightCols(n), false, x, false, out.middleCols(n, n));
  const MatrixXd want = w.rightCols(n).cast<double>() * x.cast<double>();
  CHECK((out.middleCols(n, n).cast<double>() - want).cwiseAbs().maxCoeff() < 1e-5 * n);
  CHECK(out.leftCols(n).isZero());
  CHECK(out.rightCols(n).isZero());
}

TEST_CASE("Gemm is repeatable bit for bit and refuses mismatched shapes", "[unit]") {
  const int n = kBlasMinDim;
  const MatrixXf a = MatrixXf::Random(n, n), b = MatrixXf::Random(n, n);
  MatrixXf c1(n, n), c2(n, n);
  Gemm(a, false, b, true, c1);
  Gemm(a, false, b, true, c2);
  CHECK((c1.array() == c2.array()).all());
  MatrixXf wrong(n, n + 1);
  CHECK_THROWS_AS(Gemm(a, false, b, false, wrong), std::invalid_argument);
}

TEST_CASE("Gemm counts 2mnk FLOPs only while counting is on", "[unit]") {
  const MatrixXf a = MatrixXf::Random(5, 3), b = MatrixXf::Random(3, 7);
  MatrixXf c(5, 7), ct(7, 5);
  const int64_t before = GemmFlops();
  Gemm(a, false, b, false, c);
  CHECK(GemmFlops() == before);
  CountGemmFlops(true);
  Gemm(a, false, b, false, c);
  GemmOn(BlasPath::kEigen, b, true, a, true, ct);
  CountGemmFlops(false);
  CHECK(GemmFlops() - before == 2 * (2 * 5 * 7 * 3));
}

}  // namespace
}  // namespace rl::nn
