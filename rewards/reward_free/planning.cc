#include "rewards/reward_free/planning.h"

#include <algorithm>
#include <string>

#include "core/error.h"
#include "envs/grid/value_iteration.h"

namespace rl {
namespace {

void CheckHorizon(int horizon) {
  if (horizon <= 0) {
    throw UserError("reward-free horizon H must be > 0, got " + std::to_string(horizon));
  }
}

// The (S + 1) x A one-hot matrices of `policy`, acting 0 in the sink.
std::vector<Eigen::MatrixXd> SinkPolicyMatrices(const StepPolicy& policy, int num_actions) {
  std::vector<Eigen::MatrixXd> out;
  out.reserve(policy.size());
  for (std::vector<int> step : policy) {
    step.push_back(0);
    out.push_back(PolicyMatrix(step, num_actions));
  }
  return out;
}

}  // namespace

void CheckReward(const RewardFunction& reward, int num_states, int num_actions) {
  const std::string what = "reward '" + reward.name + "'";
  if (reward.r.rows() != num_states || reward.r.cols() != num_actions) {
    throw UserError(
        what + " is " + std::to_string(reward.r.rows()) + " x " + std::to_string(reward.r.cols()) +
        ", expected S x A = " + std::to_string(num_states) + " x " + std::to_string(num_actions));
  }
  if (!reward.r.allFinite()) throw UserError(what + " has a non-finite entry");
  if (!reward.stops.empty() && static_cast<int>(reward.stops.size()) != num_states) {
    throw UserError(what + " has " + std::to_string(reward.stops.size()) +
                    " stop flags, expected S = " + std::to_string(num_states) + " or none");
  }
}

TabularMdp WithReward(const TabularMdp& dynamics, const RewardFunction& reward) {
  CheckReward(reward, dynamics.num_states, dynamics.num_actions);
  const int s_count = dynamics.num_states;
  const int sink = s_count;
  TabularMdp m;
  m.num_states = s_count + 1;
  m.num_actions = dynamics.num_actions;
  m.R = Eigen::MatrixXd::Zero(s_count + 1, dynamics.num_actions);
  m.R.topRows(s_count) = reward.r;
  m.initial = Eigen::VectorXd::Zero(s_count + 1);
  m.initial.head(s_count) = dynamics.initial;
  m.terminal = dynamics.terminal;
  m.terminal.resize(s_count, false);
  m.terminal.push_back(true);
  m.P.resize(dynamics.num_actions);
  for (int a = 0; a < dynamics.num_actions; ++a) {
    m.P[a] = Eigen::MatrixXd::Zero(s_count + 1, s_count + 1);
    m.P[a].topLeftCorner(s_count, s_count) = dynamics.P[a];
    for (int s = 0; s < s_count; ++s) {
      if (reward.stops.empty() || !reward.stops[s]) continue;
      m.P[a].row(s).setZero();
      m.P[a](s, sink) = 1.0;
    }
    m.P[a](sink, sink) = 1.0;
  }
  return m;
}

StepPolicy PlanFromData(const ExplorationData& data, const RewardFunction& reward) {
  CheckHorizon(data.horizon);
  const FiniteHorizonResult plan =
      BackwardInduction(WithReward(EmpiricalModel(data), reward), data.horizon);
  StepPolicy policy = plan.policy;
  for (std::vector<int>& step : policy) step.pop_back();  // the sink's action
  return policy;
}

Eigen::VectorXd OptimalValue(const TabularMdp& mdp, const RewardFunction& reward, int horizon) {
  CheckHorizon(horizon);
  return BackwardInduction(WithReward(mdp, reward), horizon).v[0];
}

double SubOptimality(const TabularMdp& mdp, const RewardFunction& reward, const StepPolicy& policy,
                     const Eigen::VectorXd* v_star) {
  const int horizon = static_cast<int>(policy.size());
  CheckHorizon(horizon);
  const TabularMdp model = WithReward(mdp, reward);
  const Eigen::VectorXd best = v_star != nullptr ? *v_star : BackwardInduction(model, horizon).v[0];
  if (best.size() != model.num_states) {
    throw UserError("V* has " + std::to_string(best.size()) +
                    " entries, expected S + 1 = " + std::to_string(model.num_states));
  }
  const Eigen::VectorXd v_pi =
      EvaluatePolicyFiniteHorizon(model, SinkPolicyMatrices(policy, mdp.num_actions))[0];
  return model.initial.dot(best - v_pi);
}

std::vector<RewardFunction> RandomGoalRewards(const TabularMdp& mdp, int n, Rng& rng) {
  std::vector<int> candidates;
  for (int s = 0; s < mdp.num_states; ++s) {
    if (!mdp.terminal[s] && mdp.initial[s] == 0.0) candidates.push_back(s);
  }
  if (candidates.empty()) throw UserError("no state can serve as a goal (all terminal or start)");
  std::vector<RewardFunction> out;
  std::vector<int> pool;
  for (int i = 0; i < n; ++i) {
    if (pool.empty()) pool = candidates;
    const size_t pick = rng.UniformInt(pool.size());
    const int g = pool[pick];
    pool.erase(pool.begin() + pick);
    RewardFunction f{"goal_" + std::to_string(g),
                     Eigen::MatrixXd::Zero(mdp.num_states, mdp.num_actions),
                     std::vector<bool>(mdp.num_states, false)};
    f.r.row(g).setOnes();
    f.stops[g] = true;
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<RewardFunction> RandomDenseRewards(const TabularMdp& mdp, int n, int horizon,
                                               Rng& rng) {
  CheckHorizon(horizon);
  std::vector<RewardFunction> out;
  for (int i = 0; i < n; ++i) {
    RewardFunction f{
        "dense_" + std::to_string(i), Eigen::MatrixXd(mdp.num_states, mdp.num_actions), {}};
    for (int s = 0; s < mdp.num_states; ++s) {
      for (int a = 0; a < mdp.num_actions; ++a) f.r(s, a) = rng.Uniform() / horizon;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace rl
