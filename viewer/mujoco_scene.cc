#include "viewer/mujoco_scene.h"

namespace rl::viewer {
namespace {

// metres between the tracking camera and the tracked body
constexpr double kTrackingDistance = 4.0;

}  // namespace

MujocoScene::MujocoScene(const mjModel* model) : model_(model), shown_(mj_makeData(model)) {
  mjv_defaultCamera(&camera_);
  mjv_defaultOption(&option_);
  mjv_defaultScene(&scene_);
  mjr_defaultContext(&context_);
  mjv_makeScene(model_, &scene_, 2000);
  mjr_makeContext(model_, &context_, mjFONTSCALE_150);
  ApplyCamera();
}

MujocoScene::~MujocoScene() {
  mjr_freeContext(&context_);
  mjv_freeScene(&scene_);
  mj_deleteData(shown_);
}

void MujocoScene::ApplyCamera() {
  const int fixed = camera_index_ - 2;
  if (camera_index_ == 0) {
    mjv_defaultFreeCamera(model_, &camera_);
  } else if (camera_index_ == 1) {
    // following the first body after the world from the side, a little above, like the
    // Gymnasium render cameras
    mjv_defaultFreeCamera(model_, &camera_);
    camera_.type = mjCAMERA_TRACKING;
    camera_.trackbodyid = model_->nbody > 1 ? 1 : 0;
    camera_.distance = kTrackingDistance;
    camera_.elevation = -12;
    camera_.azimuth = 90;
  } else {
    camera_.type = mjCAMERA_FIXED;
    camera_.fixedcamid = fixed;
  }
}

void MujocoScene::CycleCamera(int direction) {
  const int count = 2 + model_->ncam;
  camera_index_ = ((camera_index_ + direction) % count + count) % count;
  ApplyCamera();
}

std::string MujocoScene::CameraName() const {
  if (camera_index_ == 0) return "free";
  if (camera_index_ == 1) return "tracking";
  const char* name = mj_id2name(model_, mjOBJ_CAMERA, camera_index_ - 2);
  return std::string("model camera ") + (name ? name : std::to_string(camera_index_ - 2));
}

void MujocoScene::Mouse(bool left, bool right, float dx, float dy, float wheel, const Rect& scene) {
  if (camera_.type == mjCAMERA_FIXED && (left || right || wheel != 0)) {
    // a fixed camera cannot move: start from the free camera
    camera_index_ = 0;
    ApplyCamera();
  }
  const mjtNum sx = dx / scene.h, sy = dy / scene.h;
  if (left && (dx != 0 || dy != 0))
    mjv_moveCamera(model_, mjMOUSE_ROTATE_V, sx, sy, &scene_, &camera_);
  if (right && (dx != 0 || dy != 0))
    mjv_moveCamera(model_, mjMOUSE_MOVE_V, sx, sy, &scene_, &camera_);
  if (wheel != 0) mjv_moveCamera(model_, mjMOUSE_ZOOM, 0, -0.05 * wheel, &scene_, &camera_);
}

void MujocoScene::Render(const mjData* data, const Rect& scene, int height) {
  // after mj_step (or a restored snapshot) positions and contacts belong to an earlier substep:
  // recompute them for the current state on a copy
  mj_copyData(shown_, model_, data);
  mj_forward(model_, shown_);
  option_.flags[mjVIS_CONTACTPOINT] = show_contacts_;
  option_.flags[mjVIS_CONTACTFORCE] = show_contacts_;
  mjv_updateScene(model_, shown_, &option_, nullptr, &camera_, mjCAT_ALL, &scene_);
  // mjr's viewport has its origin at the bottom left
  const mjrRect viewport{static_cast<int>(scene.x), height - static_cast<int>(scene.y + scene.h),
                         static_cast<int>(scene.w), static_cast<int>(scene.h)};
  mjr_setBuffer(mjFB_WINDOW, &context_);
  mjr_render(viewport, &scene_, &context_);
}

}  // namespace rl::viewer
