// Observation and action spaces: a Box of doubles or a Discrete set of indices (as Gymnasium).
#ifndef REWARDLAB_ENVS_SPACE_H_
#define REWARDLAB_ENVS_SPACE_H_

#include <Eigen/Dense>
#include <string>

namespace rl {

using Vec = Eigen::VectorXd;  // a double vector (observations, actions, states)
using Mat = Eigen::MatrixXd;  // a column-major double matrix; batches are (dim x n)

// A Box(low, high) of doubles or a Discrete(n) space whose element is one index stored as a double.
struct Space {
  enum class Kind { kBox, kDiscrete };

  Kind kind = Kind::kBox;
  Vec low;    // (dim) lower bounds of a Box, -inf where unbounded
  Vec high;   // (dim) upper bounds of a Box, +inf where unbounded
  int n = 0;  // number of choices of a Discrete space

  // A Box with the given bounds.
  static Space Box(Vec low, Vec high);
  // A Box of `dim` entries, each in [lo, hi].
  static Space Box(int dim, double lo, double hi);
  // A Discrete space of `n` choices 0..n-1.
  static Space Discrete(int n);

  // True for Discrete.
  bool IsDiscrete() const { return kind == Kind::kDiscrete; }
  // Entries of an element: the Box dimension, or 1 for Discrete.
  int Dim() const { return IsDiscrete() ? 1 : static_cast<int>(low.size()); }
  // Whether x is an element: right size, within bounds (inclusive), an integer index if Discrete.
  bool Contains(const Eigen::Ref<const Vec>& x) const;
  // Gymnasium-like text, e.g. "Box(4) [-4.8, 4.8] x [-inf, inf] ..." or "Discrete(2)".
  std::string ToString() const;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_SPACE_H_
