// Matrix products of the networks: C = A·B or C += A·B with either operand transposed.
//
// Where OpenBLAS is loaded with kernels for this CPU (nn/blas.h), products whose three dimensions
// are all at least kBlasMinDim (the 256-wide layers of SAC and GAIL on a 256 batch) go to its
// single-threaded sgemm. With AVX-512 kernels the smaller ones do too (PPO's 64-wide layers, a
// first layer of 11 inputs, a critic's 1-row output): those kernels run them 1.4-5x faster than
// Eigen's. With AVX2 kernels they stay with Eigen, which wins there, and matrix-vector products
// (one column, a single observation) always do (bench/sac_bench --gemm). The choice depends only
// on the shapes and that path, so a run is bit-for-bit repeatable on one machine; the summation
// orders of the kernels differ, so results differ in the last bits between paths.
#ifndef REWARDLAB_NN_GEMM_H_
#define REWARDLAB_NN_GEMM_H_

#include <Eigen/Dense>
#include <cstdint>

#include "nn/blas.h"

namespace rl::nn {

// A read-only column-major float matrix view with any column stride (maps, column blocks).
using ConstMatRef = Eigen::Ref<const Eigen::MatrixXf, 0, Eigen::OuterStride<>>;
// A writable column-major float matrix view with any column stride.
using MatRef = Eigen::Ref<Eigen::MatrixXf, 0, Eigen::OuterStride<>>;

// Smallest m, n and k that go to OpenBLAS when its kernels are not AVX-512 ones.
inline constexpr int kBlasMinDim = 128;

// c = op(a)·op(b) (accumulate: c += op(a)·op(b)), op transposing when ta / tb; c must already
// have the product's shape.
void Gemm(const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, MatRef c,
          bool accumulate = false);

// Gemm on the given path whatever the shape (tests and benches); kOpenBlas needs Blas().sgemm,
// else throws std::logic_error.
void GemmOn(BlasPath path, const ConstMatRef& a, bool ta, const ConstMatRef& b, bool tb, MatRef c,
            bool accumulate = false);

// Multiply-adds × 2 (2mnk) of the Gemm and GemmOn calls made, on any thread, while counting was
// on (benches: the FLOPs of one SAC step).
int64_t GemmFlops();

// Turns that counting on or off; off by default, so that products share no counter.
void CountGemmFlops(bool on);

}  // namespace rl::nn

#endif  // REWARDLAB_NN_GEMM_H_
