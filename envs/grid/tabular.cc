#include "envs/grid/tabular.h"

namespace rl {
namespace {

// The reward of a step into `next`, summed in term order exactly as Env::Step does.
double StepReward(const GridWorld& env, int next) {
  Eigen::Vector3d terms;
  env.TransitionTerms(next, terms);
  double sum = 0.0;
  for (int i = 0; i < terms.size(); ++i) sum += terms[i];
  return sum;
}

}  // namespace

TabularMdp ExportTabular(const GridWorld& env) {
  const int n = env.NumStates();
  const int na = GridWorld::kNumActions;
  const double slip = env.Config().slip;
  TabularMdp m;
  m.num_states = n;
  m.num_actions = na;
  m.P.assign(na, Eigen::MatrixXd::Zero(n, n));
  m.R = Eigen::MatrixXd::Zero(n, na);
  m.terminal.resize(n);
  for (int s = 0; s < n; ++s) {
    m.terminal[s] = env.IsTerminal(s);
    for (int a = 0; a < na; ++a) {
      if (m.terminal[s]) {
        m.P[a](s, s) = 1.0;
        continue;
      }
      // the intended move, then the sideways slips (left turn, right turn) as in GridWorld::DoStep
      const int dirs[3] = {a, (a + 3) % na, (a + 1) % na};
      const double probs[3] = {1.0 - slip, 0.5 * slip, 0.5 * slip};
      for (int k = 0; k < 3; ++k) {
        if (probs[k] == 0.0) continue;
        const int next = env.Move(s, dirs[k]);
        m.P[a](s, next) += probs[k];
        m.R(s, a) += probs[k] * StepReward(env, next);
      }
    }
  }

  // uniform over the start cells, as a reset samples them
  m.initial = Eigen::VectorXd::Zero(n);
  const auto& starts = env.StartStates();
  for (int s : starts) m.initial[s] += 1.0 / static_cast<double>(starts.size());
  return m;
}

std::vector<Eigen::MatrixXd> TransitionRewards(const GridWorld& env) {
  const int n = env.NumStates();
  Eigen::RowVectorXd entry(n);
  for (int s = 0; s < n; ++s) entry[s] = StepReward(env, s);
  Eigen::MatrixXd r3 = entry.replicate(n, 1);
  for (int s = 0; s < n; ++s) {
    if (env.IsTerminal(s)) r3.row(s).setZero();
  }
  return std::vector<Eigen::MatrixXd>(GridWorld::kNumActions, r3);
}

}  // namespace rl
