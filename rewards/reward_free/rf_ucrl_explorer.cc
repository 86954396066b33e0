#include "rewards/reward_free/rf_ucrl_explorer.h"

#include <algorithm>
#include <cmath>

namespace rl {
namespace {

// The confidence threshold beta(n, delta) of RF-UCRL.
double Threshold(double n, int s_count, int a_count, int horizon, double delta) {
  const double base = std::log(2.0 * s_count * a_count * horizon / delta);
  const double dim = std::max(1, s_count - 1);
  return base + dim * std::log(std::exp(1.0) * (1.0 + n / dim));
}

}  // namespace

RfUcrlExplorer::RfUcrlExplorer(const TabularMdp& mdp, const ExplorerConfig& config)
    : TabularExplorer(mdp, config),
      p_hat_(mdp.num_actions,
             Eigen::MatrixXd::Constant(mdp.num_states, mdp.num_states, 1.0 / mdp.num_states)),
      bonus_(mdp.num_states, mdp.num_actions),
      e_(config.horizon) {
  const double b0 =
      std::sqrt(Threshold(0.0, mdp.num_states, mdp.num_actions, config.horizon, config.delta));
  bonus_.setConstant(b0);
}

void RfUcrlExplorer::PlanEpisode() {
  const int horizon = config_.horizon;
  Eigen::VectorXd f = Eigen::VectorXd::Zero(mdp_.num_states);
  for (int h = horizon - 1; h >= 0; --h) {
    const double vmax = horizon - h;
    Eigen::MatrixXd& e = e_[h];
    e = config_.c * vmax * bonus_;
    for (int a = 0; a < mdp_.num_actions; ++a) e.col(a) += p_hat_[a] * f;
    f = e.rowwise().maxCoeff().cwiseMin(2.0 * vmax);
  }
  certificate_ = mdp_.initial.dot(f);
}

void RfUcrlExplorer::Learn(const std::vector<ExplorationStep>& steps) {
  for (const ExplorationStep& step : steps) {
    const double n = data_.counts[step.a].row(step.s).sum();
    p_hat_[step.a].row(step.s) = data_.counts[step.a].row(step.s) / n;
    bonus_(step.s, step.a) =
        std::sqrt(Threshold(n, mdp_.num_states, mdp_.num_actions, config_.horizon, config_.delta) /
                  std::max(1.0, n));
  }
}

}  // namespace rl
