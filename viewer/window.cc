#include "viewer/window.h"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <cstdlib>
#include <vector>

#include "core/error.h"
#include "viewer/layout.h"

namespace rl::viewer {
namespace {

// the last GLFW error, for the one-line message when the window cannot open
std::string& LastGlfwError() {
  static std::string error;
  return error;
}

}  // namespace

Window::Window(int width, int height, bool visible) {
  glfwSetErrorCallback([](int, const char* text) { LastGlfwError() = text; });
  const char* display = std::getenv("DISPLAY");
  if (!display || !*display || !glfwInit()) {
    throw UserError(
        "no display available (" +
        (LastGlfwError().empty() ? "DISPLAY is not set" : LastGlfwError()) +
        "); for a headless picture run `xvfb-run -a rewardlab view ... --screenshot FILE.png`");
  }
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
  window_ = glfwCreateWindow(width, height, "rewardlab view", nullptr, nullptr);
  if (!window_) {
    glfwTerminate();
    throw UserError("cannot open a window (" + LastGlfwError() +
                    "); for a headless picture run `xvfb-run -a rewardlab view ... --screenshot "
                    "FILE.png`");
  }
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(visible ? 1 : 0);
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::StyleColorsDark();
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 130");
}

Window::~Window() {
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

bool Window::ShouldClose() const { return glfwWindowShouldClose(window_); }

void Window::Close() { glfwSetWindowShouldClose(window_, GLFW_TRUE); }

void Window::BeginFrame() {
  glfwPollEvents();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
}

void Window::Clear() {
  glViewport(0, 0, Width(), Height());
  glClearColor(kBackgroundRgb.r / 255.0f, kBackgroundRgb.g / 255.0f, kBackgroundRgb.b / 255.0f, 1);
  glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT);
}

void Window::RenderUi() {
  ImGui::Render();
  glViewport(0, 0, Width(), Height());
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
}

void Window::ReadPixels(std::vector<unsigned char>& rgb) const {
  const int w = Width(), h = Height();
  rgb.resize(static_cast<size_t>(3) * w * h);
  // read back before the swap; GL's origin is the bottom left
  glFinish();
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, rgb.data());
}

void Window::WritePng(const std::string& path) const {
  const int w = Width(), h = Height();
  std::vector<unsigned char> rgb;
  ReadPixels(rgb);
  stbi_flip_vertically_on_write(1);
  if (!stbi_write_png(path.c_str(), w, h, 3, rgb.data(), 3 * w)) {
    throw UserError(path + ": cannot write the screenshot");
  }
}

void Window::Present() { glfwSwapBuffers(window_); }

void Window::WaitEvents(double seconds) {
  if (seconds > 0) glfwWaitEventsTimeout(seconds);
}

int Window::Width() const {
  int w, h;
  glfwGetFramebufferSize(window_, &w, &h);
  return w;
}

int Window::Height() const {
  int w, h;
  glfwGetFramebufferSize(window_, &w, &h);
  return h;
}

std::vector<ViewerKey> PressedKeys() {
  // ImGui 1.86 indexes keys by GLFW code; stepping and speed keys repeat while held
  struct Binding {
    int code;
    bool repeat;
    ViewerKey key;
  };
  static constexpr Binding kBindings[] = {
      {GLFW_KEY_SPACE, false, ViewerKey::kSpace},
      {GLFW_KEY_RIGHT, true, ViewerKey::kRight},
      {GLFW_KEY_LEFT, true, ViewerKey::kLeft},
      {GLFW_KEY_EQUAL, true, ViewerKey::kPlus},
      {GLFW_KEY_KP_ADD, true, ViewerKey::kPlus},
      {GLFW_KEY_MINUS, true, ViewerKey::kMinus},
      {GLFW_KEY_KP_SUBTRACT, true, ViewerKey::kMinus},
      {GLFW_KEY_BACKSPACE, false, ViewerKey::kBackspace},
      {GLFW_KEY_N, false, ViewerKey::kNextEpisode},
      {GLFW_KEY_LEFT_BRACKET, false, ViewerKey::kPrevCamera},
      {GLFW_KEY_RIGHT_BRACKET, false, ViewerKey::kNextCamera},
      {GLFW_KEY_F1, false, ViewerKey::kHelp},
      {GLFW_KEY_ESCAPE, false, ViewerKey::kQuit},
  };
  std::vector<ViewerKey> keys;
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return keys;
  for (const Binding& b : kBindings) {
    if (ImGui::IsKeyPressed(b.code, b.repeat)) keys.push_back(b.key);
  }
  if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_P, false)) keys.push_back(ViewerKey::kScreenshot);
  return keys;
}

}  // namespace rl::viewer
