// `rewardlab view RUN_DIR|CONFIG [--screenshot FILE.png] [--frames N] [--episode K] [--replay K]
// [--stochastic] [--paused] [--init-state X,...]`: watches a run's newest checkpoint (or a config's
// untrained policy) in the viewer (viewer/, built when GLFW, ImGui and stb are installed).
// `rewardlab record RUN_DIR|CONFIG --out FILE.mp4 [--episode K] [--fps N] [--max-frames N]`:
// the same picture, one episode, as a video through ffmpeg.
#include <memory>

#include "apps/commands.h"
#include "core/error.h"
#ifdef REWARDLAB_HAVE_VIEWER
#include "viewer/viewer.h"
#endif

namespace rl {
namespace {

// The flags of `view`, as parsed.
struct ViewArgs {
  std::string source;
  std::string screenshot;
  int frames = 60;
  int64_t episode = 0;
  int64_t replay = -1;
  bool stochastic = false;
  bool paused = false;
  std::string init_state;
  std::string video;
  int fps = 30;
  std::string heat = "visits";
};

void RunView(const ViewArgs& args) {
#ifdef REWARDLAB_HAVE_VIEWER
  ViewerOptions options;
  options.source = args.source;
  options.screenshot = args.screenshot;
  options.frames = args.frames;
  options.episode = args.episode;
  options.replay = args.replay;
  options.stochastic = args.stochastic;
  options.paused = args.paused;
  options.video = args.video;
  options.heat = args.heat;
  options.fps = args.fps;
  if (!args.init_state.empty())
    options.init_state = ParseNumberList(args.init_state, "--init-state");
  RunViewer(options);
#else
  ThrowNoViewer(args.video.empty() ? "rewardlab view" : "rewardlab record");
#endif
}

}  // namespace

void AddViewCommand(CLI::App& app) {
  auto args = std::make_shared<ViewArgs>();
  CLI::App* cmd = app.add_subcommand(
      "view", "watch a run's newest checkpoint (or a config's untrained policy)");
  cmd->add_option("source", args->source, "run folder or YAML experiment config")->required();
  cmd->add_option("--screenshot", args->screenshot,
                  "draw --frames frames in a hidden window, write this PNG and exit");
  cmd->add_option("--frames", args->frames, "frames before the screenshot (one env step each)")
      ->check(CLI::Range(1, 1000000));
  cmd->add_option("--episode", args->episode, "first episode; episode k resets with seed k")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--replay", args->replay,
                  "replay recorded evaluation episode K of the run (0 = the first in run.h5 "
                  "/rollouts) instead of the live policy")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--stochastic", args->stochastic,
                "sample actions instead of the deterministic ones");
  cmd->add_flag("--paused", args->paused, "start paused on the reset state");
  cmd->add_option(
      "--heat", args->heat,
      "gridworld heat map: visits (default), value, potential (of a pbrs module), none");
  cmd->add_option("--init-state", args->init_state,
                  "physical state every episode starts from, comma-separated (`envs` lists names)");
  cmd->callback([args] { RunView(*args); });
}

void AddRecordCommand(CLI::App& app) {
  auto args = std::make_shared<ViewArgs>();
  args->frames = 3000;
  CLI::App* cmd = app.add_subcommand(
      "record", "write a video of one episode of a run's newest checkpoint (or a config's policy)");
  cmd->add_option("source", args->source, "run folder or YAML experiment config")->required();
  cmd->add_option("--out", args->video, "the video file (MP4, H.264 through ffmpeg)")->required();
  cmd->add_option("--episode", args->episode, "the episode; episode k resets with seed k")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--fps", args->fps, "frames per second; the video plays in real time")
      ->check(CLI::Range(1, 240));
  cmd->add_option("--max-frames", args->frames, "stop after this many frames")
      ->check(CLI::Range(1, 1000000));
  cmd->add_flag("--stochastic", args->stochastic,
                "sample actions instead of the deterministic ones");
  cmd->add_option("--init-state", args->init_state, "physical state the episode starts from");
  cmd->callback([args] { RunView(*args); });
}

}  // namespace rl
