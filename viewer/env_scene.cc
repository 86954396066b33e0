#include "viewer/env_scene.h"

#include <imgui.h>

#include "envs/grid/grid_world.h"
#include "viewer/layout.h"

namespace rl::viewer {

EnvScene::EnvScene(Env& env, HeatMap heat) : mujoco_env_(dynamic_cast<MujocoEnv*>(&env)) {
  if (mujoco_env_) mujoco_ = std::make_unique<MujocoScene>(mujoco_env_->GetPhysics().Model());
  if (const auto* grid_env = dynamic_cast<const GridWorld*>(&env)) {
    grid_ = std::make_unique<GridScene>(*grid_env, heat);
  }
}

void EnvScene::CycleCamera(int direction) {
  if (mujoco_ && direction != 0) mujoco_->CycleCamera(direction);
}

void EnvScene::Draw(const Window& window) {
  const Rect scene = SceneRect(window.Width(), window.Height());
  if (mujoco_) {
    const ImGuiIO& io = ImGui::GetIO();
    if (io.MousePos.x >= 0 && io.MousePos.x < scene.w && !io.WantCaptureMouse) {
      mujoco_->Mouse(io.MouseDown[0], io.MouseDown[1], io.MouseDelta.x, io.MouseDelta.y,
                     io.MouseWheel, scene);
    }
    mujoco_->Render(mujoco_env_->GetPhysics().Data(), scene, window.Height());
  }
  if (grid_) grid_->Draw(scene);
}

void EnvScene::DrawControls() {
  if (mujoco_) ImGui::Checkbox("contact points and forces", &mujoco_->ShowContacts());
  if (grid_) grid_->DrawControls();
}

std::string EnvScene::CameraName() const { return mujoco_ ? mujoco_->CameraName() : ""; }

}  // namespace rl::viewer
