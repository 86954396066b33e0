#include "nn/mlp.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "core/error.h"
#include "nn/gemm.h"

namespace rl::nn {

namespace {

using Eigen::Map;
using Eigen::Ref;

// Widest layer (input included), the row count of the scratch buffers.
int Widest(const std::vector<int>& sizes) { return *std::max_element(sizes.begin(), sizes.end()); }

// Resizes m to (rows x cols) only when the shape differs, so steady-state calls never allocate.
void Fit(MatrixXf& m, int rows, int cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

}  // namespace

Activation ActivationFromName(const std::string& name) {
  if (name == "tanh") return Activation::kTanh;
  if (name == "relu") return Activation::kRelu;
  if (name == "leaky_relu") return Activation::kLeakyRelu;
  throw UserError("unknown activation '" + name + "': use tanh, relu or leaky_relu");
}

void OrthogonalInit(Ref<MatrixXf> w, float gain, Rng& rng) {
  // QR of a tall Gaussian matrix (the transpose when w is wide), as torch does
  const bool wide = w.rows() < w.cols();
  const Eigen::Index m = wide ? w.cols() : w.rows();
  const Eigen::Index n = wide ? w.rows() : w.cols();
  Eigen::MatrixXd a(m, n);
  for (Eigen::Index i = 0; i < a.size(); ++i) a.data()[i] = rng.Normal();
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(a);
  Eigen::MatrixXd q = qr.householderQ() * Eigen::MatrixXd::Identity(m, n);

  // sign correction by diag(R) makes the result uniformly distributed (Haar)
  for (Eigen::Index j = 0; j < n; ++j) {
    if (qr.matrixQR()(j, j) < 0) q.col(j) = -q.col(j);
  }
  if (wide) {
    w = (gain * q.transpose()).cast<float>();
  } else {
    w = (gain * q).cast<float>();
  }
}

Mlp::Mlp(std::vector<int> sizes, Activation activation, float output_gain, Rng& rng,
         const MlpOptions& options)
    : sizes_(std::move(sizes)),
      activation_(activation),
      leaky_slope_(options.leaky_slope),
      spectral_norm_(options.spectral_norm) {
  if (sizes_.size() < 2) throw std::invalid_argument("Mlp needs at least input and output sizes");
  if (!(leaky_slope_ >= 0.0f && leaky_slope_ <= 1.0f)) {
    throw std::invalid_argument("Mlp leaky_slope must be in [0, 1]");
  }
  // parameter layout: [W_0, b_0, W_1, b_1, ...]
  int total = 0;
  for (int l = 0; l < NumLayers(); ++l) {
    if (sizes_[l] <= 0 || sizes_[l + 1] <= 0) throw std::invalid_argument("Mlp sizes must be > 0");
    offsets_.push_back(total);
    total += sizes_[l + 1] * sizes_[l] + sizes_[l + 1];
  }
  params_ = VectorXf::Zero(total);

  // orthogonal weights layer by layer, zero biases
  for (int l = 0; l < NumLayers(); ++l) {
    const float gain = l + 1 == NumLayers() ? output_gain : std::sqrt(2.0f);
    OrthogonalInit(Weight(l), gain, rng);
  }

  // spectral norm: u, v ~ normalised N(0, I) per hidden layer, as torch's spectral_norm
  if (spectral_norm_) {
    for (int l = 0; l + 1 < NumLayers(); ++l) {
      VectorXf u(sizes_[l + 1]), v(sizes_[l]);
      for (float& e : u) e = static_cast<float>(rng.Normal());
      for (float& e : v) e = static_cast<float>(rng.Normal());
      sn_u_.push_back(u.normalized());
      sn_v_.push_back(v.normalized());
    }
    sn_weights_.resize(sn_u_.size());
  }
}

Map<MatrixXf> Mlp::Weight(int l) {
  return Map<MatrixXf>(params_.data() + offsets_[l], sizes_[l + 1], sizes_[l]);
}

Map<const MatrixXf> Mlp::Weight(int l) const {
  return Map<const MatrixXf>(params_.data() + offsets_[l], sizes_[l + 1], sizes_[l]);
}

Map<VectorXf> Mlp::Bias(int l) {
  return Map<VectorXf>(params_.data() + offsets_[l] + sizes_[l + 1] * sizes_[l], sizes_[l + 1]);
}

Map<const VectorXf> Mlp::Bias(int l) const {
  const float* b = params_.data() + offsets_[l] + sizes_[l + 1] * sizes_[l];
  return Map<const VectorXf>(b, sizes_[l + 1]);
}

void Mlp::AddBiasActivate(Ref<MatrixXf> z, int l) const {
  // one pass over z: the bias, then the activation
  const auto b = Bias(l).array();
  auto zb = z.array().colwise() + b;
  switch (activation_) {
    case Activation::kTanh:
      z.array() = zb.tanh();
      break;
    case Activation::kRelu:
      z.array() = zb.max(0.0f);
      break;
    case Activation::kLeakyRelu:
      z.array() = (zb > 0.0f).select(zb, leaky_slope_ * zb);
      break;
  }
}

void Mlp::ApplyDerivative(const MatrixXf& a, Ref<MatrixXf> d) const {
  // from the outputs a: tanh' = 1 - a^2; the (leaky) ReLU's side is the sign of a
  switch (activation_) {
    case Activation::kTanh:
      d.array() *= 1.0f - a.array().square();
      break;
    case Activation::kRelu:
      d.array() = (a.array() > 0.0f).select(d.array(), 0.0f);
      break;
    case Activation::kLeakyRelu:
      d.array() = (a.array() > 0.0f).select(d.array(), leaky_slope_ * d.array());
      break;
  }
}

void Mlp::EnsureScratch(int batch) const {
  const int rows = Widest(sizes_);
  for (MatrixXf& s : scratch_) {
    if (s.rows() != rows || s.cols() < batch) s.resize(rows, std::max<int>(batch, s.cols()));
  }
}

void Mlp::Forward(const Ref<const MatrixXf>& x, MatrixXf& y) const {
  const int batch = static_cast<int>(x.cols());
  EnsureScratch(batch);
  if (spectral_norm_) PrepareInferenceWeights();
  Map<MatrixXf> z(scratch_[0].data(), sizes_[1], batch);
  Gemm(InferenceWeight(0), false, x, false, z);
  ForwardRest(batch, y);
}

void Mlp::Forward(const Ref<const MatrixXf>& xa, const Ref<const MatrixXf>& xb, MatrixXf& y) const {
  const int batch = static_cast<int>(xa.cols());
  EnsureScratch(batch);
  if (spectral_norm_) PrepareInferenceWeights();
  const auto w = InferenceWeight(0);
  Map<MatrixXf> z(scratch_[0].data(), sizes_[1], batch);
  Gemm(w.leftCols(xa.rows()), false, xa, false, z);
  Gemm(w.rightCols(xb.rows()), false, xb, false, z, /*accumulate=*/true);
  ForwardRest(batch, y);
}

void Mlp::ForwardRest(int batch, MatrixXf& y) const {
  // scratch_[cur] holds layer l's pre-activation without bias
  int cur = 0;
  for (int l = 0;; ++l) {
    Map<MatrixXf> h(scratch_[cur].data(), sizes_[l + 1], batch);
    if (l + 1 == NumLayers()) {
      Fit(y, OutputDim(), batch);
      y = h.colwise() + Bias(l);
      return;
    }
    AddBiasActivate(h, l);
    if (l + 2 == NumLayers()) {
      Fit(y, OutputDim(), batch);
      Gemm(InferenceWeight(l + 1), false, h, false, y);
      y.colwise() += Bias(l + 1);
      return;
    }
    Map<MatrixXf> next(scratch_[1 - cur].data(), sizes_[l + 2], batch);
    Gemm(InferenceWeight(l + 1), false, h, false, next);
    cur = 1 - cur;
  }
}

void Mlp::Forward(const Ref<const MatrixXf>& x, MlpCache& cache) const {
  cache.acts.resize(sizes_.size());
  Fit(cache.acts[0], InputDim(), static_cast<int>(x.cols()));
  cache.acts[0] = x;
  ForwardCached(cache);
}

void Mlp::Forward(const Ref<const MatrixXf>& xa, const Ref<const MatrixXf>& xb,
                  MlpCache& cache) const {
  cache.acts.resize(sizes_.size());
  Fit(cache.acts[0], InputDim(), static_cast<int>(xa.cols()));
  cache.acts[0].topRows(xa.rows()) = xa;
  cache.acts[0].bottomRows(xb.rows()) = xb;
  ForwardCached(cache);
}

void Mlp::ForwardInference(const Ref<const MatrixXf>& x, MlpCache& cache) const {
  cache.acts.resize(sizes_.size());
  Fit(cache.acts[0], InputDim(), static_cast<int>(x.cols()));
  cache.acts[0] = x;
  ForwardCached(cache, /*power_iteration=*/false);
}

void Mlp::ForwardCached(MlpCache& cache, bool power_iteration) const {
  const int batch = static_cast<int>(cache.acts[0].cols());
  if (spectral_norm_ && power_iteration) PowerIteration(cache);
  if (spectral_norm_ && !power_iteration) StoredSpectral(cache);
  for (int l = 0; l < NumLayers(); ++l) {
    MatrixXf& out = cache.acts[l + 1];
    Fit(out, sizes_[l + 1], batch);
    Gemm(CachedWeight(cache, l), false, cache.acts[l], false, out);
    if (l + 1 < NumLayers()) {
      AddBiasActivate(out, l);
    } else {
      out.colwise() += Bias(l);
    }
  }
}

void Mlp::Backward(MlpCache& cache, const Ref<const MatrixXf>& dy, Ref<VectorXf> grad,
                   MatrixXf* dx) const {
  BackwardImpl(cache, dy, grad.data(), dx);
}

void Mlp::BackwardInput(MlpCache& cache, const Ref<const MatrixXf>& dy, MatrixXf& dx) const {
  BackwardImpl(cache, dy, nullptr, &dx);
}

void Mlp::BackwardImpl(MlpCache& cache, const Ref<const MatrixXf>& dy, float* grad,
                       MatrixXf* dx) const {
  const int batch = static_cast<int>(dy.cols());
  const int widest = Widest(sizes_);
  Fit(cache.delta, widest, batch);
  Fit(cache.delta_next, widest, batch);
  float* cur = cache.delta.data();
  float* next = cache.delta_next.data();

  for (int l = NumLayers() - 1; l >= 0; --l) {
    const int out = sizes_[l + 1];
    const int in = sizes_[l];
    // d: dL/d(pre-activation of layer l), dy itself for the output layer
    const bool top = l + 1 == NumLayers();
    const Map<const MatrixXf, 0, Eigen::OuterStride<>> d(
        top ? dy.data() : cur, out, batch, Eigen::OuterStride<>(top ? dy.outerStride() : out));
    const MatrixXf& a = cache.acts[l];

    // parameter gradient, accumulated
    if (grad != nullptr) {
      Map<VectorXf> gb(grad + offsets_[l] + out * in, out);
      if (Normalised(l)) {
        Fit(cache.weight_grad, widest, widest);
        Map<MatrixXf> g(cache.weight_grad.data(), out, in);
        Gemm(d, false, a, true, g);
        AddWeightGrad(cache, l, g, grad);
      } else {
        Map<MatrixXf> gw(grad + offsets_[l], out, in);
        Gemm(d, false, a, true, gw, /*accumulate=*/true);
      }
      gb.noalias() += d.rowwise().sum();
    }

    // propagate to the layer input
    if (l == 0) {
      if (dx != nullptr) {
        Fit(*dx, in, batch);
        Gemm(CachedWeight(cache, 0), true, d, false, *dx);
      }
      break;
    }
    Map<MatrixXf> dn(next, in, batch);
    Gemm(CachedWeight(cache, l), true, d, false, dn);
    ApplyDerivative(a, dn);
    std::swap(cur, next);
  }
}

}  // namespace rl::nn
