#include "viewer/viewer.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "core/error.h"
#include "core/run_file.h"
#include "viewer/env_scene.h"
#include "viewer/panels.h"
#include "viewer/support/playback.h"
#include "viewer/support/playback_controls.h"
#include "viewer/video.h"
#include "viewer/window.h"

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

// seconds of wall time per env step at speed 1 for envs without a physical dt (gridworlds)
constexpr double kGridStepSeconds = 0.1;

}  // namespace

void RunViewer(const ViewerOptions& options) {
  // everything that can be wrong with the input fails here, before a window opens
  Playback playback({options.source, options.stochastic, 0, options.init_state});
  if (options.episode != 0) playback.Reset(options.episode);
  viewer::RunCurve curve(playback.RunFilePath());
  int64_t replaying = options.replay;  // the row of /rollouts being replayed, -1 = live
  if (replaying >= 0) {
    if (!playback.IsRun()) throw UserError("--replay needs a run folder, not a config");
    playback.Replay(ReadRecordedEpisode(playback.RunFilePath(), replaying));
  }
  const viewer::HeatMap heat = viewer::ParseHeatMap(options.heat);
  const bool headless = !options.screenshot.empty() || !options.video.empty();
  viewer::Window window(options.width, options.height, !headless);
  std::unique_ptr<viewer::VideoWriter> video;
  if (!options.video.empty()) {
    video = std::make_unique<viewer::VideoWriter>(options.video, window.Width(), window.Height(),
                                                  options.fps);
  }
  std::vector<unsigned char> pixels;

  viewer::EnvScene scene(playback.GetEnv(), heat);
  viewer::GridScene* grid = scene.Grid();
  if (grid) {
    grid->CountVisit();
    grid->UpdatePotential(playback.Reward());
  }
  const double step_seconds =
      playback.GetEnvSpec().dt > 0 ? playback.GetEnvSpec().dt : kGridStepSeconds;
  // headless: a screenshot advances one step per frame, a video plays in real time at its fps
  const double headless_steps =
      video ? std::max(1.0, std::round(1.0 / (step_seconds * options.fps))) : 1.0;

  PlaybackControls controls;
  controls.paused = options.paused;
  double pending = 0, frame_ms_sum = 0;
  int frame = 0;
  std::string values_for = "-";
  Clock::time_point last = Clock::now();
  while (!window.ShouldClose()) {
    window.BeginFrame();
    const Clock::time_point now = Clock::now();
    const double frame_seconds = std::chrono::duration<double>(now - last).count();
    if (frame > 1) frame_ms_sum += 1000 * frame_seconds;
    last = now;
    for (const ViewerKey key : viewer::PressedKeys()) {
      if (controls.Press(key, playback) && grid) grid->CountVisit();
      if (key == ViewerKey::kNextEpisode) replaying = -1;
    }
    if (controls.quit) window.Close();
    scene.CycleCamera(controls.camera);
    controls.camera = 0;

    // advance: one step per frame when headless (reproducible pictures), else in real time
    int steps = 0;
    if (video && frame == 0) {
      // a video opens on the reset state
    } else if (!controls.paused) {
      pending +=
          headless ? headless_steps : std::min(frame_seconds, 0.25) * controls.speed / step_seconds;
      steps = static_cast<int>(std::floor(pending));
      pending -= steps;
    }
    for (int i = 0; i < steps && !(video && playback.Done()); ++i) {
      playback.Step();
      if (grid) grid->CountVisit();
    }
    if (grid && playback.Checkpoint() != values_for) {
      grid->UpdateValues(playback.GetAgent());
      values_for = playback.Checkpoint();
    }
    curve.Refresh(std::chrono::seconds(2));

    // the scene on the left, the panels on the right
    window.Clear();
    scene.Draw(window);
    viewer::BeginPanels(window.Width(), window.Height());
    viewer::DrawRunInfo(playback, controls.paused, controls.speed, scene.CameraName());
    bool stochastic = playback.Stochastic();
    if (ImGui::Checkbox("stochastic policy (sample actions)", &stochastic)) {
      playback.SetStochastic(stochastic);
    }
    scene.DrawControls();
    if (ImGui::CollapsingHeader("learning curve", ImGuiTreeNodeFlags_DefaultOpen)) curve.Draw();
    if (playback.IsRun() && ImGui::CollapsingHeader("episodes", ImGuiTreeNodeFlags_DefaultOpen)) {
      const std::optional<int64_t> chosen =
          viewer::DrawEpisodePicker(curve.Data(), playback, replaying);
      if (chosen && *chosen < 0) playback.Reset(playback.Episode());
      if (chosen && *chosen >= 0) {
        playback.Replay(ReadRecordedEpisode(playback.RunFilePath(), *chosen));
      }
      if (chosen) replaying = *chosen;
    }
    if (ImGui::CollapsingHeader("reward terms, this episode", ImGuiTreeNodeFlags_DefaultOpen)) {
      viewer::DrawTermPlots(playback.TermNames(), playback.TermTraces(),
                            playback.GetEnvSpec().reward_terms.size());
    }
    ImGui::TextDisabled("F1 help");
    ImGui::End();
    if (controls.help) viewer::DrawHelp();
    window.RenderUi();
    ++frame;

    if (video) {
      window.ReadPixels(pixels);
      video->Write(pixels);
      if (playback.Done() || frame >= options.frames) {
        video->Finish();
        std::printf(
            "wrote %s (%dx%d, %d frames at %d fps, episode %lld: %lld steps, return %.4g)\n",
            options.video.c_str(), window.Width(), window.Height(), frame, options.fps,
            static_cast<long long>(playback.Episode()),
            static_cast<long long>(playback.EpisodeStep()), playback.EpisodeReturn());
        return;
      }
    } else if (headless && frame >= options.frames) {
      window.WritePng(options.screenshot);
      std::printf("wrote %s (%dx%d, %d frames, %.1f ms/frame%s)\n", options.screenshot.c_str(),
                  window.Width(), window.Height(), frame,
                  frame > 2 ? frame_ms_sum / (frame - 2) : 0.0,
                  viewer::ReplayStatus(playback, replaying).c_str());
      return;
    }
    if (controls.screenshot) {
      controls.screenshot = false;
      const std::string path = "rewardlab_" + std::to_string(frame) + ".png";
      window.WritePng(path);
      std::printf("wrote %s\n", path.c_str());
    }
    window.Present();
  }
}

}  // namespace rl
