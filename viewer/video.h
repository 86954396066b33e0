// Writes frames to a video file through an ffmpeg process (Debian's ffmpeg, H.264 in MP4), fed
// raw RGB frames on its standard input.
#ifndef REWARDLAB_VIEWER_VIDEO_H_
#define REWARDLAB_VIEWER_VIDEO_H_

#include <cstdio>
#include <string>
#include <vector>

namespace rl::viewer {

// An ffmpeg pipe; frames are width x height RGB rows from the bottom (as glReadPixels gives them).
class VideoWriter {
 public:
  // Starts ffmpeg writing `path` at `fps`; throws UserError when ffmpeg is not installed.
  VideoWriter(const std::string& path, int width, int height, int fps);
  // Closes the pipe if Finish was not called (the file may be incomplete).
  ~VideoWriter();
  VideoWriter(const VideoWriter&) = delete;
  VideoWriter& operator=(const VideoWriter&) = delete;

  // Appends one frame; throws UserError when ffmpeg has stopped.
  void Write(const std::vector<unsigned char>& rgb);
  // Waits for ffmpeg to finish the file; throws UserError when it failed.
  void Finish();
  // Frames written so far.
  int Frames() const { return frames_; }

 private:
  std::string path_;
  std::FILE* pipe_ = nullptr;
  size_t frame_bytes_;
  int frames_ = 0;
};

}  // namespace rl::viewer

#endif  // REWARDLAB_VIEWER_VIDEO_H_
