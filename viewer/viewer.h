// `rewardlab view`: a window (GLFW + Dear ImGui, MuJoCo's mjr renderer) that plays a run's newest
// checkpoint or a config's untrained policy, with run info, learning curves and per-step reward
// terms. This header includes no GL, GLFW or ImGui, so apps/ can call it (DESIGN §1 rule 7).
#ifndef REWARDLAB_VIEWER_VIEWER_H_
#define REWARDLAB_VIEWER_VIEWER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "envs/space.h"

namespace rl {

// What `rewardlab view` was asked to do.
struct ViewerOptions {
  std::string source;             // run folder or YAML config
  std::string screenshot;         // PNG to write after `frames` frames, then exit ("" = window)
  int frames = 60;                // frames drawn before the screenshot; most frames of a video
  std::string video;              // MP4 of one episode to write through ffmpeg ("" = none)
  int fps = 30;                   // frames per second of the video
  int64_t episode = 0;            // first episode (its env seed)
  int64_t replay = -1;            // recorded episode of the run to replay first; -1 = live policy
  bool stochastic = false;        // sample actions instead of the deterministic policy
  bool paused = false;            // start paused (the reset state stays on screen)
  std::optional<Vec> init_state;  // physical state every episode starts from
  std::string heat = "visits";    // gridworld heat map: none, visits, value or potential
  int width = 1280;               // window width in pixels
  int height = 720;               // window height in pixels
};

// Runs the viewer until the window closes, or until the screenshot or the video is written. Throws
// UserError for bad input (missing or corrupt run, config or checkpoint) and when no display is
// available.
void RunViewer(const ViewerOptions& options);

}  // namespace rl

#endif  // REWARDLAB_VIEWER_VIEWER_H_
