#include "envs/grid/tabular.h"

#include <algorithm>
#include <deque>

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

Eigen::VectorXd GoalDistancePotential(const GridWorld& env) {
  // breadth-first search backwards from the goals over the moves of non-terminal states
  const int n = env.NumStates();
  std::vector<std::vector<int>> predecessors(n);
  for (int s = 0; s < n; ++s) {
    if (env.IsTerminal(s)) continue;
    for (int dir = 0; dir < GridWorld::kNumActions; ++dir)
      predecessors[env.Move(s, dir)].push_back(s);
  }
  std::vector<int> dist(n, -1);
  std::deque<int> queue;
  for (int s = 0; s < n; ++s) {
    if (env.Tile(s) == 'G' || env.Tile(s) == 'g') {
      dist[s] = 0;
      queue.push_back(s);
    }
  }
  int farthest = 0;
  while (!queue.empty()) {
    const int s = queue.front();
    queue.pop_front();
    farthest = std::max(farthest, dist[s]);
    for (int p : predecessors[s]) {
      if (dist[p] >= 0) continue;
      dist[p] = dist[s] + 1;
      queue.push_back(p);
    }
  }
  Eigen::VectorXd phi(n);
  for (int s = 0; s < n; ++s) phi[s] = -(dist[s] >= 0 ? dist[s] : farthest + 1);
  return phi;
}

}  // namespace rl
