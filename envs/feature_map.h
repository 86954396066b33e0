// Fixed state features f(s), BARFI's (algorithms.md §2.2) for r_φ and for REINFORCE's linear
// policies: the constant 1, or the Fourier basis
//   f_c(s) = cos(π c·x̃),  c ∈ {0..n}^d (coupled) or c ∈ {0} ∪ {k e_i : 1 ≤ k ≤ n} (uncoupled),
// on the observation x̃ normalised to [0, 1]: (x − low)/(high − low), clamped, where both bounds
// are finite; ½(1 + tanh(x / unbounded_scale)) where a bound is infinite; index/(n − 1) for a
// Discrete observation. Tile coding: the constant 1, then for each of T tilings a one-hot over its
// (n+1)^d tiles, tiling j shifted by ((j·(2i+1)) mod T)/(T·n) along dimension i (asymmetric
// offsets, Sutton & Barto §9.5.4). Feature 0 is always the constant 1.
#ifndef REWARDLAB_ENVS_FEATURE_MAP_H_
#define REWARDLAB_ENVS_FEATURE_MAP_H_

#include <Eigen/Dense>
#include <string>

#include "core/config.h"
#include "envs/space.h"

namespace rl {

// The `features:` section: which fixed map f(s).
struct FeatureMapConfig {
  std::string type = "fourier";  // none | constant | fourier | tile
  int order = 3;                 // n of the Fourier basis
  bool coupled = true;           // all (n+1)^d frequency vectors, or 1 + n·d uncoupled ones
  int tiles = 4;                 // tiles per dimension of one tiling
  int tilings = 5;               // offset tilings
  double unbounded_scale = 1.0;  // s of x̃ = ½(1 + tanh(x/s)) on unbounded dimensions
  int max_features = 4096;       // refuse a basis larger than this

  // The section with type none (the raw observation, where the owner allows it).
  static FeatureMapConfig None() {
    FeatureMapConfig c;
    c.type = "none";
    return c;
  }

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("type", type,
      "none (the raw observation; not for barfi), constant (f = 1: state-independent weights), "
      "fourier (cos(pi c.x) on the observation normalised to [0,1]), tile (tile coding of the "
      "normalised observation, plus a constant)",
      Check::OneOf({"none", "constant", "fourier", "tile"}));
    v("order", order, "highest frequency n of the Fourier basis", Check::Range(0, 64));
    v("coupled", coupled,
      "fourier: every frequency vector c in {0..n}^d ((n+1)^d features); false: one dimension at "
      "a time (1 + n d features)");
    v("tiles", tiles, "tile: tiles per dimension of each tiling", Check::Range(1, 1024));
    v("tilings", tilings, "tile: tilings, each offset by a fraction of a tile",
      Check::Range(1, 1024));
    v("unbounded_scale", unbounded_scale,
      "an observation dimension without finite bounds is squashed as (1 + tanh(x / scale)) / 2",
      Check::Positive());
    v("max_features", max_features, "refuse a feature map with more features than this",
      Check::Range(1, 1 << 20));
  }
};

// A fixed feature map of raw observations.
class FeatureMap {
 public:
  // The map `config` over observations of `space`; throws UserError naming `key` (the features'
  // dotted key) for type none or a basis of more than max_features features.
  FeatureMap(const FeatureMapConfig& config, const Space& space, const std::string& key);

  // Number of features F.
  int Size() const { return size_; }
  // Writes f of every observation column (obs_dim x B) into f (F x B).
  void Compute(const Eigen::Ref<const Eigen::MatrixXf>& obs, Eigen::MatrixXf& f) const;
  // Writes the normalised observations x̃ (obs_dim x B), each entry in [0, 1].
  void Normalize(const Eigen::Ref<const Eigen::MatrixXf>& obs, Eigen::MatrixXf& x) const;

 private:
  int size_ = 1;                 // F
  Eigen::MatrixXf freq_;         // (F x obs_dim) Fourier frequency vectors c, row 0 = 0
  int tiles_ = 0;                // n of tile coding; 0 = Fourier or constant
  Eigen::MatrixXf offsets_;      // (tilings x obs_dim) tile coding shifts, in tiles
  Eigen::VectorXf low_, width_;  // (obs_dim) finite bounds; width 0 = squash with tanh
  float squash_ = 1.0f;          // 1 / unbounded_scale
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_FEATURE_MAP_H_
