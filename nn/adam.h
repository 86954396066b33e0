// Adam over a flat parameter vector (PyTorch semantics), gradient-norm clipping and Polyak
// averaging, all single vector operations on an Mlp's Params() / gradient layout.
#ifndef REWARDLAB_NN_ADAM_H_
#define REWARDLAB_NN_ADAM_H_

#include <Eigen/Dense>
#include <cstdint>

namespace rl::nn {

// Hyper-parameters of Adam in double, as torch's Python floats; PPO uses eps 1e-5 as CleanRL.
struct AdamOptions {
  double lr = 3e-4;      // step size, mutable later through Adam::SetLr (annealing)
  double beta1 = 0.9;    // first-moment decay
  double beta2 = 0.999;  // second-moment decay
  double eps = 1e-8;     // added to sqrt(v_hat)
};

// torch.optim.Adam (no weight decay, no amsgrad) for one flat parameter vector.
class Adam {
 public:
  // Zero moments for `num_params` parameters.
  Adam(int num_params, AdamOptions options);

  // One update of params from grad (both NumParams() long); increments the step count first.
  void Step(Eigen::Ref<Eigen::VectorXf> params, const Eigen::Ref<const Eigen::VectorXf>& grad);

  // Current learning rate.
  double Lr() const { return options_.lr; }
  // Sets the learning rate (linear annealing).
  void SetLr(double lr) { options_.lr = lr; }
  // The hyper-parameters.
  const AdamOptions& Options() const { return options_; }

  // First moment, (num_params); mutable for checkpoint restore.
  Eigen::VectorXf& M() { return m_; }
  // Second moment, (num_params); mutable for checkpoint restore.
  Eigen::VectorXf& V() { return v_; }
  // Number of steps taken (the t of the bias correction).
  int64_t StepCount() const { return step_; }
  // Restores the step count from a checkpoint.
  void SetStepCount(int64_t step) { step_ = step; }

 private:
  AdamOptions options_;
  Eigen::VectorXf m_;  // (num_params)
  Eigen::VectorXf v_;  // (num_params)
  int64_t step_ = 0;
};

// torch.nn.utils.clip_grad_norm_: scales grad by c = max_norm / (norm + 1e-6) when c < 1 (the norm
// exceeds max_norm); returns the L2 norm before clipping.
float ClipGradNorm(Eigen::Ref<Eigen::VectorXf> grad, float max_norm);

// Whether every entry of v is finite, in one vectorised pass (Eigen's allFinite() is scalar): the
// sum of v * 0 is 0 when all are finite and NaN otherwise.
bool AllFinite(const Eigen::Ref<const Eigen::VectorXf>& v);

// target = (1 - tau) * target + tau * source, elementwise.
void Polyak(Eigen::Ref<Eigen::VectorXf> target, const Eigen::Ref<const Eigen::VectorXf>& source,
            float tau);

}  // namespace rl::nn

#endif  // REWARDLAB_NN_ADAM_H_
