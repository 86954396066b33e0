#include "nn/gemm.h"

#include <algorithm>
#include <stdexcept>

// OpenBLAS's Fortran sgemm and its thread control (every Debian variant exports both).
extern "C" {
void sgemm_(const char* transa, const char* transb, const int* m, const int* n, const int* k,
            const float* alpha, const float* a, const int* lda, const float* b, const int* ldb,
            const float* beta, float* c, const int* ldc);
void openblas_set_num_threads(int num_threads);
}

namespace rl::nn {

namespace {

// OpenBLAS on the calling thread only: our own pools parallelise, and results stay fixed.
void SingleThreadedBlas() {
  static const bool once = [] {
    openblas_set_num_threads(1);
    return true;
  }();
  (void)once;
}

}  // namespace

void Gemm(const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, MatRef c, bool accumulate) {
  const int m = static_cast<int>(ta ? a.cols() : a.rows());
  const int k = static_cast<int>(ta ? a.rows() : a.cols());
  const int n = static_cast<int>(tb ? b.rows() : b.cols());
  if ((tb ? b.cols() : b.rows()) != k || c.rows() != m || c.cols() != n) {
    throw std::invalid_argument("Gemm: operand shapes do not match");
  }

  // large products: OpenBLAS
  if (std::min({m, n, k}) >= kBlasMinDim) {
    SingleThreadedBlas();
    const float alpha = 1.0f;
    const float beta = accumulate ? 1.0f : 0.0f;
    const int lda = static_cast<int>(a.outerStride());
    const int ldb = static_cast<int>(b.outerStride());
    const int ldc = static_cast<int>(c.outerStride());
    sgemm_(ta ? "T" : "N", tb ? "T" : "N", &m, &n, &k, &alpha, a.data(), &lda, b.data(), &ldb,
           &beta, c.data(), &ldc);
    return;
  }

  // small products: Eigen
  const auto product = [&](const auto& lhs, const auto& rhs) {
    if (accumulate) {
      c.noalias() += lhs * rhs;
    } else {
      c.noalias() = lhs * rhs;
    }
  };
  if (ta && tb) {
    product(a.transpose(), b.transpose());
  } else if (ta) {
    product(a.transpose(), b);
  } else if (tb) {
    product(a, b.transpose());
  } else {
    product(a, b);
  }
}

}  // namespace rl::nn
