// Multi-layer perceptron over batched float32 columns (features x batch), Eigen GEMM throughout.
//
// Parameters: one contiguous VectorXf; layer l occupies [W_l (out x in, column-major), b_l (out)]
// in order, and Weight(l) / Bias(l) are Eigen::Map views built on demand from the offsets, so
// copying an Mlp (a target network) copies the buffer and the views stay valid. Adam, gradient
// clipping, Polyak averaging and checkpoints act on Params() as one vector; a gradient vector has
// the same layout (NumParams() long).
//
// Forward passes: the inference Forward writes into internal scratch sized to the largest batch
// seen, so it is allocation-free after warm-up but NOT thread-safe per object (one Mlp per thread,
// or copies). The training Forward stores every layer's activation in a caller-owned MlpCache;
// Backward then ACCUMULATES dL/dparams into a gradient vector and optionally writes dL/dx.
//
// Options (MlpOptions, off by default so existing networks are unchanged): LeakyReLU's slope, and
// spectral normalisation of the hidden layers (Miyato et al. 2018): every layer but the output one
// uses W/σ(W), σ = uᵀWv from persistent vectors u, v. A training Forward runs one power iteration
// per such layer first (PyTorch's train mode) and the cache keeps the W/σ, u, v and σ it used;
// the inference Forward uses the stored u, v without updating them (eval mode). Backward
// differentiates through σ with u, v held fixed, as PyTorch does. A training Forward of a
// spectrally normalised network writes u and v, so it is not thread-safe per object either.
//
// Double backprop (GradientPenalty, nn/mlp_penalty.cc): the parameter gradient of a penalty on
// the input gradient g = ∇ₓ Σ_j y_j(x), for the gradient penalty of a Lipschitz discriminator.
#ifndef REWARDLAB_NN_MLP_H_
#define REWARDLAB_NN_MLP_H_

#include <Eigen/Dense>
#include <string>
#include <vector>

#include "core/rng.h"

namespace rl::nn {

using Eigen::MatrixXf;
using Eigen::VectorXf;

// Hidden-layer nonlinearity; the output layer is always linear.
enum class Activation { kTanh, kRelu, kLeakyRelu };

// LeakyReLU's default slope for z < 0, PyTorch's nn.LeakyReLU default; the off-policy GAIL
// discriminator of algorithms.md §4.1 uses 0.1 (set MlpOptions::leaky_slope).
inline constexpr float kDefaultLeakySlope = 0.01f;

// The activation of a config name: "tanh", "relu" or "leaky_relu"; throws UserError otherwise.
Activation ActivationFromName(const std::string& name);

// Construction options beyond sizes and activation.
struct MlpOptions {
  float leaky_slope = kDefaultLeakySlope;  // kLeakyRelu: y = slope * z for z <= 0; in [0, 1]
  bool spectral_norm = false;              // W/σ(W) on every hidden layer (not the output layer)
};

// The penalty h(‖g‖₂) of GradientPenalty on an input gradient g.
enum class PenaltyForm {
  kTwoSided,  // (‖g‖ − k)²
  kOneSided,  // max(0, ‖g‖ − k)²
};

// A spectrally normalised layer as one training forward pass used it.
struct SpectralCache {
  MatrixXf weight;     // (out x in) W / σ
  VectorXf u;          // (out) left singular vector estimate after the power iteration
  VectorXf v;          // (in) right singular vector estimate after the power iteration
  float sigma = 1.0f;  // uᵀ W v
};

// Activations of one training forward pass, reused across calls (resized when the batch changes).
struct MlpCache {
  std::vector<MatrixXf> acts;  // acts[0] (in x B) input, acts[l+1] (out_l x B) layer l's output
  MatrixXf delta;              // (widest x B) backward scratch
  MatrixXf delta_next;         // (widest x B) backward scratch
  std::vector<SpectralCache> spectral;  // one per hidden layer of a spectrally normalised network
  MatrixXf weight_grad;                 // (widest x widest) gradient scratch of a normalised layer
  // GradientPenalty's scratch: back[l] (out_l x B) d(Σ y)/dz_l, back_in[l] (in_l x B) its
  // continuation Ŵ_lᵀ back[l] (back_in[0] = ∇ₓ), tangent[l] (in_l x B) the pushed-forward
  // dP/d∇ₓ, adjoint[l] (out_l x B) second-order pre-activation adjoints (tanh only).
  std::vector<MatrixXf> back, back_in, tangent, adjoint;
  // The network output of the last Forward, (out x B).
  const MatrixXf& Output() const { return acts.back(); }
};

// The layer widths {in, hidden..., out} of an Mlp.
inline std::vector<int> LayerSizes(int in, const std::vector<int>& hidden, int out) {
  std::vector<int> sizes{in};
  sizes.insert(sizes.end(), hidden.begin(), hidden.end());
  sizes.push_back(out);
  return sizes;
}

// A fully connected network sizes[0] -> sizes[1] -> ... -> sizes.back().
class Mlp {
 public:
  // Orthogonal weights (gain sqrt(2) hidden, `output_gain` last layer) and zero biases from `rng`.
  // Spectral normalisation draws its u, v vectors from `rng` after the weights.
  Mlp(std::vector<int> sizes, Activation activation, float output_gain, Rng& rng,
      const MlpOptions& options = {});

