// Batched action distributions for PPO and SAC: columns are samples, float32 throughout.
//
// Each distribution is set from the network heads once per batch (Set / SetLogits caches the
// derived quantities), then answers log-probs, entropies, samples and the mode, and turns upstream
// loss gradients into gradients with respect to its heads. Those head gradients are WRITTEN (not
// accumulated); the caller backpropagates them through the Mlp, which accumulates.
#ifndef REWARDLAB_NN_DISTRIBUTIONS_H_
#define REWARDLAB_NN_DISTRIBUTIONS_H_

#include <Eigen/Dense>

#include "core/rng.h"

namespace rl::nn {

using Eigen::MatrixXf;
using Eigen::Ref;
using Eigen::VectorXf;
using Eigen::VectorXi;

// log(1 + exp(x)) without overflow.
float Softplus(float x);
// log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u)), finite for every u.
float LogOneMinusTanhSq(float u);
// CleanRL's log-std bounding: lo + (hi - lo) / 2 * (tanh(raw) + 1).
float BoundLogStd(float raw, float lo, float hi);
// d BoundLogStd / d raw = (hi - lo) / 2 * (1 - tanh(raw)^2).
float BoundLogStdGrad(float raw, float lo, float hi);

// Categorical distribution over n classes from logits (n x B), via a stable log-softmax.
class Categorical {
 public:
  // Computes the log-softmax and probabilities of logits (n x B).
  void SetLogits(const Ref<const MatrixXf>& logits);
  // Log-softmax of the last logits, (n x B).
  const MatrixXf& LogProbs() const { return log_probs_; }
  // Probabilities, (n x B).
  const MatrixXf& Probs() const { return probs_; }
  // out(b) = log p(actions(b)) for column b; actions and out are (B).
  void LogProb(const Ref<const VectorXi>& actions, Ref<VectorXf> out) const;
  // out(b) = -sum_k p_k log p_k, (B).
  void Entropy(Ref<VectorXf> out) const;
  // One class per column by inverse CDF on rng.Uniform(), (B).
  void Sample(Rng& rng, Ref<VectorXi> out) const;
  // Most likely class per column (first on ties), (B).
  void Mode(Ref<VectorXi> out) const;
  // dlogits (n x B) = d/dlogits of sum_b w(b) log p(actions(b)) + c(b) H_b; w, c are (B).
  void Backward(const Ref<const VectorXi>& actions, const Ref<const VectorXf>& w,
                const Ref<const VectorXf>& c, MatrixXf& dlogits) const;

 private:
  MatrixXf log_probs_;  // (n x B)
  MatrixXf probs_;      // (n x B)
};

// Diagonal Gaussian with a batched mean (d x B) and one state-independent log-std (d).
class DiagGaussian {
 public:
  // Stores mean (d x B) and log_std (d).
  void Set(const Ref<const MatrixXf>& mean, const Ref<const VectorXf>& log_std);
  // out(b) = sum_i log N(actions(i, b); mean(i, b), std(i)); actions (d x B), out (B).
  void LogProb(const Ref<const MatrixXf>& actions, Ref<VectorXf> out) const;
  // Entropy of every column: sum_i (0.5 + 0.5 log(2 pi) + log_std(i)).
  float Entropy() const;
  // mean + std * eps with eps ~ N(0, 1) drawn column by column, (d x B).
  void Sample(Rng& rng, Ref<MatrixXf> out) const;
  // The deterministic action, the mean, (d x B).
  const MatrixXf& Mode() const { return mean_; }
  // Gradients of sum_b w(b) log p(actions(:, b)) + c(b) H: dmean (d x B), dlog_std (d).
  void Backward(const Ref<const MatrixXf>& actions, const Ref<const VectorXf>& w,
                const Ref<const VectorXf>& c, Ref<MatrixXf> dmean, Ref<VectorXf> dlog_std) const;

 private:
  MatrixXf mean_;     // (d x B)
  VectorXf log_std_;  // (d)
  VectorXf inv_std_;  // (d)
};

// Options of the SAC policy distribution.
struct TanhGaussianOptions {
  bool bound_log_std = true;  // map the raw head through BoundLogStd (CleanRL); else use it as is
  float log_std_min = -5.0f;  // lower log-std bound
  float log_std_max = 2.0f;   // upper log-std bound
  VectorXf low;               // (d) env action lower bounds; empty: [-1, 1]
  VectorXf high;              // (d) env action upper bounds; empty: [-1, 1]
};

// Tanh-squashed Gaussian with reparameterised samples a = tanh(mean + std * eps), scaled to
// [low, high] as low + (a + 1) / 2 * (high - low); log-probs are of the scaled action (the
// log-det of the scaling is subtracted).
class TanhGaussian {
 public:
  // A distribution with the given bounding and action scaling.
  explicit TanhGaussian(TanhGaussianOptions options = {});
  // Stores mean (d x B) and the raw log-std head (d x B).
  void Set(const Ref<const MatrixXf>& mean, const Ref<const MatrixXf>& raw_log_std);
  // Draws eps (d x B, Box-Muller pairs in memory order) and runs SampleWithNoise.
  void Sample(Rng& rng, Ref<MatrixXf> actions, Ref<VectorXf> log_prob);
  // Env actions (d x B) and their log-probs (B) for the given noise eps (d x B); kept for Backward.
  void SampleWithNoise(const Ref<const MatrixXf>& eps, Ref<MatrixXf> actions,
                       Ref<VectorXf> log_prob);
  // The deterministic env action, the scaled tanh(mean), (d x B).
  void Mode(Ref<MatrixXf> actions) const;
  // Through the last sample: from dL/dactions (d x B, env scale) and dL/dlog_prob (B), writes
  // dL/dmean and dL/draw_log_std (d x B each).
  void Backward(const Ref<const MatrixXf>& dactions, const Ref<const VectorXf>& dlog_prob,
                Ref<MatrixXf> dmean, Ref<MatrixXf> draw_log_std) const;
  // The bounded log-std of the last Set, (d x B).
  const MatrixXf& LogStd() const { return log_std_; }
  // sum_i log((high_i - low_i) / 2), subtracted from every log-prob.
  float LogDetScale() const;

 private:
  // Sets scale_ and offset_ for d dims when the options leave the bounds empty.
  void FitScale(int dim);

  TanhGaussianOptions options_;
  VectorXf scale_;    // (d) (high - low) / 2
  VectorXf offset_;   // (d) (high + low) / 2
  MatrixXf mean_;     // (d x B)
  MatrixXf raw_;      // (d x B) raw log-std head
  MatrixXf log_std_;  // (d x B)
  MatrixXf eps_;      // (d x B) noise of the last sample
  MatrixXf u_;        // (d x B) pre-tanh sample
  MatrixXf tanh_u_;   // (d x B) tanh(u)
  MatrixXf terms_;    // (d x B) per-dimension log-prob terms, summed per column
};

}  // namespace rl::nn

#endif  // REWARDLAB_NN_DISTRIBUTIONS_H_
