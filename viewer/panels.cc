#include "viewer/panels.h"

#include <imgui.h>

#include <algorithm>
#include <numeric>

#include "core/error.h"
#include "viewer/layout.h"

namespace rl::viewer {

RunCurve::RunCurve(std::string path) : path_(std::move(path)) {
  if (!path_.empty()) data_ = ReadRunFile(path_);
  last_read_ = std::chrono::steady_clock::now();
}

void RunCurve::Refresh(std::chrono::steady_clock::duration period) {
  const auto now = std::chrono::steady_clock::now();
  if (path_.empty() || data_.finished || now - last_read_ < period) return;
  last_read_ = now;
  try {
    data_ = ReadRunFile(path_);
    error_.clear();
  } catch (const std::exception& e) {
    error_ = e.what();
  }
}

void RunCurve::Draw() const {
  if (path_.empty()) {
    ImGui::TextDisabled("no run file: an untrained policy from a config");
    return;
  }
  const RunData& d = data_;
  ImGui::Text("%zu evaluations, %zu episodes%s", d.eval_step.size(), d.episode_step.size(),
              d.finished ? ", finished" : ", still being written");
  if (!error_.empty()) ImGui::TextWrapped("re-read failed: %s", error_.c_str());
  DrawEvalCurve(d.eval_step, d.eval_return_mean, d.eval_return_std);
}

void DrawEvalCurve(const std::vector<int64_t>& step, const std::vector<double>& mean,
                   const std::vector<double>& std) {
  if (step.empty()) return;
  // a canvas: eval return mean (line) and ± std (band) against env steps
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 size(ImGui::GetContentRegionAvail().x, 140);
  ImGui::InvisibleButton("curve", size);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, {origin.x + size.x, origin.y + size.y}, IM_COL32(20, 20, 24, 255));
  const size_t n = step.size();
  double lo = mean[0], hi = lo;
  for (size_t i = 0; i < n; ++i) {
    lo = std::min(lo, mean[i] - std[i]);
    hi = std::max(hi, mean[i] + std[i]);
  }
  if (hi <= lo) hi = lo + 1;
  const double x_max = std::max<double>(1, static_cast<double>(step.back()));
  auto point = [&](size_t i, double y) {
    return ImVec2(origin.x + 4 + (size.x - 8) * static_cast<float>(step[i] / x_max),
                  origin.y + 4 + (size.y - 8) * static_cast<float>((hi - y) / (hi - lo)));
  };
  for (size_t i = 0; i < n; ++i) {
    const ImVec2 top = point(i, mean[i] + std[i]);
    const ImVec2 bottom = point(i, mean[i] - std[i]);
    draw->AddLine(top, bottom, IM_COL32(90, 140, 230, 110), 3);
    if (i > 0) {
      draw->AddLine(point(i - 1, mean[i - 1]), point(i, mean[i]), IM_COL32(120, 180, 255, 255), 2);
    }
    draw->AddCircleFilled(point(i, mean[i]), 2.5f, IM_COL32(120, 180, 255, 255));
  }
  ImGui::Text("eval return %.3g .. %.3g over 0 .. %lld steps; last %.4g", lo, hi,
              static_cast<long long>(step.back()), mean.back());
}

std::optional<int64_t> DrawEpisodePicker(const RunData& d, const Playback& playback,
                                         int64_t replaying) {
  std::optional<int64_t> chosen;
  const size_t n = d.rollout_step.size();
  if (n == 0) {
    ImGui::TextDisabled("no recorded episodes yet (eval.record_episodes, docs/viewer.md)");
  }
  if (ImGui::BeginListBox("##episodes",
                          ImVec2(-FLT_MIN, 7 * ImGui::GetTextLineHeightWithSpacing()))) {
    if (ImGui::Selectable("live policy", replaying < 0)) chosen = -1;
    char label[128];
    for (size_t k = 0; k < n; ++k) {
      std::snprintf(label, sizeof(label), "eval @ %lld  #%lld  return %.4g  (%lld steps)",
                    static_cast<long long>(d.rollout_step[k]),
                    static_cast<long long>(d.rollout_episode[k]), d.rollout_return[k],
                    static_cast<long long>(d.rollout_length[k]));
      ImGui::PushID(static_cast<int>(k));
      if (ImGui::Selectable(label, replaying == static_cast<int64_t>(k))) {
        chosen = static_cast<int64_t>(k);
      }
      // the list opens scrolled to the episode being replayed
      if (replaying == static_cast<int64_t>(k) && ImGui::IsWindowAppearing()) {
        ImGui::SetScrollHereY();
      }
      ImGui::PopID();
    }
    ImGui::EndListBox();
  }
  if (playback.Replayed() && playback.Divergence() >= 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 90, 70, 255));
    ImGui::TextWrapped(
        "WARNING: the replay diverges from the recording at step %lld (reward or episode end "
        "differs): this build or env is not the one that recorded it",
        static_cast<long long>(playback.Divergence()));
    ImGui::PopStyleColor();
  }
  return chosen;
}

