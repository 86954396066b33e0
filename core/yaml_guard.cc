#include "core/yaml_guard.h"

#include <algorithm>
#include <string_view>

#include "core/error.h"

namespace rl {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view SkipBlanks(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  return s;
}

// "---" or "..." at column 0, followed by a blank or the line's end
bool IsDocumentMarker(std::string_view line) {
  return (line.starts_with("---") || line.starts_with("...")) &&
         (line.size() == 3 || IsBlank(line[3]));
}

}  // namespace

void RejectYamlCppHazards(const std::string& text, const std::string& file) {
  bool at_document_start = true;
  size_t begin = 0;
  for (int number = 1; begin <= text.size(); ++number) {
    const size_t end = std::min(text.find('\n', begin), text.size());
    std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    if (IsDocumentMarker(line)) {
      at_document_start = true;
      line.remove_prefix(3);
    } else if (!at_document_start) {
      continue;
    }
    line = SkipBlanks(line);
    if (line.starts_with('%')) continue;  // a directive
    // node properties (tag, anchor) come before the node itself
    while (line.starts_with('!') || line.starts_with('&')) {
      while (!line.empty() && !IsBlank(line.front())) line.remove_prefix(1);
      line = SkipBlanks(line);
    }
    if (line.empty() || line.starts_with('#')) continue;
    if (line.starts_with(',')) {
      throw UserError(file + ":" + std::to_string(number) +
                      ": invalid YAML: a document cannot start with ','; write a map of settings "
                      "(key: value), as in experiments/configs/");
    }
    at_document_start = false;
  }
}

}  // namespace rl
