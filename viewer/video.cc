#include "viewer/video.h"

#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>

#include "core/error.h"

namespace rl::viewer {
namespace {

// single-quoted for /bin/sh
std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

VideoWriter::VideoWriter(const std::string& path, int width, int height, int fps)
    : path_(path), frame_bytes_(static_cast<size_t>(3) * width * height) {
  if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) {
    throw UserError("ffmpeg is not installed (apt-get install ffmpeg, or scripts/install-deps.sh)");
  }
  // raw frames come bottom row first: flip them; yuv420p needs even sizes
  const std::string command =
      "ffmpeg -loglevel error -y -f rawvideo -pix_fmt rgb24 -s " + std::to_string(width) + "x" +
      std::to_string(height) + " -r " + std::to_string(fps) +
      " -i - -vf 'vflip,pad=ceil(iw/2)*2:ceil(ih/2)*2' -c:v libx264 -pix_fmt yuv420p "
      "-movflags +faststart " +
      ShellQuote(path);
  // a failed ffmpeg must give an error, not kill this process with SIGPIPE
  signal(SIGPIPE, SIG_IGN);
  pipe_ = popen(command.c_str(), "w");
  if (!pipe_) throw UserError(path + ": cannot start ffmpeg");
}

VideoWriter::~VideoWriter() {
  if (pipe_) pclose(pipe_);
}

void VideoWriter::Write(const std::vector<unsigned char>& rgb) {
  if (rgb.size() != frame_bytes_ || std::fwrite(rgb.data(), 1, rgb.size(), pipe_) != rgb.size()) {
    throw UserError(path_ + ": ffmpeg stopped taking frames");
  }
  ++frames_;
}

void VideoWriter::Finish() {
  const int status = pclose(pipe_);
  pipe_ = nullptr;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw UserError(path_ + ": ffmpeg could not write the video (exit status " +
                    std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
}

}  // namespace rl::viewer
