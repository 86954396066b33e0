#include "envs/vec_env.h"

#include <thread>

#include "envs/registry.h"

namespace rl {

VecEnv::VecEnv(std::vector<std::unique_ptr<Env>> envs, uint64_t seed, RngStream stream, int threads)
    : envs_(std::move(envs)), results_(envs_.size()) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, Size());
  pool_ = std::make_unique<ThreadPool>(threads);
  for (int i = 0; i < Size(); ++i) {
    envs_[i]->SetRng(Rng(seed, stream, static_cast<uint64_t>(i)));
    envs_[i]->ResizeFor(results_[i]);
  }
}

void VecEnv::ResizeFor(VecStep& out) const {
  const int n = Size();
  const int obs_dim = Spec().observation.Dim();
  out.obs.resize(obs_dim, n);
  out.final_obs.resize(obs_dim, n);
  out.reward.resize(n);
  out.terms.resize(static_cast<int>(Spec().reward_terms.size()), n);
  out.terminated.assign(n, 0);
  out.truncated.assign(n, 0);
  out.episode_length.assign(n, 0);
}

void VecEnv::Reset(Mat& obs) {
  obs.resize(Spec().observation.Dim(), Size());
  pool_->ParallelFor(Size(), [&](int begin, int end) {
    for (int i = begin; i < end; ++i) envs_[i]->Reset(obs.col(i));
  });
}

void VecEnv::Step(const Mat& actions, VecStep& out) {
  if (out.obs.cols() != Size()) ResizeFor(out);
  pool_->ParallelFor(Size(), [&](int begin, int end) {
    for (int i = begin; i < end; ++i) StepSlot(i, actions.col(i), out);
  });
}

void VecEnv::StepSlot(int i, const Eigen::Ref<const Vec>& action, VecStep& out) {
  // step, copy the transition out, then autoreset in the same call
  Env& env = *envs_[i];
  StepResult& r = results_[i];
  env.Step(action, r);
  out.final_obs.col(i) = r.obs;
  out.reward[i] = r.reward;
  out.terms.col(i) = r.terms;
  out.terminated[i] = r.terminated;
  out.truncated[i] = r.truncated;
  out.episode_length[i] = 0;
  if (r.terminated || r.truncated) {
    out.episode_length[i] = env.ElapsedSteps();
    env.Reset(out.obs.col(i));
  } else {
    out.obs.col(i) = r.obs;
  }
}

void VecEnv::ForEachShard(int shards, const std::function<void(int)>& fn) {
  pool_->ParallelForDynamic(shards, [&](int begin, int end) {
    for (int k = begin; k < end; ++k) fn(k);
  });
}

std::unique_ptr<VecEnv> MakeVecEnv(const EnvConfig& config, uint64_t seed, RngStream stream,
                                   std::unique_ptr<Env> first) {
  const EnvEntry& entry = FindEnv(config.id);
  std::vector<std::unique_ptr<Env>> envs;
  for (int i = 0; i < config.num_envs; ++i) {
    envs.push_back(i == 0 && first ? std::move(first) : entry.make(config.options, "env.options"));
    envs.back()->SetMaxEpisodeSteps(config.max_episode_steps);
  }
  return std::make_unique<VecEnv>(std::move(envs), seed, stream, config.threads);
}

}  // namespace rl
