// `rewardlab train CONFIG --view`: the window of a run that is training. The trainer runs on a
// worker thread and publishes snapshots (viewer/support/live_channel.h); the viewer draws the
// newest one on the main thread — env slot 0 in the scene, progress and the eval curve, the reward
// terms of slot 0's episode — and queues the changes made with its reward sliders. This header
// includes no GL, GLFW or ImGui (DESIGN §1 rule 7).
#ifndef REWARDLAB_VIEWER_LIVE_VIEWER_H_
#define REWARDLAB_VIEWER_LIVE_VIEWER_H_

#include <memory>
#include <string>
#include <vector>

#include "experiments/experiment_config.h"
#include "viewer/support/live_channel.h"

namespace rl {

// What `train --view` was asked to show.
struct LiveViewerOptions {
  std::string run_dir;     // the run folder, shown in the panel
  std::string screenshot;  // PNG to write, then close ("" = an interactive window)
  int frames = 60;         // frames before the screenshot
  int width = 1280;        // window width in pixels
  int height = 720;        // window height in pixels
};

// The window of a training run.
class LiveViewer {
 public:
  // Frames per second the window draws at most, while the user works with it.
  static constexpr double kMaxFps = 30;
  // Share of one core the window's drawing takes at most while nobody touches it: after a frame
  // that took t seconds it waits t / kIdleCpuShare - t for input before drawing the next one.
  // Snapshots of a run stepping thousands of times a second are samples, not an animation, so a
  // few frames per second lose little, and training keeps the CPU (results/viewer.md).
  static constexpr double kIdleCpuShare = 0.1;

  // Opens the window (hidden for a screenshot) for a run of `config`. `term_names` are the
  // trainer's (the env's terms, then the reward modules') and `params` the reward's tunable values.
  // Throws UserError when there is no display.
  LiveViewer(const ExperimentConfig& config, std::vector<std::string> term_names,
             std::vector<LiveParam> params, const LiveViewerOptions& options);
  ~LiveViewer();

  // Draws the channel's snapshots until the window closes, or until the screenshot is written
  // (after `frames` frames, or once training has finished), then returns.
  void Run(LiveChannel& channel);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rl

#endif  // REWARDLAB_VIEWER_LIVE_VIEWER_H_