  // Input width sizes[0].
  int InputDim() const { return sizes_.front(); }
  // Output width sizes.back().
  int OutputDim() const { return sizes_.back(); }
  // Number of affine layers.
  int NumLayers() const { return static_cast<int>(sizes_.size()) - 1; }
  // Length of the parameter (and gradient) vector.
  int NumParams() const { return static_cast<int>(params_.size()); }
  // Layer widths, input first.
  const std::vector<int>& Sizes() const { return sizes_; }
  // Hidden nonlinearity.
  Activation GetActivation() const { return activation_; }
  // LeakyReLU's slope for z <= 0 (unused by the other activations).
  float LeakySlope() const { return leaky_slope_; }
  // Whether the hidden layers are spectrally normalised.
  bool SpectralNorm() const { return spectral_norm_; }
  // Stored left singular vector estimate of hidden layer l (out_l); spectral norm only.
  VectorXf& SpectralU(int l) { return sn_u_[l]; }
  // Read-only left singular vector estimate of hidden layer l (out_l).
  const VectorXf& SpectralU(int l) const { return sn_u_[l]; }
  // Stored right singular vector estimate of hidden layer l (in_l); spectral norm only.
  VectorXf& SpectralV(int l) { return sn_v_[l]; }
  // Read-only right singular vector estimate of hidden layer l (in_l).
  const VectorXf& SpectralV(int l) const { return sn_v_[l]; }
  // σ = uᵀ W_l v of hidden layer l from the stored u, v (no power iteration).
  float SpectralSigma(int l) const;

  // All parameters, layer by layer [W_0, b_0, W_1, b_1, ...].
  VectorXf& Params() { return params_; }
  // All parameters, read-only.
  const VectorXf& Params() const { return params_; }
  // View of layer l's weight inside Params(), (out x in).
  Eigen::Map<MatrixXf> Weight(int l);
  // Read-only view of layer l's weight, (out x in).
  Eigen::Map<const MatrixXf> Weight(int l) const;
  // View of layer l's bias inside Params(), (out).
  Eigen::Map<VectorXf> Bias(int l);
  // Read-only view of layer l's bias, (out).
  Eigen::Map<const VectorXf> Bias(int l) const;
  // Offset of layer l's weight in the parameter vector (its bias follows the out*in weights).
  int Offset(int l) const { return offsets_[l]; }

