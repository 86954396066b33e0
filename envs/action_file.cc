#include "envs/action_file.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace rl {
namespace {

// a number for messages: integers as integers, else the shortest round trip
std::string Show(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

// one comma-separated line of finite numbers
Vec ParseLine(std::string_view line, const std::string& where) {
  std::vector<double> values;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    std::string_view field =
        line.substr(start, comma == std::string_view::npos ? line.npos : comma - start);
    const size_t a = field.find_first_not_of(" \t\r");
    const size_t b = field.find_last_not_of(" \t\r");
    const std::string text(a == field.npos ? "" : field.substr(a, b - a + 1));
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v)) {
      const std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
      throw UserError(where + ": '" + shown +
                      "' is not a finite number (write values like 0.5,-1)");
    }
    values.push_back(v);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return Eigen::Map<Vec>(values.data(), static_cast<Eigen::Index>(values.size()));
}

// checks and adds one line (number `number`) of an action file
void AddLine(std::string_view line, const std::string& name, int64_t number, const EnvSpec& spec,
             std::vector<Vec>& actions) {
  const std::string where = name + ":" + std::to_string(number);
  if (line.size() > kMaxActionLineBytes) {
    throw UserError(where + ": line longer than " + std::to_string(kMaxActionLineBytes) +
                    " bytes; an action file has one action per line");
  }
  const size_t first = line.find_first_not_of(" \t\r");
  if (first == std::string_view::npos || line[first] == '#') return;
  if (actions.size() >= kMaxActions) {
    throw UserError(where + ": more than " + std::to_string(kMaxActions) +
                    " actions; split the file (an episode never needs that many)");
  }
  const Space& space = spec.action;
  Vec a = ParseLine(line, where);
  if (a.size() != space.Dim()) {
    throw UserError(where + ": action has " + std::to_string(a.size()) + " components; " + spec.id +
                    " expects " + std::to_string(space.Dim()) + " (" + space.ToString() + ")");
  }
  if (space.IsDiscrete() && !space.Contains(a)) {
    throw UserError(where + ": action " + Show(a[0]) + " is not a valid index of " + spec.id +
                    "'s " + space.ToString() + "; use an integer in 0.." +
                    std::to_string(space.n - 1));
  }
  actions.push_back(std::move(a));
}

}  // namespace

std::vector<Vec> ParseActionText(const std::string& text, const std::string& name,
                                 const EnvSpec& spec) {
  std::vector<Vec> actions;
  size_t pos = 0;
  for (int64_t number = 1; pos < text.size(); ++number) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    AddLine(std::string_view(text).substr(pos, end - pos), name, number, spec, actions);
    pos = end + 1;
  }
  return actions;
}

std::vector<Vec> ReadActionFile(const std::string& path, const EnvSpec& spec) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw UserError(path + ": is a folder; give the actions file (one action per line)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(path + ": cannot read the actions file (check the path)");
  std::vector<Vec> actions;
  std::streambuf* buf = in.rdbuf();
  std::string line;
  for (int64_t number = 1;; ++number) {
    // one line, stopping early when it is already too long (e.g. /dev/zero)
    line.clear();
    int c = 0;
    while ((c = buf->sbumpc()) != EOF && c != '\n') {
      line.push_back(static_cast<char>(c));
      if (line.size() > kMaxActionLineBytes) break;
    }
    if (c == EOF && line.empty()) break;
    AddLine(line, path, number, spec, actions);
    if (c == EOF) break;
  }
  return actions;
}

}  // namespace rl
