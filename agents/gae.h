// Generalised advantage estimation (Schulman et al. 2016) over a (T x N) rollout, with terminated
// and truncated kept apart.
//
//   δ_t = r_t + γ·(1 − terminated_t)·V(s'_t) − V(s_t)
//   A_t = δ_t + γλ·(1 − done_t)·A_{t+1},   done = terminated ∨ truncated,   returns = A + V
//
// s'_t is the true next state of transition t (the final observation where an episode ended), so
// a truncated step bootstraps from the value of the state it was cut at (as SB3). With
// bootstrap_truncated = false a truncation is treated as a termination, reproducing CleanRL's
// PPO (`next_done = terminated OR truncated`) for exact comparisons.
#ifndef REWARDLAB_AGENTS_GAE_H_
#define REWARDLAB_AGENTS_GAE_H_

#include <Eigen/Dense>
#include <cstdint>

namespace rl {

using MatF = Eigen::MatrixXf;  // float32 matrix, the agents' precision
using VecF = Eigen::VectorXf;  // float32 vector
using MatU8 = Eigen::Matrix<uint8_t, Eigen::Dynamic, Eigen::Dynamic>;  // 0/1 flags

// One rollout's inputs to GAE; all (T x N): row t = time step, column = env slot.
struct GaeInput {
  const MatF& rewards;      // (T x N) rewards r_t the agent optimises
  const MatF& values;       // (T x N) V(s_t)
  const MatF& next_values;  // (T x N) V(s'_t), s' the true next state of each transition
  const MatU8& terminated;  // (T x N) 1 where s'_t is terminal
  const MatU8& truncated;   // (T x N) 1 where the episode was cut after transition t
};

// Writes advantages and returns (both resized to T x N).
void ComputeGae(const GaeInput& in, float gamma, float lambda, bool bootstrap_truncated,
                MatF& advantages, MatF& returns);

}  // namespace rl

#endif  // REWARDLAB_AGENTS_GAE_H_
