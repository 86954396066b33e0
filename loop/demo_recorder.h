// Records demonstrations: plays whole episodes of a policy in one env, keeping every observation,
// action, reward and flag (envs/demo_dataset.h writes them as a Minari dataset).
#ifndef REWARDLAB_LOOP_DEMO_RECORDER_H_
#define REWARDLAB_LOOP_DEMO_RECORDER_H_

#include <cstdint>

#include "agents/agent.h"
#include "envs/demo_dataset.h"

namespace rl {

// Plays one episode of `agent` (kEval: deterministic, kSample: stochastic) in `env`, reset from
// Rng(seed, RngStream::kEnv, 0) as `rewardlab rollout ID --seed SEED` resets it, so the episode's
// actions replayed that way reproduce it. The episode's `seed` is `seed`.
DemoEpisode RecordDemoEpisode(Env& env, Agent& agent, ActMode mode, uint64_t seed);

}  // namespace rl

#endif  // REWARDLAB_LOOP_DEMO_RECORDER_H_
