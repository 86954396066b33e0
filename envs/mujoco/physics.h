// The physics owner of a MuJoCo env (dm_control's split): a compiled model and one mjData, stepped
// frame_skip times per env step. Models are compiled once per process and shared read-only by
// every Physics of that asset (an mjModel is never written after compilation, so sharing is
// thread-safe); each Physics owns its mjData. MuJoCo errors become UserError instead of exit().
#ifndef REWARDLAB_ENVS_MUJOCO_PHYSICS_H_
#define REWARDLAB_ENVS_MUJOCO_PHYSICS_H_

#include <mujoco/mujoco.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "envs/space.h"

namespace rl {

// The compiled model of `envs/mujoco/assets/<name>.xml` (or `$REWARDLAB_ASSET_DIR/<name>.xml`
// where that variable is set, e.g. for a binary moved out of its source tree), loaded once per
// process. Throws UserError when the file is missing or does not compile.
std::shared_ptr<const mjModel> LoadMujocoModel(const std::string& name);
// The folder the models load from: $REWARDLAB_ASSET_DIR where set, else envs/mujoco/assets.
std::string MujocoAssetDir();
// The names of every model in MujocoAssetDir() (each <name>.xml), sorted: the one list of assets,
// which the envs name one each.
std::vector<std::string> MujocoAssetNames();

// Installs the process-wide MuJoCo handlers (idempotent): errors throw UserError, warnings are
// counted silently (no MUJOCO_LOG.TXT) and reported through each step's divergence check.
void InstallMujocoHandlers();

// MuJoCo warnings raised in this process so far (all threads).
int64_t MujocoWarningCount();

// A MuJoCo simulation: a shared model and an owned mjData.
class Physics {
 public:
  // Loads (or reuses) the model of asset `name` and makes fresh data at its reference state.
  explicit Physics(const std::string& name);
  // A new instance on the same model whose data is a copy of `other`'s (mj_copyData).
  Physics(const Physics& other);
  Physics& operator=(const Physics&) = delete;
  ~Physics();

  // The compiled model.
  const mjModel* Model() const { return model_.get(); }
  // The simulation data.
  mjData* Data() const { return data_; }
  // Position coordinates.
  int Nq() const { return model_->nq; }
  // Degrees of freedom.
  int Nv() const { return model_->nv; }
  // Actuators.
  int Nu() const { return model_->nu; }
  // The id of body `name`; throws UserError when there is none.
  int BodyId(const char* name) const;
  // The id of site `name`; throws UserError when there is none.
  int SiteId(const char* name) const;
  // The action space: Box(ctrlrange), each bound rounded to float32 as Gymnasium's.
  Space ActionSpace() const;
  // "qpos0".."qposN", then "qvel0".."qvelM".
  std::vector<std::string> StateNames() const;

  // Current joint positions.
  Eigen::Map<const Vec> Qpos() const { return {data_->qpos, model_->nq}; }
  // Current joint velocities.
  Eigen::Map<const Vec> Qvel() const { return {data_->qvel, model_->nv}; }
  // The state as qpos then qvel.
  Vec State() const;

  // The integration state qpos, qvel, qacc_warmstart (the solver's initial guess) and time:
  // with ctrl, everything the next mj_step depends on.
  Vec IntegrationState() const;
  // Sets an IntegrationState(): SetState(qpos, qvel), then qpos again exactly as saved (mj_forward
  // renormalises quaternions in place), the warm start and time.
  void SetIntegrationState(const Eigen::Ref<const Vec>& state);
  // Length of IntegrationState().
  int IntegrationStateSize() const { return Nq() + 2 * Nv() + 1; }
  // mj_resetData: the model's reference pose, zero velocity, zero control.
  void ResetData();
  // Sets qpos and qvel (after mj_resetData) and runs mj_forward.
  void SetState(const Eigen::Ref<const Vec>& qpos, const Eigen::Ref<const Vec>& qvel);
  // Sets qpos then qvel from one vector of nq + nv values.
  void SetState(const Eigen::Ref<const Vec>& state);

  // Sets ctrl, runs mj_step frame_skip times, then mj_rnePostConstraint. Returns false when the
  // step diverged (a MuJoCo warning, or a non-finite qpos/qvel/qacc); the pre-step state is then
  // restored and the divergence counted.
  bool Step(const Eigen::Ref<const Vec>& ctrl, int frame_skip);
  // Steps that diverged since construction.
  int64_t Divergences() const { return divergences_; }

 private:
  std::shared_ptr<const mjModel> model_;
  mjData* data_ = nullptr;
  Vec saved_;  // (nq + nv) pre-step state, restored on divergence
  int64_t divergences_ = 0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_MUJOCO_PHYSICS_H_
