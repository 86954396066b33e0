// Spectral normalisation of an Mlp's hidden layers (Miyato et al. 2018, torch's spectral_norm):
// W_sn = W/σ with σ = uᵀWv, one power iteration per training forward, gradients through σ with
// u and v held fixed.
#include <algorithm>

#include "nn/mlp.h"

namespace rl::nn {

namespace {

using Eigen::Map;

// torch.nn.functional.normalize's eps: a zero vector stays zero instead of becoming NaN.
constexpr float kNormEps = 1e-12f;

// Smallest σ divided by, so an all-zero weight gives zero instead of NaN.
constexpr float kSigmaFloor = 1e-12f;

void NormaliseInPlace(VectorXf& x) { x /= std::max(x.norm(), kNormEps); }

}  // namespace

float Mlp::SpectralSigma(int l) const { return sn_u_[l].dot(Weight(l) * sn_v_[l]); }

Map<const MatrixXf> Mlp::CachedWeight(const MlpCache& cache, int l) const {
  if (Normalised(l)) {
    const MatrixXf& w = cache.spectral[l].weight;
    return Map<const MatrixXf>(w.data(), w.rows(), w.cols());
  }
  return Weight(l);
}

Map<const MatrixXf> Mlp::InferenceWeight(int l) const {
  if (Normalised(l)) {
    const MatrixXf& w = sn_weights_[l];
    return Map<const MatrixXf>(w.data(), w.rows(), w.cols());
  }
  return Weight(l);
}

void Mlp::PowerIteration(MlpCache& cache) const {
  cache.spectral.resize(sn_u_.size());
  for (int l = 0; l + 1 < NumLayers(); ++l) {
    SpectralCache& s = cache.spectral[l];
    const auto w = Weight(l);
    // v <- normalize(Wᵀu), u <- normalize(Wv), then σ = uᵀWv with the new u, v
    s.v.noalias() = w.transpose() * sn_u_[l];
    NormaliseInPlace(s.v);
    s.u.noalias() = w * s.v;
    NormaliseInPlace(s.u);
    sn_u_[l] = s.u;
    sn_v_[l] = s.v;
    s.sigma = std::max(s.u.dot(w * s.v), kSigmaFloor);
    s.weight = w / s.sigma;
  }
}

void Mlp::StoredSpectral(MlpCache& cache) const {
  cache.spectral.resize(sn_u_.size());
  for (int l = 0; l + 1 < NumLayers(); ++l) {
    SpectralCache& s = cache.spectral[l];
    s.u = sn_u_[l];
    s.v = sn_v_[l];
    s.sigma = std::max(SpectralSigma(l), kSigmaFloor);
    s.weight = Weight(l) / s.sigma;
  }
}

void Mlp::PrepareInferenceWeights() const {
  for (int l = 0; l + 1 < NumLayers(); ++l) {
    sn_weights_[l] = Weight(l) / std::max(SpectralSigma(l), kSigmaFloor);
  }
}

void Mlp::AddWeightGrad(const MlpCache& cache, int l, const Eigen::Ref<const MatrixXf>& g_w,
                        float* grad) const {
  const int out = sizes_[l + 1];
  const int in = sizes_[l];
  Map<MatrixXf> gw(grad + offsets_[l], out, in);
  if (!Normalised(l)) {
    gw += g_w;
    return;
  }
  // d(W/σ)/dW with σ = uᵀWv: G/σ − (⟨G, W/σ⟩/σ) u vᵀ
  const SpectralCache& s = cache.spectral[l];
  const float inner = (g_w.array() * s.weight.array()).sum();
  gw += g_w / s.sigma;
  gw.noalias() -= (inner / s.sigma) * s.u * s.v.transpose();
}

}  // namespace rl::nn
