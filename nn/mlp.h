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
// Double backprop (later, for a gradient penalty on dL/dx): the input gradient is
// g = W_0^T D_0 W_1^T D_1 ... D_{L-2} W_{L-1}^T dy with D_l = diag(act'(z_l)); the parameter
// gradient of a loss h(g) is a second sweep over the same cache: push the tangent v = dh/dg
// forward through W_0, D_0, W_1, ... (a Jacobian-vector product), pair it with the backward
// deltas (which the cache would then keep) for the weight terms, and add the act''(z) terms
// (tanh: -2y(1 - y^2) from the cached outputs, ReLU: 0). Neither the parameter layout nor
// Backward's accumulate-into-grad contract has to change.
#ifndef REWARDLAB_NN_MLP_H_
#define REWARDLAB_NN_MLP_H_

#include <Eigen/Dense>
#include <vector>

#include "core/rng.h"

namespace rl::nn {

using Eigen::MatrixXf;
using Eigen::VectorXf;

// Hidden-layer nonlinearity; the output layer is always linear.
enum class Activation { kTanh, kRelu };

// Activations of one training forward pass, reused across calls (resized when the batch changes).
struct MlpCache {
  std::vector<MatrixXf> acts;  // acts[0] (in x B) input, acts[l+1] (out_l x B) layer l's output
  MatrixXf delta;              // (widest x B) backward scratch
  MatrixXf delta_next;         // (widest x B) backward scratch
  // The network output of the last Forward, (out x B).
  const MatrixXf& Output() const { return acts.back(); }
};

// A fully connected network sizes[0] -> sizes[1] -> ... -> sizes.back().
class Mlp {
 public:
  // Orthogonal weights (gain sqrt(2) hidden, `output_gain` last layer) and zero biases from `rng`.
  Mlp(std::vector<int> sizes, Activation activation, float output_gain, Rng& rng);

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
  // Adds dL/dparams for dy = dL/dy (out x B) into grad (NumParams()); writes dL/dx (in x B) if
  // dx is non-null. Uses the cache of the matching training Forward (and its scratch).
  void Backward(MlpCache& cache, const Eigen::Ref<const MatrixXf>& dy, Eigen::Ref<VectorXf> grad,
                MatrixXf* dx = nullptr) const;
  // Writes only dL/dx (in x B) for dy (out x B), skipping the parameter gradient (a third of
  // Backward's work): for a loss that differentiates through this network into its input.
  void BackwardInput(MlpCache& cache, const Eigen::Ref<const MatrixXf>& dy, MatrixXf& dx) const;

 private:
  // Applies the hidden nonlinearity in place.
  void Activate(Eigen::Ref<MatrixXf> z) const;
  // Runs layers 1.. from the first layer's pre-activation in scratch_[0] (out_0 x B).
  void ForwardRest(int batch, MatrixXf& y) const;
  // Backward with grad nullable (no parameter gradient) and dx nullable.
  void BackwardImpl(MlpCache& cache, const Eigen::Ref<const MatrixXf>& dy, float* grad,
                    MatrixXf* dx) const;
  // Runs every layer from cache.acts[0].
  void ForwardCached(MlpCache& cache) const;
  // Sizes the inference scratch for `batch` columns (grows only).
  void EnsureScratch(int batch) const;

  std::vector<int> sizes_;
  Activation activation_;
  std::vector<int> offsets_;  // weight offset of each layer
  VectorXf params_;
  mutable MatrixXf scratch_[2];  // (widest x max batch) ping-pong inference buffers
};

// PyTorch nn.init.orthogonal_: fills w (rows x cols) with a gain-scaled (semi-)orthogonal matrix.
void OrthogonalInit(Eigen::Ref<MatrixXf> w, float gain, Rng& rng);

}  // namespace rl::nn

#endif  // REWARDLAB_NN_MLP_H_
