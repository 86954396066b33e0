// The linear-algebra paths of nn/blas.h: the networks' product shapes on Eigen, on OpenBLAS with
// this process's kernels, and in child processes of this test binary with other choices
// (OpenBLAS forced to Prescott, rewardlab's own choice, the Eigen fallback); every result within
// the float error bound of the exact product, and each path repeatable bit for bit.
#include "nn/blas.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "nn/gemm.h"
#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl::nn {
namespace {

using Eigen::MatrixXd;
using Eigen::MatrixXf;

// One product: (m x k) by (k x n), operands stored transposed when ta / tb.
struct Shape {
  int m, n, k;
  bool ta, tb;
};

// SAC's 256-256 layers on a 256 batch (forward, weight and input gradients), a Hopper first
// layer, an output row, Pendulum's 64-wide layers on a batch of 100, an odd size, and input
// gradients through a 64-wide layer and through a 1-row head (copied out and transposed first
// on AVX-512 kernels)
const std::vector<Shape> kShapes = {
    {256, 256, 256, false, false}, {256, 256, 256, false, true}, {256, 256, 256, true, false},
    {256, 256, 256, true, true},   {256, 256, 11, false, false}, {1, 256, 256, false, false},
    {64, 100, 64, false, false},   {64, 64, 100, false, true},   {131, 137, 141, true, false},
    {64, 100, 64, true, false},    {64, 100, 1, true, false}};

// Uniform numbers in [-1, 1) from a fixed sequence, the same in every process.
MatrixXf Fixed(int rows, int cols, uint64_t& state) {
  MatrixXf m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    m.data()[i] = static_cast<float>(state >> 40) / 8388608.0f - 1.0f;
  }
  return m;
}

// The operands of every shape, in order.
std::vector<std::pair<MatrixXf, MatrixXf>> Operands() {
  uint64_t state = 7;
  std::vector<std::pair<MatrixXf, MatrixXf>> out;
  for (const Shape& s : kShapes) {
    MatrixXf a = s.ta ? Fixed(s.k, s.m, state) : Fixed(s.m, s.k, state);
    MatrixXf b = s.tb ? Fixed(s.n, s.k, state) : Fixed(s.k, s.n, state);
    out.emplace_back(std::move(a), std::move(b));
  }
  return out;
}

// The products of every shape on `path` (nullptr: through Gemm, on the process's path).
std::vector<MatrixXf> Products(const BlasPath* path) {
  std::vector<MatrixXf> out;
  const auto operands = Operands();
  for (size_t i = 0; i < kShapes.size(); ++i) {
    const Shape& s = kShapes[i];
    MatrixXf c(s.m, s.n);
    if (path) {
      GemmOn(*path, operands[i].first, s.ta, operands[i].second, s.tb, c);
    } else {
      Gemm(operands[i].first, s.ta, operands[i].second, s.tb, c);
    }
    out.push_back(std::move(c));
  }
  return out;
}

// Checks every product against the exact one (in double): a float sum of k products differs
// from it by at most k·u/(1 - k·u) times the sum of their magnitudes, u = 2^-24, in any order.
void CheckExact(const std::vector<MatrixXf>& got) {
  const auto operands = Operands();
  REQUIRE(got.size() == kShapes.size());
  for (size_t i = 0; i < kShapes.size(); ++i) {
    const Shape& s = kShapes[i];
    CAPTURE(s.m, s.n, s.k, s.ta, s.tb);
    MatrixXd a = operands[i].first.cast<double>(), b = operands[i].second.cast<double>();
    if (s.ta) a.transposeInPlace();
    if (s.tb) b.transposeInPlace();
    const MatrixXd exact = a * b;
    const MatrixXd magnitude = a.cwiseAbs() * b.cwiseAbs();
    const double ku = s.k * std::ldexp(1.0, -24);
    const MatrixXd bound = magnitude * (ku / (1 - ku));
    REQUIRE(got[i].rows() == s.m);
    REQUIRE(got[i].cols() == s.n);
    CHECK(((got[i].cast<double>() - exact).cwiseAbs().array() <= bound.array()).all());
  }
}

