#include "core/error.h"

#include <algorithm>
#include <cctype>

namespace rl {

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(a[i - 1]) == std::tolower(b[j - 1]);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates) {
  // keep candidates within a third of the word's length, closest first
  const int budget = std::max<int>(2, static_cast<int>(word.size()) / 3);
  std::vector<std::pair<int, std::string>> scored;
  for (const std::string& c : candidates) {
    int d = EditDistance(word, c);
    const bool prefix = !word.empty() && c.size() >= word.size() &&
                        std::equal(word.begin(), word.end(), c.begin(), [](char x, char y) {
                          return std::tolower(x) == std::tolower(y);
                        });
    if (prefix) d = std::min(d, 1);
    if (d <= budget) scored.emplace_back(d, c);
  }
  if (scored.empty()) return "";
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::string out = " (did you mean '" + scored[0].second + "'";
  if (scored.size() > 1 && scored[1].first == scored[0].first)
    out += " or '" + scored[1].second + "'";
  return out + "?)";
}

}  // namespace rl