std::string ReplayStatus(const Playback& playback, int64_t replaying) {
  if (!playback.Replayed()) return "";
  const int64_t t = playback.Divergence();
  return ", replay of recorded episode " + std::to_string(replaying) + " at step " +
         std::to_string(playback.EpisodeStep()) + " of " +
         std::to_string(playback.Replayed()->Length()) + ": " +
         (t < 0 ? std::string("rewards match")
                : "DIVERGES from the recording at step " + std::to_string(t));
}

void DrawRunInfo(const Playback& playback, bool paused, double speed, const std::string& camera) {
  const ExperimentConfig& c = playback.Config();
  ImGui::Text("%s: %s on %s, seed %llu", playback.IsRun() ? "run" : "config", c.name.c_str(),
              c.env.id.c_str(), static_cast<unsigned long long>(c.seed));
  const std::string& ckpt = playback.Checkpoint();
  ImGui::TextWrapped("policy: %s", ckpt.empty() ? "untrained (no checkpoint)" : ckpt.c_str());
  if (const RecordedEpisode* r = playback.Replayed()) {
    ImGui::Text("replay: eval at %lld, #%lld  step %lld/%lld  return %.4g%s",
                static_cast<long long>(r->step), static_cast<long long>(r->episode),
                static_cast<long long>(playback.EpisodeStep()), static_cast<long long>(r->Length()),
                playback.EpisodeReturn(), playback.Done() ? "  (ended)" : "");
  } else {
    ImGui::Text("episode %lld  step %lld  return %.4g%s",
                static_cast<long long>(playback.Episode()),
                static_cast<long long>(playback.EpisodeStep()), playback.EpisodeReturn(),
                playback.Done() ? "  (ended)" : "");
  }
  ImGui::Text("%s  speed x%.3g%s%s", paused ? "paused" : "playing", speed,
              camera.empty() ? "" : "  camera: ", camera.c_str());
  if (ImGui::CollapsingHeader("resolved config")) {
    ImGui::TextUnformatted(playback.ConfigText().c_str());
  }
}

void DrawTermPlots(const std::vector<std::string>& names,
                   const std::vector<std::vector<float>>& traces, size_t env_terms) {
  for (size_t k = 0; k < names.size() && k < traces.size(); ++k) {
    const std::vector<float>& t = traces[k];
    const double sum = std::accumulate(t.begin(), t.end(), 0.0);
    char label[160];
    std::snprintf(label, sizeof(label), "%s %s  sum %.4g  last %.4g",
                  k < env_terms ? "env" : "module", names[k].c_str(), sum,
                  t.empty() ? 0.0 : t.back());
    ImGui::TextUnformatted(label);
    ImGui::PushID(static_cast<int>(k));
    ImGui::PlotLines("##term", t.data(), static_cast<int>(t.size()), 0, nullptr, FLT_MAX, FLT_MAX,
                     ImVec2(ImGui::GetContentRegionAvail().x, 42));
    ImGui::PopID();
  }
}

void BeginPanels(int width, int height) {
  const Rect scene = SceneRect(width, height);
  ImGui::SetNextWindowPos({scene.w, 0});
  ImGui::SetNextWindowSize({kPanelWidth, static_cast<float>(height)});
  ImGui::Begin("rewardlab", nullptr,
               ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
}

void DrawHelp() {
  ImGui::SetNextWindowPos({40, 40});
  ImGui::Begin("help (F1)", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
  ImGui::TextUnformatted(
      "Space        pause / play\n"
      "Right arrow  one step forward (while paused)\n"
      "Left arrow   one step back (while paused)\n"
      "+ / -        playback speed x2 / x0.5\n"
      "Backspace    reset the episode\n"
      "[ / ]        previous / next camera (MuJoCo)\n"
      "left drag    orbit;  right drag  pan;  wheel  zoom\n"
      "N            next episode\n"
      "Ctrl-P       screenshot (rewardlab_<frame>.png)\n"
      "F1           this help\n"
      "Esc          quit");
  ImGui::End();
}

}  // namespace rl::viewer