bool SameBits(const std::vector<MatrixXf>& x, const std::vector<MatrixXf>& y) {
  if (x.size() != y.size()) return false;
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i].size() != y[i].size() ||
        std::memcmp(x[i].data(), y[i].data(), sizeof(float) * x[i].size()) != 0)
      return false;
  }
  return true;
}

// What a child process reports: its BlasReport() line and its products through Gemm.
struct Child {
  testing::CliResult run;
  std::string report;
  std::vector<MatrixXf> products;
};

// Runs this test binary's hidden [.blas_child] case under `env` (arguments of env(1): options
// first, then assignments).
Child RunChild(const std::string& env) {
  const testing::TempDir dir;
  const std::string out = (dir.Path() / "products.bin").string();
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  Child child;
  const std::string cmd =
      "env " + env + " REWARDLAB_BLAS_CHILD_OUT=" + out + " " + self + " '[.blas_child]' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) child.run.out.append(buf, n);
  const int status = pclose(pipe);
  child.run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(out, std::ios::binary);
  std::getline(in, child.report);
  for (const Shape& s : kShapes) {
    MatrixXf c(s.m, s.n);
    if (!in.read(reinterpret_cast<char*>(c.data()), sizeof(float) * c.size())) break;
    child.products.push_back(std::move(c));
  }
  return child;
}

TEST_CASE("blas child: writes its report and products for blas_test", "[.blas_child]") {
  const char* out = std::getenv("REWARDLAB_BLAS_CHILD_OUT");
  if (!out) return;  // run by hand: nothing to write
  std::ofstream file(out, std::ios::binary);
  try {
    file << BlasReport() << "\n";
  } catch (const UserError& e) {
    file << "error: " << e.what() << "\n";
    return;
  }
  for (const MatrixXf& c : Products(nullptr))
    file.write(reinterpret_cast<const char*>(c.data()), sizeof(float) * c.size());
}

TEST_CASE("every path in this process gives the products within float error, repeatably",
          "[unit]") {
  INFO(BlasReport());
  const BlasPath eigen = BlasPath::kEigen;
  const auto by_eigen = Products(&eigen);
  CheckExact(by_eigen);
  CHECK(SameBits(by_eigen, Products(&eigen)));
  const auto by_gemm = Products(nullptr);
  CheckExact(by_gemm);
  CHECK(SameBits(by_gemm, Products(nullptr)));
  if (Blas().sgemm) {
    const BlasPath openblas = BlasPath::kOpenBlas;
    const auto by_openblas = Products(&openblas);
    CheckExact(by_openblas);
    CHECK(SameBits(by_openblas, Products(&openblas)));
  }
}

TEST_CASE("OpenBLAS forced to its generic Prescott kernels agrees, and repeats bit for bit",
          "[unit]") {
  const Child first = RunChild("OPENBLAS_CORETYPE=Prescott REWARDLAB_BLAS=openblas");
  INFO(first.run.out);
  REQUIRE(first.run.code == 0);
  CHECK(first.report.find("kernels Prescott (OPENBLAS_CORETYPE=Prescott") != std::string::npos);
  CheckExact(first.products);
  const Child second = RunChild("OPENBLAS_CORETYPE=Prescott REWARDLAB_BLAS=openblas");
  CHECK(SameBits(first.products, second.products));
}

TEST_CASE("without OPENBLAS_CORETYPE rewardlab picks the kernels for the CPU", "[unit]") {
  const Child child = RunChild("-u OPENBLAS_CORETYPE -u REWARDLAB_BLAS");
  INFO(child.run.out);
  REQUIRE(child.run.code == 0);
  const CpuSimd cpu = Blas().cpu;
  if (cpu == CpuSimd::kAvx512) {
    CHECK(child.report.find("kernels SkylakeX (set by rewardlab") != std::string::npos);
  } else if (cpu == CpuSimd::kAvx2) {
    CHECK(child.report.find("kernels Haswell (set by rewardlab") != std::string::npos);
  }
  CheckExact(child.products);
}