  // Inference: y (out x B) from x (in x B); allocation-free once scratch fits B; not thread-safe.
  void Forward(const Eigen::Ref<const MatrixXf>& x, MatrixXf& y) const;
  // Inference on the row-concatenation [xa; xb] (ina + inb = in) without building it.
  void Forward(const Eigen::Ref<const MatrixXf>& xa, const Eigen::Ref<const MatrixXf>& xb,
               MatrixXf& y) const;
  // Training: fills cache.acts; the output is cache.Output() (out x B).
  void Forward(const Eigen::Ref<const MatrixXf>& x, MlpCache& cache) const;
  // Training on [xa; xb]: the concatenation is written into cache.acts[0].
  void Forward(const Eigen::Ref<const MatrixXf>& xa, const Eigen::Ref<const MatrixXf>& xb,
               MlpCache& cache) const;
  // Inference that keeps what BackwardInput needs: fills cache.acts like the training Forward,
  // with the stored spectral estimates (no power iteration), so it changes nothing here.
  void ForwardInference(const Eigen::Ref<const MatrixXf>& x, MlpCache& cache) const;
  // Adds dL/dparams for dy = dL/dy (out x B) into grad (NumParams()); writes dL/dx (in x B) if
  // dx is non-null. Uses the cache of the matching training Forward (and its scratch).
  void Backward(MlpCache& cache, const Eigen::Ref<const MatrixXf>& dy, Eigen::Ref<VectorXf> grad,
                MatrixXf* dx = nullptr) const;
  // Writes only dL/dx (in x B) for dy (out x B), skipping the parameter gradient (a third of
  // Backward's work): for a loss that differentiates through this network into its input.
  void BackwardInput(MlpCache& cache, const Eigen::Ref<const MatrixXf>& dy, MatrixXf& dx) const;
  // Double backprop on the cache of a training Forward on x (in x B): the input gradient
  // g_b = ∇ₓ Σ_j y_j(x_b) of every column and the penalty P = mean_b h(‖g_b‖₂) with target
  // `target` (k); adds weight · dP/dparams into grad (NumParams()), writes g (in x B) into
  // input_grad if non-null, returns P. Where ‖g_b‖ = 0 its term's gradient is taken as 0.
  double GradientPenalty(MlpCache& cache, float target, PenaltyForm form, float weight,
                         Eigen::Ref<VectorXf> grad, MatrixXf* input_grad = nullptr) const;
  // d (out x B) ⊙= act'(z) of a hidden layer, read from its output a = act(z) (out x B), in place.
  void ApplyDerivative(const MatrixXf& a, Eigen::Ref<MatrixXf> d) const;

 private:
  // z = act(z + b_l) in place, one pass (z: layer l's pre-activation without bias, out x B).
  void AddBiasActivate(Eigen::Ref<MatrixXf> z, int l) const;
  // The weight layer l computes with in a training pass: W_l, or W_l/σ_l from cache.spectral.
  Eigen::Map<const MatrixXf> CachedWeight(const MlpCache& cache, int l) const;
  // The weight of layer l in an inference pass: W_l, or W_l/σ_l from the stored u, v.
  Eigen::Map<const MatrixXf> InferenceWeight(int l) const;
  // Adds the gradient of a loss w.r.t. layer l's parameters into grad: g_w (out x in) is its
  // gradient w.r.t. the weight the layer computed with (chained through σ when normalised).
  void AddWeightGrad(const MlpCache& cache, int l, const Eigen::Ref<const MatrixXf>& g_w,
                     float* grad) const;
  // Whether layer l is spectrally normalised.
  bool Normalised(int l) const { return spectral_norm_ && l + 1 < NumLayers(); }
  // One power iteration per normalised layer; fills cache.spectral (training passes).
  void PowerIteration(MlpCache& cache) const;
  // Refreshes sn_weights_ = W/σ from the stored u, v (inference passes).
  void PrepareInferenceWeights() const;
  // Fills cache.spectral with W/σ from the stored u, v, without a power iteration.
  void StoredSpectral(MlpCache& cache) const;
  // Runs layers 1.. from the first layer's pre-activation in scratch_[0] (out_0 x B).
  void ForwardRest(int batch, MatrixXf& y) const;
  // Backward with grad nullable (no parameter gradient) and dx nullable.
  void BackwardImpl(MlpCache& cache, const Eigen::Ref<const MatrixXf>& dy, float* grad,
                    MatrixXf* dx) const;
  // Runs every layer from cache.acts[0], after a power iteration when `power_iteration`.
  void ForwardCached(MlpCache& cache, bool power_iteration = true) const;
  // Sizes the inference scratch for `batch` columns (grows only).
  void EnsureScratch(int batch) const;

  std::vector<int> sizes_;
  Activation activation_;
  float leaky_slope_;                   // kLeakyRelu: y = leaky_slope_ * z for z <= 0
  bool spectral_norm_;                  // hidden layers compute with W/σ(W) (not the output layer)
  mutable std::vector<VectorXf> sn_u_;  // (out_l) per hidden layer, spectral norm only
  mutable std::vector<VectorXf> sn_v_;  // (in_l) per hidden layer, spectral norm only
  mutable std::vector<MatrixXf> sn_weights_;  // (out_l x in_l) W/σ of the last inference pass
  std::vector<int> offsets_;                  // weight offset of each layer
  VectorXf params_;
  mutable MatrixXf scratch_[2];  // (widest x max batch) ping-pong inference buffers
};

// PyTorch nn.init.orthogonal_: fills w (rows x cols) with a gain-scaled (semi-)orthogonal matrix.
void OrthogonalInit(Eigen::Ref<MatrixXf> w, float gain, Rng& rng);

}  // namespace rl::nn

#endif  // REWARDLAB_NN_MLP_H_
