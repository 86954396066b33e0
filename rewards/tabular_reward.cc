#include "rewards/tabular_reward.h"

namespace rl {

std::vector<Eigen::MatrixXd> TabulateReward(const RewardPipeline& reward, const GridWorld& env,
                                            bool truncated) {
  const int n = env.NumStates(), num_actions = GridWorld::kNumActions;
  const int obs_dim = env.Spec().observation.Dim();
  const int num_terms = static_cast<int>(env.Spec().reward_terms.size());

  // one batch per action: column s * n + s' holds the transition s -> s'
  Eigen::MatrixXf obs(obs_dim, n * n), next_obs(obs_dim, n * n), terms(num_terms, n * n);
  Eigen::VectorXf env_reward(n * n);
  std::vector<uint8_t> terminated(n * n), truncated_flags(n * n, truncated ? 1 : 0);
  Vec o(obs_dim), t(num_terms);
  for (int s = 0; s < n; ++s) {
    env.Observe(s, o);
    for (int sp = 0; sp < n; ++sp) obs.col(s * n + sp) = o.cast<float>();
  }
  for (int sp = 0; sp < n; ++sp) {
    env.Observe(sp, o);
    env.TransitionTerms(sp, t);
    for (int s = 0; s < n; ++s) {
      const int c = s * n + sp;
      next_obs.col(c) = o.cast<float>();
      terms.col(c) = t.cast<float>();
      env_reward[c] = static_cast<float>(t.sum());
      terminated[c] = env.IsTerminal(sp);
    }
  }

  std::vector<Eigen::MatrixXd> table(num_actions, Eigen::MatrixXd::Zero(n, n));
  Eigen::MatrixXf action(1, n * n);
  Eigen::VectorXf r(n * n);
  for (int a = 0; a < num_actions; ++a) {
    action.setConstant(static_cast<float>(a));
    reward.Label(
        {obs, action, next_obs, env_reward, terms, terminated.data(), truncated_flags.data()}, r);
    for (int s = 0; s < n; ++s) {
      if (env.IsTerminal(s)) continue;
      for (int sp = 0; sp < n; ++sp) table[a](s, sp) = r[s * n + sp];
    }
  }
  return table;
}

}  // namespace rl
