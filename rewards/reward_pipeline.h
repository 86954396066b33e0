// The reward an agent optimises, computed from raw transitions when the agent consumes them
// (DESIGN §1): on-policy agents label their rollout, off-policy agents each sampled minibatch.
//
// This first version holds the env reward alone; the module framework (weighted modules, named
// outputs, learned rewards that Fit on recent transitions) builds on this interface.
#ifndef REWARDLAB_REWARDS_REWARD_PIPELINE_H_
#define REWARDLAB_REWARDS_REWARD_PIPELINE_H_

#include <Eigen/Dense>
#include <cstdint>

namespace rl {

// A batch of raw transitions to label, as an agent stores them (float32, columns = transitions).
struct RewardBatch {
  Eigen::Ref<const Eigen::MatrixXf> obs;         // (obs_dim x B) s
  Eigen::Ref<const Eigen::MatrixXf> action;      // (act_dim x B) a as the env received it
  Eigen::Ref<const Eigen::MatrixXf> next_obs;    // (obs_dim x B) the true s'
  Eigen::Ref<const Eigen::VectorXf> env_reward;  // (B) the env's reward
  const uint8_t* terminated;                     // (B) 1 where s' is terminal
};

// Labels transitions with the optimised reward.
class RewardPipeline {
 public:
  // Writes the optimised reward of each transition into `reward` (size B).
  void Label(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> reward) const {
    reward = batch.env_reward;
  }
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REWARD_PIPELINE_H_
