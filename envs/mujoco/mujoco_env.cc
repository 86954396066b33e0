#include "envs/mujoco/mujoco_env.h"

#include <limits>

#include "core/error.h"

namespace rl {

MujocoEnv::MujocoEnv(const std::string& id, const std::string& asset, int frame_skip,
                     int max_episode_steps, int obs_dim, std::vector<std::string> reward_terms)
    : physics_(asset), frame_skip_(frame_skip) {
  const double inf = std::numeric_limits<double>::infinity();
  spec_.id = id;
  spec_.observation = Space::Box(obs_dim, -inf, inf);
  spec_.action = physics_.ActionSpace();
  spec_.dt = physics_.Model()->opt.timestep * frame_skip;
  spec_.max_episode_steps = max_episode_steps;
  spec_.reward_terms = std::move(reward_terms);
  spec_.state_names = physics_.StateNames();
}

void MujocoEnv::DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) {
  // both paths end in Physics::SetState, which runs mj_resetData first
  if (init_state) {
    physics_.SetState(*init_state);
  } else {
    ResetModel();
  }
  WriteObs(obs);
}

Vec MujocoEnv::SnapshotState() const {
  const Vec lagged = LaggedReads();
  Vec s(physics_.IntegrationStateSize() + lagged.size());
  s << physics_.IntegrationState(), lagged;
  return s;
}

void MujocoEnv::DoRestore(const Vec& snapshot, Eigen::Ref<Vec> obs) {
  const int n = physics_.IntegrationStateSize();
  if (snapshot.size() != n + LaggedReads().size() || !snapshot.allFinite()) {
    throw UserError(spec_.id + ": the checkpointed state has " + std::to_string(snapshot.size()) +
                    " values, expected " + std::to_string(n + LaggedReads().size()) +
                    " finite ones (a checkpoint of another env or version?)");
  }
  physics_.SetIntegrationState(snapshot.head(n));
  SetLaggedReads(snapshot.tail(snapshot.size() - n));
  WriteObs(obs);
}

bool MujocoEnv::StepPhysics(const Eigen::Ref<const Vec>& action, StepResult& out) {
  if (physics_.Step(action, frame_skip_)) return true;
  out.terms.setZero();
  out.terminated = false;
  out.truncated = true;
  WriteObs(out.obs);
  return false;
}

Eigen::Map<const Vec> MujocoEnv::InitQpos() const {
  return {physics_.Model()->qpos0, physics_.Nq()};
}

Vec MujocoEnv::UniformNoise(int n, double scale) {
  Vec x(n);
  for (int i = 0; i < n; ++i) x[i] = rng_.Uniform(-scale, scale);
  return x;
}

Vec MujocoEnv::NormalNoise(int n, double scale) {
  Vec x(n);
  for (int i = 0; i < n; ++i) x[i] = scale * rng_.Normal();
  return x;
}

double MujocoEnv::SquaredNorm(const Eigen::Ref<const Vec>& action) {
  double sum = 0.0;
  for (int i = 0; i < action.size(); ++i) sum += action[i] * action[i];
  return sum;
}

void CheckRange(const std::vector<double>& range, const std::string& what) {
  if (range.size() != 2 || !(range[0] <= range[1])) {
    throw UserError(what + " must be a list [low, high] with low <= high");
  }
}

}  // namespace rl
