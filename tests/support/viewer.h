// Helpers for viewer tests: run `rewardlab view` under Xvfb, and read its PNGs back.
#ifndef REWARDLAB_TESTS_SUPPORT_VIEWER_H_
#define REWARDLAB_TESTS_SUPPORT_VIEWER_H_

#include <stb_image.h>

#include <array>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/cli.h"
#include "viewer/layout.h"

namespace rl::testing {

// Whether xvfb-run is installed (scripts/install-deps.sh installs it).
inline bool HaveXvfb() { return std::system("command -v xvfb-run >/dev/null 2>&1") == 0; }

// Runs `rewardlab ARGS` inside a fresh 1280x720x24 Xvfb server; retries when parallel tests raced
// for the same display number (xvfb-run -a picks one without locking it).
inline CliResult RunCliUnderXvfb(const std::string& args) {
  CliResult r;
  for (int attempt = 0; attempt < 3; ++attempt) {
    r = RunCli(args, "xvfb-run -a -s \"-screen 0 1280x720x24\" ");
    if (r.out.find("Xvfb failed to start") == std::string::npos) break;
  }
  return r;
}

// An RGB image read back from a PNG.
struct Image {
  int width = 0, height = 0;       // pixels
  std::vector<unsigned char> rgb;  // row-major from the top, 3 bytes per pixel
  // The pixel at (x, y), origin at the top left.
  std::array<int, 3> At(int x, int y) const {
    const size_t i = 3 * (static_cast<size_t>(y) * width + x);
    return {rgb[i], rgb[i + 1], rgb[i + 2]};
  }
  // Variance of the grey level over the columns [x0, x1): 0 for a blank picture.
  double Variance(int x0, int x1) const {
    double sum = 0, sum2 = 0, n = 0;
    for (int y = 0; y < height; ++y) {
      for (int x = x0; x < x1; ++x) {
        const std::array<int, 3> p = At(x, y);
        const double g = (p[0] + p[1] + p[2]) / 3.0;
        sum += g, sum2 += g * g, n += 1;
      }
    }
    return sum2 / n - (sum / n) * (sum / n);
  }
};

// Whether a pixel has the colour of the gridworld agent's disc.
inline bool IsAgentColour(const std::array<int, 3>& p) {
  const viewer::Rgb a = viewer::kAgentRgb;
  return std::abs(p[0] - a.r) <= 2 && std::abs(p[1] - a.g) <= 2 && std::abs(p[2] - a.b) <= 2;
}

// Reads an RGB PNG; width 0 when it cannot be read.
inline Image ReadPng(const std::string& path) {
  Image image;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &image.width, &image.height, &channels, 3);
  if (!data) return Image{};
  image.rgb.assign(data, data + static_cast<size_t>(3) * image.width * image.height);
  stbi_image_free(data);
  return image;
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_VIEWER_H_
