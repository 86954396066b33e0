// Matrix products of the networks: C = A·B or C += A·B with either operand transposed.
//
// Products whose three dimensions are all at least kBlasMinDim (the 256-wide layers of SAC and
// GAIL on a 256 batch) go to OpenBLAS's single-threaded sgemm, which runs them 1.4-1.8x faster
// than Eigen's kernel on AVX2 machines (bench/nn_bench); smaller ones (PPO's 64-wide layers, a
// single observation, a first layer of 11 inputs) stay with Eigen, which wins there. OpenBLAS is
// loaded at the first product with kernels for this CPU, or not used at all (nn/blas.h). The
// choice depends only on the shapes and that path, so a run is bit-for-bit repeatable on one
// machine; the summation orders of the kernels differ, so results differ in the last bits
// across the threshold and between paths.
#ifndef REWARDLAB_NN_GEMM_H_
#define REWARDLAB_NN_GEMM_H_

#include <Eigen/Dense>

#include "nn/blas.h"

namespace rl::nn {

// A read-only column-major float matrix view with any column stride (maps, column blocks).
using ConstMatRef = Eigen::Ref<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
// A writable column-major float matrix view with any column stride.
using MatRef = Eigen::Ref<Eigen::MatrixXf, 0, Eigen::OuterStride<>>;

// Smallest m, n and k that go to OpenBLAS.
inline constexpr int kBlasMinDim = 128;

// c = op(a)·op(b) (accumulate: c += op(a)·op(b)), op transposing when ta / tb; c must already
// have the product's shape.
void Gemm(const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, MatRef c,
          bool accumulate = false);

// Gemm on the given path whatever the shape (tests and benches); kOpenBlas needs Blas().sgemm,
// else throws std::logic_error.
void GemmOn(BlasPath path, const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, MatRef c,
            bool accumulate = false);

}  // namespace rl::nn

#endif  // REWARDLAB_NN_GEMM_H_
