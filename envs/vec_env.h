// N copies of one environment stepped together, with same-step autoreset: where an episode ends,
// the returned observation already belongs to the next episode and the true s' is in final_obs.
#ifndef REWARDLAB_ENVS_VEC_ENV_H_
#define REWARDLAB_ENVS_VEC_ENV_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/rng.h"
#include "core/thread_pool.h"
#include "envs/env.h"

namespace rl {

// Which environment to build and how many copies: the `env:` section of a config.
struct EnvConfig {
  std::string id = "CartPole-v1";  // registered env id (`rewardlab envs`)
  int num_envs = 1;                // parallel copies in the vectorised env
  int threads = 1;                 // threads stepping them; 0 = one per core
  int max_episode_steps = 0;       // time limit override; 0 keeps the registered limit
  ConfigNode options;              // env-specific options (`rewardlab config describe ENV_ID`)

  template <class V>
  void Fields(V& v) {
    v("id", id, "registered env id (`rewardlab envs` lists them)");
    v("num_envs", num_envs, "parallel copies in the vectorised env", Check::Range(1, 65536));
    v("threads", threads, "threads stepping the copies; 0 = one per core", Check::Range(0, 1024));
    v("max_episode_steps", max_episode_steps, "time limit override; 0 keeps the registered one",
      Check::Min(0));
    v("options", options, "env-specific options (`rewardlab config describe ENV_ID`)");
  }
};

// The buffers of one vectorised step; columns are env slots.
struct VecStep {
  Mat obs;        // (obs_dim x n) observation to act on next (a new episode's first where done)
  Mat final_obs;  // (obs_dim x n) the true s' of each transition, also where the episode ended
  Vec reward;     // (n) env reward, the sum of `terms`
  Mat terms;      // (n_terms x n) named reward terms, EnvSpec::reward_terms order
  std::vector<uint8_t> terminated;  // (n) 1 where s' is terminal
  std::vector<uint8_t> truncated;   // (n) 1 where the episode was cut (time limit, bad physics)
  std::vector<int> episode_length;  // (n) length of the episode that ended here, else 0
};

// A vectorised env. Slot i draws its randomness from Rng(seed, stream, i); results do not depend
// on the number of threads (tested bit for bit).
class VecEnv {
 public:
  // Takes ownership of `envs` (all of one id) and seeds slot i from (seed, stream, i).
  VecEnv(std::vector<std::unique_ptr<Env>> envs, uint64_t seed, RngStream stream, int threads);

  // The spec shared by all slots.
  const EnvSpec& Spec() const { return envs_[0]->Spec(); }
  // Number of slots.
  int Size() const { return static_cast<int>(envs_.size()); }
  // Slot i's env.
  Env& At(int i) { return *envs_[i]; }
  // Slot i's env, read-only.
  const Env& At(int i) const { return *envs_[i]; }
  // Sizes `out` for this env.
  void ResizeFor(VecStep& out) const;
  // Resets every slot; obs is resized to (obs_dim x n).
  void Reset(Mat& obs);
  // Steps every slot with its column of `actions` (act_dim x n) and autoresets ended episodes.
  void Step(const Mat& actions, VecStep& out);
  // Steps slot i alone into column i of `out` (sized by ResizeFor); distinct slots may step
  // concurrently.
  void StepSlot(int i, const Eigen::Ref<const Vec>& action, VecStep& out);
  // Calls fn(k) for k in [0, shards) on the env's threads, each shard taken by whichever thread
  // is free next, so a faster core collects more shards.
  void ForEachShard(int shards, const std::function<void(int)>& fn);

 private:
  std::vector<std::unique_ptr<Env>> envs_;
  std::vector<StepResult> results_;  // one per slot, preallocated
  std::unique_ptr<ThreadPool> pool_;
};

// Builds the vectorised env a config describes; throws UserError for bad ids or options. `first`,
// when given, is slot 0: an env of the same id and options built earlier (e.g. by validation).
std::unique_ptr<VecEnv> MakeVecEnv(const EnvConfig& config, uint64_t seed,
                                   RngStream stream = RngStream::kEnv,
                                   std::unique_ptr<Env> first = nullptr);

}  // namespace rl

#endif  // REWARDLAB_ENVS_VEC_ENV_H_
