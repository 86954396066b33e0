// A reward pipeline tabulated on a gridworld's exact model: the optimised reward of every
// transition (s, a, s'), for exact analyses (policy invariance of shaping, STARC distances).
#ifndef REWARDLAB_REWARDS_TABULAR_REWARD_H_
#define REWARDLAB_REWARDS_TABULAR_REWARD_H_

#include <Eigen/Dense>
#include <vector>

#include "envs/grid/grid_world.h"
#include "rewards/reward_pipeline.h"

namespace rl {

// [a](s, s') = the pipeline's reward of the transition s -a-> s' of `env` (A entries, S x S), with
// the env's reward and terms of entering s', terminated = s' is terminal, and the given
// `truncated` flag; 0 from terminal s (absorbing, as ExportTabular). Defined for every s' (also
// where P is 0), in double precision from the float32 pipeline.
std::vector<Eigen::MatrixXd> TabulateReward(const RewardPipeline& reward, const GridWorld& env,
                                            bool truncated = false);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_TABULAR_REWARD_H_
