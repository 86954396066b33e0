// Running observation statistics (SB3's RunningMeanStd / VecNormalize) and return-based reward
// scaling (Gymnasium's NormalizeReward); the statistics are kept in double.
#ifndef REWARDLAB_NN_RUNNING_STATS_H_
#define REWARDLAB_NN_RUNNING_STATS_H_

#include <Eigen/Dense>
#include <cstdint>
#include <span>

namespace rl::nn {

// Per-feature mean and (population) variance merged batch by batch with Chan's parallel update.
class RunningMeanStd {
 public:
  // Mean 0, variance 1 and a pseudo-count `initial_count` (SB3: 1e-4), for `dim` features.
  explicit RunningMeanStd(int dim, double initial_count = 1e-4, double clip = 10.0,
                          double epsilon = 1e-8);

  // Merges a batch (dim x n) into the statistics; a no-op when frozen or n == 0.
  void Update(const Eigen::Ref<const Eigen::MatrixXd>& batch);
  // Float overload of Update.
  void Update(const Eigen::Ref<const Eigen::MatrixXf>& batch);
  // out = clip((x - mean) / sqrt(var + epsilon), -clip, clip); x and out are (dim x n).
  void Normalize(const Eigen::Ref<const Eigen::MatrixXd>& x, Eigen::Ref<Eigen::MatrixXf> out) const;
  // Float overload of Normalize.
  void Normalize(const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::Ref<Eigen::MatrixXf> out) const;

  // Number of features.
  int Dim() const { return static_cast<int>(mean_.size()); }
  // Whether Update is disabled (evaluation).
  bool Frozen() const { return frozen_; }
  // Enables or disables updates.
  void SetFrozen(bool frozen) { frozen_ = frozen; }
  // Running mean, (dim); mutable for checkpoint restore.
  Eigen::VectorXd& Mean() { return mean_; }
  // Running mean, read-only.
  const Eigen::VectorXd& Mean() const { return mean_; }
  // Running population variance, (dim); mutable for checkpoint restore.
  Eigen::VectorXd& Var() { return var_; }
  // Running variance, read-only.
  const Eigen::VectorXd& Var() const { return var_; }
  // Total weight seen, the pseudo-count included.
  double Count() const { return count_; }
  // Restores the count from a checkpoint.
  void SetCount(double count) { count_ = count; }

 private:
  // Chan's merge of (batch_mean, batch_var, n) into the running moments.
  void Merge(double n);

  Eigen::VectorXd mean_;        // (dim)
  Eigen::VectorXd var_;         // (dim)
  Eigen::VectorXd batch_mean_;  // (dim) scratch
  Eigen::VectorXd batch_var_;   // (dim) scratch
  double count_;
  double clip_;
  double epsilon_;
  bool frozen_ = false;
};

// Gymnasium's NormalizeReward for a vector of envs: ret = ret * gamma * (1 - terminated) + r, the
// batch of returns updates a scalar RunningMeanStd, and r / sqrt(var + epsilon) is returned (the
// caller clips, e.g. to +-10). Like Gymnasium, only termination (not truncation) cuts the
// accumulator, and it does so before adding the step's reward.
class ReturnNormalizer {
 public:
  // Zero returns for `num_envs` envs, discount `gamma`.
  ReturnNormalizer(int num_envs, double gamma, double epsilon = 1e-8);

  // Advances the returns with rewards (n) and terminated flags (n), updates the statistics
  // unless frozen, and writes the scaled rewards to out (n).
  void Normalize(const Eigen::Ref<const Eigen::VectorXd>& rewards,
                 std::span<const uint8_t> terminated, Eigen::Ref<Eigen::VectorXd> out);

  // Discounts the running returns with `gamma` from the next Normalize on.
  void SetGamma(double gamma) { gamma_ = gamma; }
  // Statistics of the discounted return (1 feature), for checkpoints and freezing.
  RunningMeanStd& Stats() { return stats_; }
  // Running discounted return per env, (n); mutable for checkpoint restore.
  Eigen::VectorXd& Returns() { return returns_; }

 private:
  RunningMeanStd stats_;
  Eigen::VectorXd returns_;  // (n)
  double gamma_;
  double epsilon_;
};

}  // namespace rl::nn

#endif  // REWARDLAB_NN_RUNNING_STATS_H_