TEST_CASE("generic OpenBLAS kernels on a modern CPU fall back to Eigen, bit for bit", "[unit]") {
  const BlasPath eigen = BlasPath::kEigen;
  const auto by_eigen = Products(&eigen);
  const Child child = RunChild("-u REWARDLAB_BLAS OPENBLAS_CORETYPE=Prescott");
  INFO(child.run.out);
  REQUIRE(child.run.code == 0);
  if (Blas().cpu == CpuSimd::kBaseline) return;  // Prescott is right for this CPU
  CHECK(child.report.rfind("linear algebra: Eigen kernels", 0) == 0);
  CHECK(child.report.find("picked Prescott (OPENBLAS_CORETYPE=Prescott)") != std::string::npos);
  CHECK(SameBits(child.products, by_eigen));
}

TEST_CASE("REWARDLAB_BLAS chooses Eigen, and refuses an unknown path", "[unit]") {
  const BlasPath eigen = BlasPath::kEigen;
  const Child child = RunChild("REWARDLAB_BLAS=eigen");
  INFO(child.run.out);
  REQUIRE(child.run.code == 0);
  CHECK(child.report.find("Eigen kernels") != std::string::npos);
  CHECK(child.report.find("(REWARDLAB_BLAS=eigen)") != std::string::npos);
  CHECK(SameBits(child.products, Products(&eigen)));

  const Child bad = RunChild("REWARDLAB_BLAS=mkl");
  CHECK(bad.report ==
        "error: REWARDLAB_BLAS=mkl (environment) is not a linear-algebra path; set it to auto, "
        "eigen or openblas, or unset it");
}

TEST_CASE("without a loadable OpenBLAS every product runs on Eigen; forcing it is an error",
          "[unit]") {
  const BlasPath eigen = BlasPath::kEigen;
  const Child child = RunChild("-u REWARDLAB_BLAS REWARDLAB_OPENBLAS=libopenblas_missing.so.0");
  INFO(child.run.out);
  REQUIRE(child.run.code == 0);
  CHECK(child.report.rfind("linear algebra: Eigen kernels", 0) == 0);
  CHECK(child.report.find("for every product (OpenBLAS not loaded: libopenblas_missing.so.0") !=
        std::string::npos);
  CHECK(SameBits(child.products, Products(&eigen)));

  const Child forced =
      RunChild("REWARDLAB_BLAS=openblas REWARDLAB_OPENBLAS=libopenblas_missing.so.0");
  CHECK(forced.report.rfind("error: REWARDLAB_BLAS=openblas (environment) but OpenBLAS cannot be "
                            "used: libopenblas_missing.so.0",
                            0) == 0);
}

TEST_CASE("train says once which kernels it uses: in console.log, and on stderr unless quiet",
          "[contract]") {
  const testing::TempDir tmp;
  const auto lines_with = [](const std::string& text, const std::string& start) {
    int count = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) count += line.rfind(start, 0) == 0;
    return count;
  };
  for (const bool quiet : {false, true}) {
    CAPTURE(quiet);
    const std::string run = (tmp.Path() / (quiet ? "quiet" : "loud")).string();
    const testing::CliResult r =
        testing::RunCli("train --out " + run + " --set total_steps=300" + (quiet ? " --quiet" : ""),
                        "env -u OPENBLAS_CORETYPE -u REWARDLAB_BLAS ");
    INFO(r.out);
    REQUIRE(r.code == 0);
    std::ifstream log(run + "/console.log");
    std::stringstream console;
    console << log.rdbuf();
    CHECK(lines_with(console.str(), "linear algebra: ") == 1);
    CHECK(lines_with(r.out, "linear algebra: ") == (quiet ? 0 : 1));
    if (Blas().cpu != CpuSimd::kBaseline) {
      CHECK_THAT(console.str(), Catch::Contains("(set by rewardlab; OPENBLAS_CORETYPE was unset"));
    }
  }
}

