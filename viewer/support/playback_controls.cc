#include "viewer/support/playback_controls.h"

#include <algorithm>

namespace rl {

bool PlaybackControls::Press(ViewerKey key, Playback& playback) {
  switch (key) {
    case ViewerKey::kSpace:
      paused = !paused;
      return false;
    case ViewerKey::kRight:
      if (!paused) return false;
      playback.Step();
      return true;
    case ViewerKey::kLeft:
      if (paused) playback.StepBack();
      return false;
    case ViewerKey::kPlus:
      speed = std::min(speed * 2, kMaxSpeed);
      return false;
    case ViewerKey::kMinus:
      speed = std::max(speed / 2, kMinSpeed);
      return false;
    case ViewerKey::kBackspace:
      playback.Restart();
      return false;
    case ViewerKey::kNextEpisode:
      playback.Reset(playback.Episode() + 1);
      return false;
    case ViewerKey::kPrevCamera:
      camera = -1;
      return false;
    case ViewerKey::kNextCamera:
      camera = 1;
      return false;
    case ViewerKey::kHelp:
      help = !help;
      return false;
    case ViewerKey::kScreenshot:
      screenshot = true;
      return false;
    case ViewerKey::kQuit:
      quit = true;
      return false;
  }
  return false;
}

}  // namespace rl
