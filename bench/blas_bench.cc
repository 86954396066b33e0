// GFLOP/s of the networks' single-precision products on one thread, per linear-algebra path:
// Eigen's kernels, OpenBLAS with the kernels this process loaded, and nn::Gemm (the path
// rewardlab chose, nn/blas.h). OpenBLAS picks its kernels when it is loaded, so each of its
// kernel sets needs its own process: bench/blas_bench.sh runs this program under each.
//
//   build/blas_bench [--paths eigen,openblas,gemm] [--repeats N] [--min-seconds S]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "nn/blas.h"
#include "nn/gemm.h"

namespace rl::nn {
namespace {

using Clock = std::chrono::steady_clock;
using Eigen::MatrixXf;

// One product: (m x k) by (k x n), operands stored transposed when ta / tb.
struct Shape {
  const char* name;
  int m, n, k;
  bool ta, tb;
};

// 64^3 and SAC's 256-256 layers on a 256 batch: forward W·H, weight gradient dY·H', input
// gradient W'·dY
constexpr Shape kShapes[] = {{"64^3", 64, 64, 64, false, false},
                             {"256^3 forward W*H", 256, 256, 256, false, false},
                             {"256^3 weight grad dY*H'", 256, 256, 256, false, true},
                             {"256^3 input grad W'*dY", 256, 256, 256, true, false}};

// GFLOP/s of `fn` (2mnk flops per call): the median, min and max of `repeats` timings of at
// least min_seconds each.
std::vector<double> Measure(const Shape& s, int repeats, double min_seconds,
                            const std::function<void()>& fn) {
  for (int i = 0; i < 5; ++i) fn();
  std::vector<double> rates;
  for (int r = 0; r < repeats; ++r) {
    long calls = 0;
    double elapsed = 0;
    const auto start = Clock::now();
    while (elapsed < min_seconds) {
      for (int i = 0; i < 10; ++i) fn();
      calls += 10;
      elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    rates.push_back(2.0 * s.m * s.n * s.k * calls / elapsed * 1e-9);
  }
  std::sort(rates.begin(), rates.end());
  return {rates[rates.size() / 2], rates.front(), rates.back()};
}

void Run(const std::string& paths, int repeats, double min_seconds) {
  const BlasChoice& blas = Blas();
  std::printf("# %s\n", blas.report.c_str());
  std::printf("| product | path | kernels | GFLOP/s median | min | max |\n");
  std::printf("|---|---|---|---|---|---|\n");
  const std::string chosen =
      blas.path == BlasPath::kOpenBlas ? "OpenBLAS " + blas.openblas_core : "Eigen";
  for (const Shape& s : kShapes) {
    const MatrixXf a = MatrixXf::Random(s.ta ? s.k : s.m, s.ta ? s.m : s.k);
    const MatrixXf b = MatrixXf::Random(s.tb ? s.n : s.k, s.tb ? s.k : s.n);
    MatrixXf c(s.m, s.n);
    const auto row = [&](const char* path, const std::string& kernels, auto fn) {
      const std::vector<double> r = Measure(s, repeats, min_seconds, fn);
      std::printf("| %s | %s | %s | %.1f | %.1f | %.1f |\n", s.name, path, kernels.c_str(), r[0],
                  r[1], r[2]);
      std::fflush(stdout);
    };
    if (paths.find("eigen") != std::string::npos) {
      row("Eigen", "Eigen", [&] { GemmOn(BlasPath::kEigen, a, s.ta, b, s.tb, c); });
    }
    if (paths.find("openblas") != std::string::npos && blas.sgemm) {
      row("OpenBLAS", blas.openblas_core,
          [&] { GemmOn(BlasPath::kOpenBlas, a, s.ta, b, s.tb, c); });
    }
    if (paths.find("gemm") != std::string::npos) {
      const bool large = std::min({s.m, s.n, s.k}) >= kBlasMinDim;
      row("nn::Gemm", large ? chosen : "Eigen", [&] { Gemm(a, s.ta, b, s.tb, c); });
    }
  }
}

}  // namespace
}  // namespace rl::nn

int main(int argc, char** argv) {
  std::string paths = "eigen,openblas,gemm";
  int repeats = 5;
  double min_seconds = 0.2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--paths") == 0) paths = argv[i + 1];
    if (std::strcmp(argv[i], "--repeats") == 0) repeats = std::max(1, std::atoi(argv[i + 1]));
    if (std::strcmp(argv[i], "--min-seconds") == 0) min_seconds = std::atof(argv[i + 1]);
  }
  rl::nn::Run(paths, repeats, min_seconds);
  return 0;
}
