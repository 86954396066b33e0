// The viewer's panels: run info and resolved config, the learning curve from the run file (re-read
// every few seconds, so a run still training updates), the picker of recorded episodes, and a
// per-step plot of every reward term of the current episode.
#ifndef REWARDLAB_VIEWER_PANELS_H_
#define REWARDLAB_VIEWER_PANELS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/run_file.h"
#include "viewer/support/playback.h"

namespace rl::viewer {

// A run file's contents, refreshed while its writer runs.
class RunCurve {
 public:
  // Reads `path` ("" = no run file); throws UserError when it is missing, corrupt or foreign.
  explicit RunCurve(std::string path);
  // Re-reads the file when `period` has passed since the last read and the writer has not
  // finished; a failed re-read keeps the old data and shows the error.
  void Refresh(std::chrono::steady_clock::duration period);
  // The last data read.
  const RunData& Data() const { return data_; }
  // Draws the eval return curve (mean and ± std) against env steps.
  void Draw() const;

 private:
  std::string path_;
  RunData data_;
  std::string error_;
  std::chrono::steady_clock::time_point last_read_;
};

// The episode picker: "live policy" and every recorded evaluation episode of the run (eval step,
// return), with a warning when a replay diverges from its recording. `replaying` is the row being
// replayed (-1 = live); returns the row chosen this frame (-1 = live policy), if any.
std::optional<int64_t> DrawEpisodePicker(const RunData& data, const Playback& playback,
                                         int64_t replaying);
// ", replay of recorded episode K: rewards match" (or where they diverge); "" while live.
std::string ReplayStatus(const Playback& playback, int64_t replaying);
// Run info (source, env, agent, checkpoint, episode) and the resolved config.
void DrawRunInfo(const Playback& playback, bool paused, double speed, const std::string& camera);
// One plot per reward term of an episode (`traces[term][step]`, the first `env_terms` the env's,
// then each module's), with its sum so far and last value.
void DrawTermPlots(const std::vector<std::string>& names,
                   const std::vector<std::vector<float>>& traces, size_t env_terms);
// The eval return curve: mean (line) and ± std (bars) against env steps.
void DrawEvalCurve(const std::vector<int64_t>& step, const std::vector<double>& mean,
                   const std::vector<double>& std);
// Starts the panel column on the right of a window of this size; end it with ImGui::End().
void BeginPanels(int width, int height);
// The key help overlay (F1).
void DrawHelp();

}  // namespace rl::viewer

#endif  // REWARDLAB_VIEWER_PANELS_H_
