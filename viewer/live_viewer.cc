#include "viewer/live_viewer.h"

#include <imgui.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "envs/registry.h"
#include "viewer/env_scene.h"
#include "viewer/panels.h"
#include "viewer/window.h"

namespace rl {

using Clock = std::chrono::steady_clock;

// The window, a local env that takes slot 0's published state, and the sliders' state.
struct LiveViewer::Impl {
  ExperimentConfig config;
  LiveViewerOptions options;
  std::vector<std::string> term_names;
  size_t env_terms = 0;
  std::unique_ptr<Env> env;
  Vec obs;
  viewer::Window window;
  viewer::EnvScene scene;
  LiveSnapshot snapshot;
  std::vector<LiveParam> params;  // as the sliders show them
  std::vector<bool> dragging;     // a slider being dragged keeps its value, not the snapshot's

  Impl(const ExperimentConfig& c, std::vector<std::string> names, std::vector<LiveParam> p,
       const LiveViewerOptions& o, std::unique_ptr<Env> e)
      : config(c),
        options(o),
        term_names(std::move(names)),
        env_terms(e->Spec().reward_terms.size()),
        env(std::move(e)),
        obs(env->Spec().observation.Dim()),
        window(o.width, o.height, o.screenshot.empty()),
        scene(*env, viewer::HeatMap::kVisits),
        params(std::move(p)),
        dragging(params.size(), false) {}

  // takes a newer snapshot: slot 0's state into the local env, the values into the sliders
  void Update(const LiveChannel& channel) {
    if (!channel.Read(snapshot)) return;
    if (snapshot.state.size() > 0) {
      env->RestoreState(snapshot.state, snapshot.elapsed, Rng(), obs);
      if (viewer::GridScene* grid = scene.Grid()) grid->CountVisit();
    }
    for (size_t i = 0; i < params.size() && i < snapshot.params.size(); ++i) {
      if (!dragging[i]) params[i].value = snapshot.params[i].value;
    }
  }

  // one slider per weight and module parameter; a change goes to the trainer's queue
  void DrawSliders(LiveChannel& channel) {
    for (size_t i = 0; i < params.size(); ++i) {
      LiveParam& p = params[i];
      const std::string& module = term_names[env_terms + p.module];
      const std::string label =
          p.name.empty() ? "weight " + module : module + "." + p.name + "##" + std::to_string(i);
      if (ImGui::SliderScalar(label.c_str(), ImGuiDataType_Double, &p.value, &p.lo, &p.hi,
                              "%.4g")) {
        channel.Request({p.module, p.name, p.value});
      }
      dragging[i] = ImGui::IsItemActive();
    }
    ImGui::TextDisabled("changes apply between two steps; console.log records each");
  }

  void DrawPanels(LiveChannel& channel) {
    viewer::BeginPanels(window.Width(), window.Height());
    const LiveSnapshot& s = snapshot;
    ImGui::Text("training %s: %s on %s, seed %llu", s.finished ? "finished" : "live",
                config.name.c_str(), config.env.id.c_str(),
                static_cast<unsigned long long>(config.seed));
    ImGui::TextWrapped("run: %s", options.run_dir.c_str());
    ImGui::Text("step %lld of %lld  (%.0f steps/s)", static_cast<long long>(s.step),
                static_cast<long long>(config.total_steps), s.steps_per_second);
    ImGui::ProgressBar(static_cast<float>(s.step) / static_cast<float>(config.total_steps));
    ImGui::Text("%lld episodes; last %d: mean return %.4g", static_cast<long long>(s.episodes),
                static_cast<int>(std::min<int64_t>(s.episodes, LiveHook::kRecentEpisodes)),
                s.recent_return);
    ImGui::Text("env 0: step %d, return %.4g  %s", s.elapsed, s.episode_return,
                scene.CameraName().c_str());
    scene.DrawControls();
    if (ImGui::CollapsingHeader("learning curve", ImGuiTreeNodeFlags_DefaultOpen)) {
      ImGui::Text("%zu evaluations", s.eval_step.size());
      viewer::DrawEvalCurve(s.eval_step, s.eval_mean, s.eval_std);
    }
    if (ImGui::CollapsingHeader("reward weights and parameters", ImGuiTreeNodeFlags_DefaultOpen)) {
      DrawSliders(channel);
    }
    if (ImGui::CollapsingHeader("reward terms, env 0's episode", ImGuiTreeNodeFlags_DefaultOpen)) {
      viewer::DrawTermPlots(term_names, s.traces, env_terms);
    }
    ImGui::TextDisabled("[ ] cameras  Ctrl-P picture  Esc close (training goes on)");
    ImGui::End();
  }
};

LiveViewer::LiveViewer(const ExperimentConfig& config, std::vector<std::string> term_names,
                       std::vector<LiveParam> params, const LiveViewerOptions& options) {
  std::unique_ptr<Env> env = MakeEnv(config.env.id, config.env.options);
  env->SetMaxEpisodeSteps(config.env.max_episode_steps);
  impl_ = std::make_unique<Impl>(config, std::move(term_names), std::move(params), options,
                                 std::move(env));
}

LiveViewer::~LiveViewer() = default;

void LiveViewer::Run(LiveChannel& channel) {
  Impl& m = *impl_;
  const bool headless = !m.options.screenshot.empty();
  const auto min_period = std::chrono::duration<double>(1.0 / kMaxFps);
  double frame_ms_sum = 0;
  int frame = 0;
  while (!m.window.ShouldClose()) {
    const Clock::time_point start = Clock::now();
    m.window.BeginFrame();
    bool screenshot = false;
    for (const ViewerKey key : viewer::PressedKeys()) {
      if (key == ViewerKey::kPrevCamera) m.scene.CycleCamera(-1);
      if (key == ViewerKey::kNextCamera) m.scene.CycleCamera(1);
      if (key == ViewerKey::kScreenshot) screenshot = true;
      if (key == ViewerKey::kQuit) m.window.Close();
    }
    m.Update(channel);
    m.window.Clear();
    m.scene.Draw(m.window);
    m.DrawPanels(channel);
    m.window.RenderUi();
    ++frame;
    if (headless && (frame >= m.options.frames || m.snapshot.finished)) {
      m.window.WritePng(m.options.screenshot);
      std::printf("wrote %s (%dx%d, %d frames, %.1f ms/frame, training at step %lld)\n",
                  m.options.screenshot.c_str(), m.window.Width(), m.window.Height(), frame,
                  frame > 1 ? frame_ms_sum / (frame - 1) : 0.0,
                  static_cast<long long>(m.snapshot.step));
      std::fflush(stdout);
      return;
    }
    if (screenshot) {
      const std::string path = "rewardlab_" + std::to_string(frame) + ".png";
      m.window.WritePng(path);
      std::printf("wrote %s\n", path.c_str());
    }
    m.window.Present();
    // idle: draw with at most kIdleCpuShare of a core; input wakes the window, up to kMaxFps
    const std::chrono::duration<double> busy = Clock::now() - start;
    frame_ms_sum += 1000 * busy.count();
    m.window.WaitEvents(busy.count() / kIdleCpuShare - busy.count());
    std::this_thread::sleep_until(start + min_period);
  }
}

}  // namespace rl
