#include "envs/mujoco/physics.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/error.h"

namespace rl {
namespace {

std::atomic<int64_t> warning_count{0};

// MuJoCo's fatal errors: unwind into the caller instead of exit().
void OnMujocoError(const char* msg) { throw UserError(std::string("MuJoCo error: ") + msg); }

// MuJoCo's warnings: counted; the stepping code reads d->warning to flag the step.
void OnMujocoWarning(const char*) { warning_count.fetch_add(1, std::memory_order_relaxed); }

// Whether every entry of `x` (n values) is finite.
bool AllFinite(const mjtNum* x, int n) {
  for (int i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) return false;
  }
  return true;
}

}  // namespace

void InstallMujocoHandlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    mju_user_error = OnMujocoError;
    mju_user_warning = OnMujocoWarning;
  });
}

int64_t MujocoWarningCount() { return warning_count.load(std::memory_order_relaxed); }

std::shared_ptr<const mjModel> LoadMujocoModel(const std::string& name) {
  InstallMujocoHandlers();
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const mjModel>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;

  // compile the asset; the parser reports problems in `error`, not through mju_error
  const std::string path = MujocoAssetDir() + "/" + name + ".xml";
  if (!std::filesystem::exists(path)) {
    throw UserError("MuJoCo asset not found: " + path +
                    " (set REWARDLAB_ASSET_DIR to the folder holding the .xml assets)");
  }
  char error[1000] = "";
  mjModel* m = mj_loadXML(path.c_str(), nullptr, error, sizeof(error));
  if (!m) throw UserError("MuJoCo could not load " + path + ": " + error);
  std::shared_ptr<const mjModel> model(
      m, [](const mjModel* p) { mj_deleteModel(const_cast<mjModel*>(p)); });
  cache.emplace(name, model);
  return model;
}

std::string MujocoAssetDir() {
  const char* dir = std::getenv("REWARDLAB_ASSET_DIR");
  return dir && *dir ? std::string(dir) : std::string(REWARDLAB_SOURCE_DIR) + "/envs/mujoco/assets";
}

std::vector<std::string> MujocoAssetNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(MujocoAssetDir(), ec)) {
    if (entry.path().extension() == ".xml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Physics::Physics(const std::string& name) : model_(LoadMujocoModel(name)) {
  data_ = mj_makeData(model_.get());
  saved_.resize(model_->nq + model_->nv);
}

Physics::Physics(const Physics& other) : model_(other.model_), divergences_(other.divergences_) {
  data_ = mj_makeData(model_.get());
  mj_copyData(data_, model_.get(), other.data_);
  saved_.resize(model_->nq + model_->nv);
}

Physics::~Physics() { mj_deleteData(data_); }

int Physics::BodyId(const char* name) const {
  const int id = mj_name2id(model_.get(), mjOBJ_BODY, name);
  if (id < 0) throw UserError(std::string("MuJoCo model has no body '") + name + "'");
  return id;
}

int Physics::SiteId(const char* name) const {
  const int id = mj_name2id(model_.get(), mjOBJ_SITE, name);
  if (id < 0) throw UserError(std::string("MuJoCo model has no site '") + name + "'");
  return id;
}

Space Physics::ActionSpace() const {
  Vec low(Nu()), high(Nu());
  for (int i = 0; i < Nu(); ++i) {
    low[i] = static_cast<float>(model_->actuator_ctrlrange[2 * i]);
    high[i] = static_cast<float>(model_->actuator_ctrlrange[2 * i + 1]);
  }
  return Space::Box(low, high);
}

std::vector<std::string> Physics::StateNames() const {
  std::vector<std::string> names;
  for (int i = 0; i < Nq(); ++i) names.push_back("qpos" + std::to_string(i));
  for (int i = 0; i < Nv(); ++i) names.push_back("qvel" + std::to_string(i));
  return names;
}

Vec Physics::State() const {
  Vec s(Nq() + Nv());
  s << Qpos(), Qvel();
  return s;
}

Vec Physics::IntegrationState() const {
  Vec s(IntegrationStateSize());
  s << Qpos(), Qvel(), Eigen::Map<const Vec>(data_->qacc_warmstart, Nv()), data_->time;
  return s;
}

void Physics::SetIntegrationState(const Eigen::Ref<const Vec>& state) {
  SetState(state.head(Nq()), state.segment(Nq(), Nv()));
  // after mj_forward, which renormalised every free and ball joint quaternion in qpos in place:
  // the next mj_step renormalises the saved qpos once, as the uninterrupted run does, not twice
  // (normalising is not idempotent in the last bits)
  Eigen::Map<Vec>(data_->qpos, Nq()) = state.head(Nq());
  // and overwrote the warm start with this state's qacc
  Eigen::Map<Vec>(data_->qacc_warmstart, Nv()) = state.segment(Nq() + Nv(), Nv());
  data_->time = state[Nq() + 2 * Nv()];
}

void Physics::ResetData() { mj_resetData(model_.get(), data_); }

void Physics::SetState(const Eigen::Ref<const Vec>& qpos, const Eigen::Ref<const Vec>& qvel) {
  mj_resetData(model_.get(), data_);
  Eigen::Map<Vec>(data_->qpos, Nq()) = qpos;
  Eigen::Map<Vec>(data_->qvel, Nv()) = qvel;
  mj_forward(model_.get(), data_);
}

void Physics::SetState(const Eigen::Ref<const Vec>& state) {
  SetState(state.head(Nq()), state.tail(Nv()));
}

bool Physics::Step(const Eigen::Ref<const Vec>& ctrl, int frame_skip) {
  // remember the state and clear the warning counters, so any new warning marks this step
  const mjModel* m = model_.get();
  saved_ << Qpos(), Qvel();
  for (int i = 0; i < mjNWARNING; ++i) data_->warning[i].number = 0;

  // step, then the post-constraint pass that fills cacc, cfrc_int and cfrc_ext
  Eigen::Map<Vec>(data_->ctrl, Nu()) = ctrl;
  for (int i = 0; i < frame_skip; ++i) mj_step(m, data_);
  mj_rnePostConstraint(m, data_);

  // divergence: a warning (MuJoCo may have reset the data itself) or non-finite state
  bool warned = false;
  for (int i = 0; i < mjNWARNING; ++i) warned = warned || data_->warning[i].number > 0;
  if (!warned && AllFinite(data_->qpos, m->nq) && AllFinite(data_->qvel, m->nv) &&
      AllFinite(data_->qacc, m->nv)) {
    return true;
  }
  ++divergences_;
  SetState(saved_);
  return false;
}

}  // namespace rl
