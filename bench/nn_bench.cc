// Micro-benchmark of the nn/ library: microseconds per call of MLP inference, training
// forward+backward, Adam steps and the SAC policy head, plus heap allocations per call (malloc is
// counted by interposing it in this program, so Eigen's temporaries show up).
//
//   build/nn_bench [--min-seconds S]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "nn/adam.h"
#include "nn/blas.h"
#include "nn/distributions.h"
#include "nn/gemm.h"
#include "nn/mlp.h"

namespace {

long g_mallocs = 0;  // malloc calls since start

}  // namespace

// counting malloc: glibc's allocator does the work, so free/realloc need no shims; AddressSanitizer
// owns malloc itself, so sanitised builds count nothing
#ifndef __SANITIZE_ADDRESS__
extern "C" void* __libc_malloc(size_t size);
extern "C" void* malloc(size_t size) {
  ++g_mallocs;
  return __libc_malloc(size);
}
#endif

namespace rl::nn {
namespace {

using Clock = std::chrono::steady_clock;

// Times fn after a warm-up; prints microseconds and mallocs per call.
void Time(const char* name, double min_seconds, const std::function<void()>& fn) {
  for (int i = 0; i < 20; ++i) fn();
  long calls = 0;
  const long mallocs_before = g_mallocs;
  const auto start = Clock::now();
  double elapsed = 0;
  while (elapsed < min_seconds) {
    for (int i = 0; i < 50; ++i) fn();
    calls += 50;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  }
  const double mallocs = static_cast<double>(g_mallocs - mallocs_before) / calls;
  std::printf("%-52s %10.2f us/call  %6.2f mallocs/call\n", name, 1e6 * elapsed / calls, mallocs);
}

MatrixXf Random(int rows, int cols, Rng& rng) {
  MatrixXf m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(rng.Normal());
  return m;
}

void Run(double min_seconds) {
  std::printf("%s\n", BlasReport().c_str());
  Rng rng(1);
  Mlp small({4, 64, 64, 2}, Activation::kTanh, 0.01f, rng);
  Mlp big({4, 256, 256, 1}, Activation::kRelu, 1.0f, rng);
  Mlp q({3 + 1, 256, 256, 1}, Activation::kRelu, 1.0f, rng);
  MatrixXf y, dx;
  MlpCache cache;
  VectorXf grad_small = VectorXf::Zero(small.NumParams());
  VectorXf grad_big = VectorXf::Zero(big.NumParams());

  // inference
  for (const int batch : {1, 128}) {
    const MatrixXf x = Random(4, batch, rng);
    char name[96];
    std::snprintf(name, sizeof(name), "forward 4-64-64-2 tanh, batch %d", batch);
    Time(name, min_seconds, [&] { small.Forward(x, y); });
  }

  // training forward + backward
  for (const int batch : {64, 256}) {
    const MatrixXf x = Random(4, batch, rng);
    const MatrixXf dy = Random(2, batch, rng);
    char name[96];
    std::snprintf(name, sizeof(name), "fwd+bwd 4-64-64-2 tanh, batch %d", batch);
    Time(name, min_seconds, [&] {
      small.Forward(x, cache);
      small.Backward(cache, dy, grad_small);
    });
  }
  {
    const MatrixXf x = Random(4, 256, rng);
    const MatrixXf dy = Random(1, 256, rng);
    Time("fwd+bwd 4-256-256-1 relu, batch 256", min_seconds, [&] {
      big.Forward(x, cache);
      big.Backward(cache, dy, grad_big);
    });
    const MatrixXf obs = Random(3, 256, rng);
    const MatrixXf act = Random(1, 256, rng);
    Time("fwd+bwd (3+1)-256-256-1 relu, batch 256, with dx", min_seconds, [&] {
      q.Forward(obs, act, cache);
      q.Backward(cache, dy, grad_big, &dx);
    });
    Time("forward (3+1)-256-256-1 relu inference, batch 256", min_seconds,
         [&] { q.Forward(obs, act, y); });
  }

  // reference: the dominant raw GEMMs in Eigen and through nn::Gemm (the path of BlasReport() from
  // kBlasMinDim)
  for (const auto& [n, batch] : {std::pair{64, 128}, std::pair{256, 256}}) {
    const MatrixXf w = Random(n, n, rng);
    const MatrixXf h = Random(n, batch, rng);
    MatrixXf out(n, batch);
    char name[96];
    std::snprintf(name, sizeof(name), "reference: Eigen gemm %dx%d * %dx%d", n, n, n, batch);
    Time(name, min_seconds, [&] { out.noalias() = w * h; });
    std::snprintf(name, sizeof(name), "reference: nn::Gemm %dx%d * %dx%d", n, n, n, batch);
    Time(name, min_seconds, [&] { Gemm(w, false, h, false, out); });
  }

  // optimiser and SAC policy head
  {
    Adam adam(big.NumParams(), AdamOptions{});
    VectorXf params = big.Params();
    grad_big.setConstant(1e-3f);
    Time("adam step, 67k params (256-256 net)", min_seconds, [&] { adam.Step(params, grad_big); });
    VectorXf target = params;
    Time("polyak, 67k params", min_seconds, [&] { Polyak(target, params, 0.005f); });
    TanhGaussianOptions options;
    options.low = VectorXf::Constant(1, -2.0f);
    options.high = VectorXf::Constant(1, 2.0f);
    TanhGaussian dist(options);
    const MatrixXf heads = Random(2, 256, rng);
    MatrixXf a(1, 256), dmean(1, 256), draw(1, 256);
    VectorXf logp(256);
    const VectorXf dlogp = VectorXf::Constant(256, 0.2f / 256);
    Time("tanh-gaussian set+sample+backward, d 1, batch 256", min_seconds, [&] {
      dist.Set(heads.topRows(1), heads.bottomRows(1));
      dist.Sample(rng, a, logp);
      dist.Backward(a, dlogp, dmean, draw);
    });
  }
}

}  // namespace
}  // namespace rl::nn

int main(int argc, char** argv) {
  double min_seconds = 0.5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--min-seconds") == 0) min_seconds = std::atof(argv[i + 1]);
  }
  rl::nn::Run(min_seconds);
  return 0;
}
