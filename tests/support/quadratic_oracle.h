// The quadratic toy of algorithms.md §2.8 behind the PolicyGradientOracle interface, for the
// implicit-gradient tests: J_φ(θ) = −½θᵀAθ + θᵀBφ with the "rewards" r = φ (so J is linear in r,
// as the agents' objectives are), θ starting at 0.
#ifndef REWARDLAB_TESTS_SUPPORT_QUADRATIC_ORACLE_H_
#define REWARDLAB_TESTS_SUPPORT_QUADRATIC_ORACLE_H_

#include <Eigen/Dense>
#include <utility>

#include "core/error.h"
#include "rewards/policy_gradient_oracle.h"

namespace rl::testing {

// J_φ(θ) = −½θᵀAθ + θᵀBφ, A (n x n) symmetric positive definite, B (n x m).
class QuadraticOracle : public PolicyGradientOracle {
 public:
  // The toy for A and B, at θ = 0.
  QuadraticOracle(Eigen::MatrixXd a, Eigen::MatrixXd b) : a_(std::move(a)), b_(std::move(b)) {
    theta_ = Eigen::VectorXd::Zero(a_.rows());
  }
  int NumParams() const override { return static_cast<int>(a_.rows()); }
  int BatchSize() const override { return static_cast<int>(b_.cols()); }
  RewardBatch Batch() const override { throw UserError("the toy has no transitions"); }
  void Params(Eigen::VectorXd& theta) const override { theta = theta_; }
  double Objective(const OracleVec& phi, double) override {
    return -0.5 * theta_.dot(a_ * theta_) + theta_.dot(b_ * phi);
  }
  // the linear-in-r part of the gradient is Σ_t B_t r_t, so g_t = B_t
  void ScoreDots(const OracleVec& u, Eigen::VectorXd& out) override { out = b_.transpose() * u; }
  void Gradient(const OracleVec& phi, double, Eigen::VectorXd& grad) override {
    grad = -a_ * theta_ + b_ * phi;
  }
  void HessianVector(const OracleVec&, double, const OracleVec& v, Eigen::VectorXd& hv) override {
    hv = -a_ * v;
  }
  void RewardGradientOfDot(const OracleVec&, double, const OracleVec& u,
                           Eigen::VectorXd& out) override {
    out = b_.transpose() * u;
  }
  void Step(const OracleVec& d, double alpha) override { theta_ += alpha * d; }

 private:
  Eigen::MatrixXd a_, b_;
  Eigen::VectorXd theta_;
};

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_QUADRATIC_ORACLE_H_