TEST_CASE("AVX-512 kernels run the small products too; AVX2 kernels and matrix-vector stay Eigen",
          "[unit]") {
  uint64_t state = 11;
  const MatrixXf w = Fixed(64, 64, state), x = Fixed(64, 100, state), v = Fixed(64, 1, state);
  MatrixXf got(64, 100), on_openblas(64, 100), on_eigen(64, 100);
  Gemm(w, false, x, false, got);
  GemmOn(BlasPath::kEigen, w, false, x, false, on_eigen);
  MatrixXf mv(64, 1), mv_eigen(64, 1);
  Gemm(w, false, v, false, mv);
  GemmOn(BlasPath::kEigen, w, false, v, false, mv_eigen);
  CHECK(std::memcmp(mv.data(), mv_eigen.data(), sizeof(float) * 64) == 0);
  const BlasChoice& blas = Blas();
  CHECK(blas.small_on_openblas ==
        (blas.path == BlasPath::kOpenBlas && IsAvx512Core(blas.openblas_core)));
  if (blas.small_on_openblas) {
    GemmOn(BlasPath::kOpenBlas, w, false, x, false, on_openblas);
    CHECK(std::memcmp(got.data(), on_openblas.data(), sizeof(float) * got.size()) == 0);
  } else {
    CHECK(std::memcmp(got.data(), on_eigen.data(), sizeof(float) * got.size()) == 0);
  }

  // in child processes: the 64-wide products (kShapes 6 and 7) of Haswell's kernels are Eigen's
  if (Blas().cpu == CpuSimd::kBaseline) return;
  const BlasPath eigen = BlasPath::kEigen;
  const auto by_eigen = Products(&eigen);
  const Child haswell = RunChild("-u REWARDLAB_BLAS OPENBLAS_CORETYPE=Haswell");
  INFO(haswell.run.out);
  REQUIRE(haswell.run.code == 0);
  CHECK(haswell.report.find("kernels Haswell") != std::string::npos);
  CHECK(haswell.report.find("for products from 128 wide") != std::string::npos);
  REQUIRE(haswell.products.size() == kShapes.size());
  CHECK(SameBits({haswell.products[6], haswell.products[7]}, {by_eigen[6], by_eigen[7]}));
  if (Blas().cpu != CpuSimd::kAvx512) return;
  const Child skylake = RunChild("-u REWARDLAB_BLAS OPENBLAS_CORETYPE=SkylakeX");
  INFO(skylake.run.out);
  REQUIRE(skylake.run.code == 0);
  CHECK(skylake.report.find("kernels SkylakeX (OPENBLAS_CORETYPE=SkylakeX; CPU: AVX-512) for every "
                            "product but matrix-vector ones") != std::string::npos);
  CheckExact(skylake.products);
}

TEST_CASE("the AVX-512 kernel sets are recognised", "[unit]") {
  CHECK(IsAvx512Core("SkylakeX"));
  CHECK(IsAvx512Core("cooperlake"));
  CHECK(IsAvx512Core("SapphireRapids"));
  CHECK_FALSE(IsAvx512Core("Haswell"));
  CHECK_FALSE(IsAvx512Core("Zen"));
  CHECK_FALSE(IsAvx512Core("Prescott"));
}

TEST_CASE("the core names older than AVX2 are recognised", "[unit]") {
  CHECK(IsPreAvx2Core("Prescott"));
  CHECK(IsPreAvx2Core("sandybridge"));
  CHECK(IsPreAvx2Core("Core2"));
  CHECK_FALSE(IsPreAvx2Core("Haswell"));
  CHECK_FALSE(IsPreAvx2Core("SkylakeX"));
  CHECK_FALSE(IsPreAvx2Core("Cooperlake"));
  CHECK_FALSE(IsPreAvx2Core("Zen"));
}

}  // namespace
}  // namespace rl::nn
