// The left part of the viewer's window: a MuJoCo env through MuJoCo's renderer (cameras, mouse
// orbit, pan and zoom, contacts), a gridworld through ImGui draw lists (with a heat map), or the
// bare background for other envs. Shared by `view` and `train --view`.
#ifndef REWARDLAB_VIEWER_ENV_SCENE_H_
#define REWARDLAB_VIEWER_ENV_SCENE_H_

#include <memory>
#include <string>

#include "envs/env.h"
#include "envs/mujoco/mujoco_env.h"
#include "viewer/grid_scene.h"
#include "viewer/mujoco_scene.h"
#include "viewer/window.h"

namespace rl::viewer {

// Draws one env's current state.
class EnvScene {
 public:
  // A scene for `env` (not owned; it must outlive the scene) with gridworld heat map `heat`; needs
  // the window's GL context.
  EnvScene(Env& env, HeatMap heat);

  // The gridworld scene (visits, values, potential), or null for other envs.
  GridScene* Grid() { return grid_.get(); }
  // Moves to the next (+1) or previous (-1) camera; nothing for envs without cameras.
  void CycleCamera(int direction);
  // Draws the env's state into the scene rectangle (after Window::Clear), following the mouse
  // over it.
  void Draw(const Window& window);
  // The scene's panel controls: contact points (MuJoCo), the heat map (gridworlds).
  void DrawControls();
  // The current camera's name ("" without cameras).
  std::string CameraName() const;

 private:
  MujocoEnv* mujoco_env_;
  std::unique_ptr<MujocoScene> mujoco_;
  std::unique_ptr<GridScene> grid_;
};

}  // namespace rl::viewer

#endif  // REWARDLAB_VIEWER_ENV_SCENE_H_
