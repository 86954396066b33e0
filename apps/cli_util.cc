#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "apps/commands.h"
#include "core/error.h"

namespace rl {

std::string FormatNumber(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // float32 values (Gymnasium's classic-control observations) print at float32 precision
  char buf[64];
  const float f = static_cast<float>(x);
  auto [end, ec] = static_cast<double>(f) == x ? std::to_chars(buf, buf + sizeof(buf), f)
                                               : std::to_chars(buf, buf + sizeof(buf), x);
  return std::string(buf, end);
}

Vec ParseNumberList(const std::string& text, const std::string& where) {
  std::vector<double> values;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    std::string field =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    // trim spaces and a trailing carriage return
    const size_t a = field.find_first_not_of(" \t\r");
    const size_t b = field.find_last_not_of(" \t\r");
    field = a == std::string::npos ? "" : field.substr(a, b - a + 1);
    char* end = nullptr;
    const double v = std::strtod(field.c_str(), &end);
    if (field.empty() || end != field.c_str() + field.size() || !std::isfinite(v)) {
      throw UserError(where + ": '" + field +
                      "' is not a finite number (write values like 0.5,-1)");
    }
    values.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return Eigen::Map<Vec>(values.data(), static_cast<Eigen::Index>(values.size()));
}

ConfigNode OptionsFromOverrides(const std::vector<std::string>& overrides) {
  ConfigNode options;
  for (const std::string& o : overrides) ApplyOverride(options, o);
  return options;
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return;
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out)
      throw UserError(path + ": cannot write here (check the folder exists and is writable)");
    out << text;
    if (!out.flush()) throw UserError(path + ": write failed (disk full?)");
  }
  std::filesystem::rename(tmp, path);
}

void ThrowNoViewer(const std::string& what) {
  throw UserError(what +
                  " needs the viewer, and this rewardlab was built without it (-DREWARDLAB_VIEWER="
                  "OFF, or libglfw3-dev libimgui-dev libstb-dev missing: scripts/install-deps.sh "
                  "installs them; then rebuild)");
}

void HoldProcessLock(const std::string& path, const std::string& busy) {
  // the descriptor stays open for the life of the process; the kernel drops the lock at exit
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw UserError(path + ": cannot open the lock file; is the folder writable?");
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = "";
    const ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
    holder[n > 0 ? n : 0] = '\0';
    close(fd);
    throw UserError(busy + (holder[0] ? " (pid " + std::string(holder) + ")" : ""));
  }
  const std::string pid = std::to_string(getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    throw UserError(path + ": cannot write the lock file; is the disk full?");
  }
}

}  // namespace rl
