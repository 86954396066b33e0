// A GLFW window with a compatibility GL context (MuJoCo's renderer needs one) and Dear ImGui on
// its GLFW and OpenGL3 backends; frames can be read back into PNG files.
#ifndef REWARDLAB_VIEWER_WINDOW_H_
#define REWARDLAB_VIEWER_WINDOW_H_

#include <string>
#include <vector>

#include "viewer/support/playback_controls.h"

struct GLFWwindow;

namespace rl::viewer {

// The viewer's window; one per process.
class Window {
 public:
  // Opens a width x height window (hidden when `visible` is false); throws UserError when there
  // is no display.
  Window(int width, int height, bool visible);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  // Whether the user asked to close the window.
  bool ShouldClose() const;
  // Asks the window to close.
  void Close();
  // Polls events and starts an ImGui frame.
  void BeginFrame();
  // Clears the back buffer to the scene background.
  void Clear();
  // Renders the ImGui frame into the back buffer.
  void RenderUi();
  // Reads the back buffer (call after RenderUi, before Present) as RGB rows from the bottom.
  void ReadPixels(std::vector<unsigned char>& rgb) const;
  // Writes the back buffer to a PNG (call after RenderUi, before Present); throws UserError.
  void WritePng(const std::string& path) const;
  // Shows the back buffer.
  void Present();
  // Waits up to `seconds` for input (mouse, keys, window events); returns early when some arrives.
  void WaitEvents(double seconds);
  // Framebuffer width in pixels.
  int Width() const;
  // Framebuffer height in pixels.
  int Height() const;

 private:
  GLFWwindow* window_ = nullptr;
};

// The viewer keys pressed since the last frame, in a fixed order; none while an ImGui text field
// has the keyboard.
std::vector<ViewerKey> PressedKeys();

}  // namespace rl::viewer

#endif  // REWARDLAB_VIEWER_WINDOW_H_
