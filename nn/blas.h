// Which kernels run the network products, chosen once per process at the first product.
//
// OpenBLAS picks its kernel set when it is loaded, from its own table of CPUs; a CPU newer than
// its table (Debian's 0.3.21 on an Emerald Rapids Xeon) gets the generic "Prescott" kernels, 3-5x
// slower than the AVX-512 ones. So OpenBLAS is not linked: the first product dlopens
// libopenblas.so.0, after exporting OPENBLAS_CORETYPE (SkylakeX on an AVX-512 CPU, Haswell on an
// AVX2 one) unless the user set it. When the library is missing, or its kernels are still older
// than the CPU (a user's OPENBLAS_CORETYPE=Prescott, a library without those kernels), every
// product runs on Eigen's kernels, compiled for this CPU. REWARDLAB_BLAS=eigen forces Eigen;
// REWARDLAB_BLAS=openblas forces OpenBLAS exactly as it selects its kernels (benches, tests);
// REWARDLAB_OPENBLAS names another OpenBLAS library to load (a path, or a file name to search).
#ifndef REWARDLAB_NN_BLAS_H_
#define REWARDLAB_NN_BLAS_H_

#include <string>

namespace rl::nn {

// The kernels of the large products (nn/gemm.h), and of the small ones too where BlasChoice says.
enum class BlasPath { kEigen, kOpenBlas };

// The widest vector instructions this CPU and OS support, as far as GEMM kernels care.
enum class CpuSimd { kBaseline, kAvx2, kAvx512 };

// cblas_sgemm's signature with its enums as ints (CblasColMajor 102, CblasNoTrans 111, CblasTrans
// 112) and 32-bit integers (libopenblas0; the 64-bit-integer build is libopenblas64).
using CblasSgemm = void (*)(int order, int trans_a, int trans_b, int m, int n, int k, float alpha,
                            const float* a, int lda, const float* b, int ldb, float beta, float* c,
                            int ldc);

// What the first product decided; never changes afterwards.
struct BlasChoice {
  BlasPath path = BlasPath::kEigen;  // where the large products go
  CpuSimd cpu = CpuSimd::kBaseline;  // what the CPU supports
  CblasSgemm sgemm = nullptr;        // OpenBLAS's sgemm when it is loaded (on either path)
  bool small_on_openblas = false;    // OpenBLAS runs the products below kBlasMinDim as well
  std::string openblas_version;      // "0.3.21", empty when not loaded
  std::string openblas_core;         // openblas_get_corename(), empty when not loaded
  std::string report;                // the one line BlasReport() returns
};

// The process's choice, made at the first call (thread-safe, once). Throws UserError for an
// invalid REWARDLAB_BLAS, or REWARDLAB_BLAS=openblas without a loadable OpenBLAS.
const BlasChoice& Blas();

// One line for logs: "linear algebra: OpenBLAS 0.3.21 kernels SkylakeX (...)" or "linear
// algebra: Eigen kernels (...)", with the CPU and the reason.
std::string BlasReport();

// Appends BlasReport() to the file at log_path (a run's console.log), and prints it on stderr
// when to_stderr. Call it once, where a run starts, before other threads run.
void LogBlasReport(const std::string& log_path, bool to_stderr);

// Whether OpenBLAS kernels named `core` (as openblas_get_corename spells it) predate AVX2:
// Prescott, Core2, Nehalem, Sandybridge, Atom... ; a name it does not know counts as recent.
bool IsPreAvx2Core(const std::string& core);

// Whether OpenBLAS kernels named `core` use AVX-512 (SkylakeX, Cooperlake, SapphireRapids).
bool IsAvx512Core(const std::string& core);

// The name of a CpuSimd level ("AVX-512", "AVX2", "no AVX2").
const char* CpuSimdName(CpuSimd simd);

}  // namespace rl::nn

#endif  // REWARDLAB_NN_BLAS_H_
