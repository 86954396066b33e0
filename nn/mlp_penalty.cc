// Double backprop of a gradient penalty on an Mlp's input gradient (Gulrajani et al. 2017's
// WGAN-GP form, the Lipschitz penalty of off-policy GAIL, algorithms.md §4.2).
//
// With z_l = Ŵ_l a_l + b_l, a_{l+1} = φ(z_l) and the output y = z_{L-1}, the input gradient of Σ y
// is the backward sweep δ_{L-1} = 1, e_l = Ŵ_lᵀ δ_l, δ_{l-1} = φ'(z_{l-1}) ∘ e_l, g = e_0. Its
// reverse-mode derivative, for the adjoint t_0 = dP/dg, is a forward sweep of the tangent
//   s_l = Ŵ_l t_l,  t_{l+1} = φ'(z_l) ∘ s_l   (a Jacobian-vector product)
// with dP/dŴ_l ∋ δ_l t_lᵀ, plus the second-order adjoints of the pre-activations
//   ζ_l = φ''(z_l) ∘ e_{l+1} ∘ s_l   (tanh: φ'' = -2a(1 - a²); (leaky) ReLU: 0 almost everywhere)
// sent back through the forward network as an ordinary backward pass (dP/dŴ_l ∋ ζ̂_l a_lᵀ,
// dP/db_l = Σ_b ζ̂_l with ζ̂ the accumulated adjoints). Biases matter only through φ''.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nn/gemm.h"
#include "nn/mlp.h"

namespace rl::nn {

namespace {

using Eigen::Map;

void Fit(MatrixXf& m, int rows, int cols) {
  if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

}  // namespace

double Mlp::GradientPenalty(MlpCache& cache, float target, PenaltyForm form, float weight,
                            Eigen::Ref<VectorXf> grad, MatrixXf* input_grad) const {
  const int layers = NumLayers();
  if (cache.acts.size() != sizes_.size() || cache.acts[0].rows() != InputDim()) {
    throw std::invalid_argument("GradientPenalty needs the cache of a training Forward");
  }
  if (grad.size() != NumParams()) throw std::invalid_argument("GradientPenalty: grad size");
  const int batch = static_cast<int>(cache.acts[0].cols());
  if (batch == 0) return 0.0;
  const int widest = *std::max_element(sizes_.begin(), sizes_.end());
  std::vector<MatrixXf>& back = cache.back;
  std::vector<MatrixXf>& back_in = cache.back_in;
  std::vector<MatrixXf>& tangent = cache.tangent;
  std::vector<MatrixXf>& adjoint = cache.adjoint;
  back.resize(layers);
  back_in.resize(layers);
  tangent.resize(layers);
  adjoint.resize(layers);

  // adds p qᵀ to the gradient of layer l's weight (chained through σ when normalised)
  const auto add_outer = [&](int l, const MatrixXf& p, const MatrixXf& q) {
    const int out = sizes_[l + 1];
    const int in = sizes_[l];
    if (Normalised(l)) {
      Fit(cache.weight_grad, widest, widest);
      Map<MatrixXf> g(cache.weight_grad.data(), out, in);
      Gemm(p, false, q, true, g);
      AddWeightGrad(cache, l, g, grad.data());
    } else {
      Map<MatrixXf> gw(grad.data() + offsets_[l], out, in);
      Gemm(p, false, q, true, gw, /*accumulate=*/true);
    }
  };

  // first-order sweep: the input gradient of Σ y, keeping every δ_l and e_l
  Fit(back[layers - 1], OutputDim(), batch);
  back[layers - 1].setOnes();
  for (int l = layers - 1; l >= 0; --l) {
    Fit(back_in[l], sizes_[l], batch);
    Gemm(CachedWeight(cache, l), true, back[l], false, back_in[l]);
    if (l > 0) {
      back[l - 1] = back_in[l];
      ApplyDerivative(cache.acts[l], back[l - 1]);
    }
  }
  const MatrixXf& g = back_in[0];
  if (input_grad != nullptr) *input_grad = g;

  // the penalty and t_0 = weight · dP/dg, per column in double (no underflow, no 0/0)
  double penalty = 0.0;
  Fit(tangent[0], InputDim(), batch);
  for (int b = 0; b < batch; ++b) {
    double norm2 = 0.0;
    for (int i = 0; i < InputDim(); ++i) norm2 += static_cast<double>(g(i, b)) * g(i, b);
    const double norm = std::sqrt(norm2);
    double excess = norm - target;
    if (form == PenaltyForm::kOneSided) excess = std::max(excess, 0.0);
    penalty += excess * excess;
    const double coef = norm > 0.0 ? 2.0 * excess / norm * weight / batch : 0.0;
    for (int i = 0; i < InputDim(); ++i) tangent[0](i, b) = static_cast<float>(coef * g(i, b));
  }

  // forward tangent sweep: weight terms δ_l t_lᵀ and, for tanh, the second-order adjoints
  const bool curved = activation_ == Activation::kTanh;
  for (int l = 0; l < layers; ++l) {
    add_outer(l, back[l], tangent[l]);
    if (l + 1 == layers) break;
    MatrixXf& next = tangent[l + 1];
    Fit(next, sizes_[l + 1], batch);
    Gemm(CachedWeight(cache, l), false, tangent[l], false, next);
    if (curved) {
      const MatrixXf& a = cache.acts[l + 1];
      adjoint[l] =
          (-2.0f * a.array() * (1.0f - a.array().square()) * back_in[l + 1].array() * next.array())
              .matrix();
    }
    ApplyDerivative(cache.acts[l + 1], next);
  }

  // backward pass of the adjoints through the forward network (zero for piecewise-linear φ)
  if (curved) {
    for (int l = layers - 2; l >= 0; --l) {
      if (l + 2 < layers) {
        Fit(cache.delta, widest, batch);
        Map<MatrixXf> carried(cache.delta.data(), sizes_[l + 1], batch);
        Gemm(CachedWeight(cache, l + 1), true, adjoint[l + 1], false, carried);
        ApplyDerivative(cache.acts[l + 1], carried);
        adjoint[l] += carried;
      }
      add_outer(l, adjoint[l], cache.acts[l]);
      Map<VectorXf> gb(grad.data() + offsets_[l] + sizes_[l + 1] * sizes_[l], sizes_[l + 1]);
      gb.noalias() += adjoint[l].rowwise().sum();
    }
  }
  return penalty / batch;
}

}  // namespace rl::nn
