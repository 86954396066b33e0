// The viewer's keys as in MuJoCo's `simulate` (docs/viewer.md), independent of the window system:
// the GLFW layer in viewer/ maps key codes to ViewerKey and calls Press, so the semantics are
// tested without a keyboard or a display.
#ifndef REWARDLAB_VIEWER_SUPPORT_PLAYBACK_CONTROLS_H_
#define REWARDLAB_VIEWER_SUPPORT_PLAYBACK_CONTROLS_H_

#include "viewer/support/playback.h"

namespace rl {

// A key the viewer reacts to.
enum class ViewerKey {
  kSpace,        // pause / play
  kRight,        // one step forward (while paused)
  kLeft,         // one step back (while paused)
  kPlus,         // playback speed x2
  kMinus,        // playback speed x0.5
  kBackspace,    // restart the episode
  kNextEpisode,  // N: the next live episode
  kPrevCamera,   // [
  kNextCamera,   // ]
  kHelp,         // F1: the help overlay
  kScreenshot,   // Ctrl-P
  kQuit,         // Esc
};

// The playback state the keys change, and what they ask the window to do.
struct PlaybackControls {
  // Slowest and fastest playback speed (1 = real time).
  static constexpr double kMinSpeed = 1.0 / 64, kMaxSpeed = 64;

  bool paused = false;      // no steps until played again (→ and ← still step)
  double speed = 1;         // playback speed factor
  bool help = false;        // the help overlay is shown
  int camera = 0;           // camera change asked for since the last frame: -1, 0, +1
  bool screenshot = false;  // a screenshot was asked for since the last frame
  bool quit = false;        // the window should close

  // Applies one key press to this state and to `playback`; returns whether the playback took a
  // step forward (a new state to count, e.g. for a visitation heat map).
  bool Press(ViewerKey key, Playback& playback);
};

}  // namespace rl

#endif  // REWARDLAB_VIEWER_SUPPORT_PLAYBACK_CONTROLS_H_
