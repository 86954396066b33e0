#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include "apps/commands.h"
#include "core/error.h"
#include "loop/checkpointer.h"

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

namespace {

// the kind of a non-regular file, for messages
std::string KindOf(const std::filesystem::file_status& st) {
  namespace fs = std::filesystem;
  switch (st.type()) {
    case fs::file_type::directory:
      return "a folder";
    case fs::file_type::symlink:
      return "a symbolic link";
    case fs::file_type::fifo:
      return "a FIFO";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::character:
    case fs::file_type::block:
      return "a device";
    default:
      return "not a regular file";
  }
}

// writes all of `text` to `fd`, retrying short writes; false on an error (errno set)
bool WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

void FlushStdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    const std::string reason = std::strerror(errno != 0 ? errno : EIO);
    std::clearerr(stdout);
    throw UserError("stdout: cannot write (" + reason + ")");
  }
}

void WriteFileAtomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    FlushStdout();
    return;
  }
  // only a regular file is replaced: never a link, FIFO, device or folder
  std::error_code ec;
  const fs::file_status st = fs::symlink_status(path, ec);
  if (!ec && st.type() != fs::file_type::not_found && st.type() != fs::file_type::regular) {
    throw UserError(path + ": is " + KindOf(st) +
                    ", not a regular file; give the path of a file to write");
  }
  const std::string tmp = path + ".tmp";
  const fs::file_status tmp_st = fs::symlink_status(tmp, ec);
  if (!ec && tmp_st.type() != fs::file_type::not_found && tmp_st.type() != fs::file_type::regular) {
    throw UserError(tmp + ": is " + KindOf(tmp_st) + "; remove it, it is in the way of " + path);
  }
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw UserError(path + ": cannot write here (" + std::strerror(errno) +
                    "; check the folder exists and is writable)");
  }
  // every step checked; on any failure the temporary goes and the target is untouched
  const bool ok = WriteAll(fd, text) && fsync(fd) == 0;
  const int saved = errno;
  const bool closed = close(fd) == 0;
  if (!ok || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(!ok ? saved : errno);
    unlink(tmp.c_str());
    throw UserError(path + ": cannot write (" + reason + "); nothing was written");
  }
  const fs::path parent = fs::path(path).parent_path();
  const int dir = open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
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

int64_t CheckpointStep(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  if (!name.starts_with("step_") || path.extension() != ".h5") return -1;
  try {
    return std::stoll(name.substr(5, name.size() - 8));
  } catch (const std::exception&) {
    return -1;
  }
}

std::string FindCheckpoint(const std::string& run_dir, std::optional<int64_t> step) {
  const std::string dir = run_dir + "/checkpoints";
  const std::string latest = Checkpointer::Latest(dir);
  if (latest.empty()) {
    throw UserError(run_dir + ": no checkpoint in " + dir +
                    "; train the run (or `train --resume` it) until it writes one");
  }
  if (!step) return latest;
  std::vector<int64_t> steps;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const int64_t s = CheckpointStep(entry.path());
    if (s == *step) return entry.path().string();
    if (s >= 0) steps.push_back(s);
  }
  std::sort(steps.begin(), steps.end());
  std::string list;
  for (int64_t s : steps) list += (list.empty() ? "" : ", ") + std::to_string(s);
  throw UserError(dir + ": no checkpoint at step " + std::to_string(*step) +
                  "; --checkpoint takes one of: " + list);
}

std::pair<double, double> MeanStd(const std::vector<double>& x) {
  double sum = 0.0, sq = 0.0;
  for (double v : x) sum += v;
  const double mean = sum / x.size();
  for (double v : x) sq += (v - mean) * (v - mean);
  return {mean, std::sqrt(sq / x.size())};
}

}  // namespace rl
