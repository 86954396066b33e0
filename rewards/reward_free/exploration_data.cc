#include "rewards/reward_free/exploration_data.h"

#include <string>

#include "core/error.h"

namespace rl {

ExplorationData::ExplorationData(int num_states, int num_actions, int horizon)
    : num_states(num_states), num_actions(num_actions), horizon(horizon) {
  if (num_states <= 0 || num_actions <= 0) {
    throw UserError("exploration data needs S > 0 and A > 0, got S = " +
                    std::to_string(num_states) + ", A = " + std::to_string(num_actions));
  }
  if (horizon <= 0) {
    throw UserError("reward-free horizon H must be > 0, got " + std::to_string(horizon));
  }
  counts.assign(num_actions, Eigen::MatrixXd::Zero(num_states, num_states));
  starts = Eigen::VectorXd::Zero(num_states);
}

double ExplorationData::Total() const {
  double total = 0.0;
  for (const Eigen::MatrixXd& n : counts) total += n.sum();
  return total;
}

Eigen::MatrixXd ExplorationData::PairCounts() const {
  Eigen::MatrixXd n(num_states, num_actions);
  for (int a = 0; a < num_actions; ++a) n.col(a) = counts[a].rowwise().sum();
  return n;
}

int ExplorationData::VisitedPairs() const {
  return static_cast<int>((PairCounts().array() > 0.0).count());
}

TabularMdp EmpiricalModel(const ExplorationData& data) {
  TabularMdp m;
  m.num_states = data.num_states;
  m.num_actions = data.num_actions;
  m.R = Eigen::MatrixXd::Zero(data.num_states, data.num_actions);
  m.terminal.assign(data.num_states, false);
  const double episodes = data.starts.sum();
  m.initial = episodes > 0.0 ? Eigen::VectorXd(data.starts / episodes)
                             : Eigen::VectorXd::Constant(data.num_states, 1.0 / data.num_states);
  m.P.resize(data.num_actions);
  for (int a = 0; a < data.num_actions; ++a) {
    m.P[a] = Eigen::MatrixXd::Zero(data.num_states, data.num_states);
    for (int s = 0; s < data.num_states; ++s) {
      const double n = data.counts[a].row(s).sum();
      if (n > 0.0) {
        m.P[a].row(s) = data.counts[a].row(s) / n;
      } else {
        m.P[a](s, s) = 1.0;
      }
    }
  }
  return m;
}

}  // namespace rl
