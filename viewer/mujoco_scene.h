// Draws a MuJoCo model with mjv/mjr into the current GL context: a free camera (mouse orbit, pan
// and zoom), a camera tracking the first body, and the model's own cameras, cycled with [ ].
#ifndef REWARDLAB_VIEWER_MUJOCO_SCENE_H_
#define REWARDLAB_VIEWER_MUJOCO_SCENE_H_

#include <mujoco/mujoco.h>

#include <string>

#include "viewer/layout.h"

namespace rl::viewer {

// A MuJoCo scene; needs a current GL context for its whole life.
class MujocoScene {
 public:
  // Builds the scene and GPU context for `model` (not owned, must outlive the scene).
  explicit MujocoScene(const mjModel* model);
  ~MujocoScene();
  MujocoScene(const MujocoScene&) = delete;
  MujocoScene& operator=(const MujocoScene&) = delete;

  // Renders the state of `data` (recomputed on a copy, so the env's data is never touched) into
  // `scene` of a framebuffer `height` pixels tall.
  void Render(const mjData* data, const Rect& scene, int height);
  // Moves to the next (+1) or previous (-1) camera.
  void CycleCamera(int direction);
  // Orbits (left drag), pans (right drag) or zooms (wheel); deltas in pixels over `scene`.
  void Mouse(bool left, bool right, float dx, float dy, float wheel, const Rect& scene);
  // The current camera's name.
  std::string CameraName() const;
  // Whether contact points and forces are drawn.
  bool& ShowContacts() { return show_contacts_; }

 private:
  void ApplyCamera();

  const mjModel* model_;
  mjData* shown_;  // a copy of the env's data, forwarded for drawing
  mjvCamera camera_;
  mjvOption option_;
  mjvScene scene_;
  mjrContext context_;
  int camera_index_ = 1;  // 0 free, 1 tracking, 2.. model cameras
  bool show_contacts_ = false;
};

}  // namespace rl::viewer

#endif  // REWARDLAB_VIEWER_MUJOCO_SCENE_H_
