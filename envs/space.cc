#include "envs/space.h"

#include <cmath>
#include <sstream>

namespace rl {

Space Space::Box(Vec low, Vec high) {
  Space s;
  s.kind = Kind::kBox;
  s.low = std::move(low);
  s.high = std::move(high);
  return s;
}

Space Space::Box(int dim, double lo, double hi) {
  return Box(Vec::Constant(dim, lo), Vec::Constant(dim, hi));
}

Space Space::Discrete(int n) {
  Space s;
  s.kind = Kind::kDiscrete;
  s.n = n;
  return s;
}

bool Space::Contains(const Eigen::Ref<const Vec>& x) const {
  if (x.size() != Dim()) return false;
  if (IsDiscrete()) return x[0] >= 0 && x[0] < n && x[0] == std::floor(x[0]);
  for (int i = 0; i < x.size(); ++i) {
    if (!(x[i] >= low[i] && x[i] <= high[i])) return false;
  }
  return true;
}

std::string Space::ToString() const {
  if (IsDiscrete()) return "Discrete(" + std::to_string(n) + ")";
  std::ostringstream os;
  os << "Box(" << low.size() << ")";
  // print one range when all entries share it, else every entry's range
  const bool uniform = (low.array() == low[0]).all() && (high.array() == high[0]).all();
  const int shown = uniform ? std::min<int>(1, low.size()) : static_cast<int>(low.size());
  os << (uniform ? " " : " [");
  for (int i = 0; i < shown; ++i) {
    if (i) os << ", ";
    os << "[" << low[i] << ", " << high[i] << "]";
  }
  if (!uniform) os << "]";
  return os.str();
}

}  // namespace rl
