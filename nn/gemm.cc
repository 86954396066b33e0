#include "nn/gemm.h"

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <vector>

namespace rl::nn {

namespace {

std::atomic<int64_t> g_flops{0};
std::atomic<bool> g_counting{false};

// The largest transposed A (entries) that Gemm copies out for OpenBLAS's small kernels: a 64x64
// layer; a 256x256 one's copy costs a third of the product.
constexpr Eigen::Index kTransposeMaxSize = 64 * 64;

// cblas enums (cblas.h)
constexpr int kColMajor = 102;
constexpr int kNoTrans = 111;
constexpr int kTrans = 112;

// The product's m, n and k; throws when the shapes do not match.
void Dims(const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, const MatRef& c, int& m,
          int& n, int& k) {
  m = static_cast<int>(ta ? a.cols() : a.rows());
  k = static_cast<int>(ta ? a.rows() : a.cols());
  n = static_cast<int>(tb ? b.rows() : b.cols());
  if ((tb ? b.cols() : b.rows()) != k || c.rows() != m || c.cols() != n) {
    throw std::invalid_argument("Gemm: operand shapes do not match");
  }
  if (g_counting.load(std::memory_order_relaxed)) {
    g_flops.fetch_add(2 * int64_t{m} * n * k, std::memory_order_relaxed);
  }
}

void OpenBlasProduct(CblasSgemm sgemm, const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb,
                     MatRef c, bool accumulate, int m, int n, int k) {
  sgemm(kColMajor, ta ? kTrans : kNoTrans, tb ? kTrans : kNoTrans, m, n, k, 1.0f, a.data(),
        static_cast<int>(a.outerStride()), b.data(), static_cast<int>(b.outerStride()),
        accumulate ? 1.0f : 0.0f, c.data(), static_cast<int>(c.outerStride()));
}

void EigenProduct(const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, MatRef c,
                  bool accumulate) {
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

}  // namespace

int64_t GemmFlops() { return g_flops.load(std::memory_order_relaxed); }

void CountGemmFlops(bool on) { g_counting.store(on, std::memory_order_relaxed); }

void Gemm(const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, MatRef c, bool accumulate) {
  int m, n, k;
  Dims(a, ta, b, tb, c, m, n, k);
  // large products on OpenBLAS when it has kernels for this CPU, small ones too when they are
  // AVX-512 kernels, matrix-vector products never
  const BlasChoice& blas = Blas();
  if (blas.path == BlasPath::kOpenBlas && n > 1 &&
      (blas.small_on_openblas || std::min({m, n, k}) >= kBlasMinDim)) {
    // a small transposed A (the input gradients W^T·dY) copied out first: OpenBLAS's small
    // kernels refuse transposed A beyond a few entries of C, and the general path's packing
    // costs more than the copy (bench/sac_bench --gemm 1)
    if (blas.small_on_openblas && ta && !tb && a.size() <= kTransposeMaxSize) {
      thread_local std::vector<float> buffer;  // grows to the largest A, never shrinks
      if (buffer.size() < static_cast<size_t>(a.size())) buffer.resize(a.size());
      Eigen::Map<Eigen::MatrixXf> at(buffer.data(), a.cols(), a.rows());
      at = a.transpose();
      OpenBlasProduct(blas.sgemm, at, false, b, false, c, accumulate, m, n, k);
      return;
    }
    OpenBlasProduct(blas.sgemm, a, ta, b, tb, c, accumulate, m, n, k);
    return;
  }
  EigenProduct(a, ta, b, tb, c, accumulate);
}

void GemmOn(BlasPath path, const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, MatRef c,
            bool accumulate) {
  int m, n, k;
  Dims(a, ta, b, tb, c, m, n, k);
  if (path == BlasPath::kEigen) {
    EigenProduct(a, ta, b, tb, c, accumulate);
    return;
  }
  const CblasSgemm sgemm = Blas().sgemm;
  if (!sgemm) throw std::logic_error("GemmOn: OpenBLAS is not loaded in this process");
  OpenBlasProduct(sgemm, a, ta, b, tb, c, accumulate, m, n, k);
}

}  // namespace rl::nn
