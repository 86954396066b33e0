#include "agents/gae.h"

namespace rl {

void ComputeGae(const GaeInput& in, float gamma, float lambda, bool bootstrap_truncated,
                MatF& advantages, MatF& returns) {
  const int steps = static_cast<int>(in.rewards.rows());
  const int envs = static_cast<int>(in.rewards.cols());
  advantages.resize(steps, envs);
  returns.resize(steps, envs);
  for (int n = 0; n < envs; ++n) {
    float next_advantage = 0.0f;
    for (int t = steps - 1; t >= 0; --t) {
      // a truncation without bootstrapping counts as a termination
      const bool terminal = in.terminated(t, n) || (!bootstrap_truncated && in.truncated(t, n));
      const bool done = in.terminated(t, n) || in.truncated(t, n);
      const float bootstrap = terminal ? 0.0f : gamma * in.next_values(t, n);
      const float delta = in.rewards(t, n) + bootstrap - in.values(t, n);
      next_advantage = delta + (done ? 0.0f : gamma * lambda * next_advantage);
      advantages(t, n) = next_advantage;
    }
  }
  returns = advantages + in.values;
}

}  // namespace rl
