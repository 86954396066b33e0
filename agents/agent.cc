#include "agents/agent.h"

#include <cmath>
#include <cstdio>

namespace rl {

std::string NonFiniteName(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", value);
  return buf;
}

std::string NonFiniteMetric(std::string_view agent, const std::vector<std::string>& names,
                            const MetricValues& values, size_t checked) {
  for (size_t i = 0; i < std::min(checked, values.size()); ++i) {
    if (std::isfinite(values[i])) continue;
    std::string name = i < names.size() ? names[i] : "metric " + std::to_string(i);
    if (name.rfind("losses/", 0) == 0) name.erase(0, 7);
    return std::string(agent) + " update produced a non-finite " + name + " (" +
           NonFiniteName(values[i]) + ")";
  }
  return "";
}

}  // namespace rl
