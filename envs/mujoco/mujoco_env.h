// The shared base of the MuJoCo envs: a Physics, Gymnasium's MujocoEnv stepping (ctrl = action,
// frame_skip substeps, mj_rnePostConstraint) and the divergence rule: a step whose physics diverged
// is truncated (never terminated), pays zero on every term and returns the pre-step observation.
#ifndef REWARDLAB_ENVS_MUJOCO_MUJOCO_ENV_H_
#define REWARDLAB_ENVS_MUJOCO_MUJOCO_ENV_H_

#include <string>
#include <vector>

#include "envs/env.h"
#include "envs/mujoco/physics.h"

namespace rl {

// A MuJoCo env: physical state = qpos then qvel.
class MujocoEnv : public Env {
 public:
  // The state qpos then qvel.
  Vec PhysicalState() const override { return physics_.State(); }
  // Physics::IntegrationState() then LaggedReads().
  Vec SnapshotState() const override;
  // Steps whose physics diverged (truncated, finite observation) since construction.
  int64_t Divergences() const { return physics_.Divergences(); }
  // The simulation, for tests and benchmarks.
  Physics& GetPhysics() { return physics_; }
  // The number of MuJoCo substeps per env step.
  int FrameSkip() const { return frame_skip_; }

 protected:
  // Loads `asset`, fills the spec (unbounded float64 observations of `obs_dim`, Box(ctrlrange)
  // actions, dt = timestep * frame_skip, state names) and the reward term names.
  MujocoEnv(const std::string& id, const std::string& asset, int frame_skip, int max_episode_steps,
            int obs_dim, std::vector<std::string> reward_terms);

  // Samples the start state (reset noise) and sets it with Physics::SetState.
  virtual void ResetModel() = 0;
  // Writes the observation of the current data.
  virtual void WriteObs(Eigen::Ref<Vec> obs) const = 0;
  // Quantities of the last forward pass that the next DoStep reads before stepping (after
  // mj_step they belong to the last substep, not to the current state, so a restore cannot
  // recompute them); none by default.
  virtual Vec LaggedReads() const { return {}; }
  // Writes LaggedReads() values back into the data.
  virtual void SetLaggedReads(const Vec& values) { (void)values; }

  // Starts from `init_state` (qpos then qvel) or from ResetModel's sample.
  void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) override;
  // Steps the physics with ctrl = action. On divergence marks `out` truncated with zero terms and
  // the observation of the restored pre-step state, and returns false.
  bool StepPhysics(const Eigen::Ref<const Vec>& action, StepResult& out);
  // Restores a SnapshotState(): integration state, then the lagged reads, then the observation.
  void DoRestore(const Vec& snapshot, Eigen::Ref<Vec> obs) override;

  // The reference pose qpos0 (Gymnasium's init_qpos; init_qvel is zero).
  Eigen::Map<const Vec> InitQpos() const;
  // `n` draws of U(-scale, scale), in order.
  Vec UniformNoise(int n, double scale);
  // `n` draws of scale * N(0, 1), in order.
  Vec NormalNoise(int n, double scale);
  // Sum of squares of the action, as Gymnasium's np.square(action).sum().
  static double SquaredNorm(const Eigen::Ref<const Vec>& action);

  Physics physics_;
  int frame_skip_;
};

// Throws UserError unless `range` has two entries lo <= hi; `what` names it in the message.
void CheckRange(const std::vector<double>& range, const std::string& what);

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_MUJOCO_ENV_H_
