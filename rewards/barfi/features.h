// BARFI's fixed state features f(s) (algorithms.md §2.2): the constant 1, or the Fourier basis
//   f_c(s) = cos(π c·x̃),  c ∈ {0..n}^d (coupled) or c ∈ {0} ∪ {k e_i : 1 ≤ k ≤ n} (uncoupled),
// on the observation x̃ normalised to [0, 1]: (x − low)/(high − low), clamped, where both bounds
// are finite; ½(1 + tanh(x / unbounded_scale)) where a bound is infinite; index/(n − 1) for a
// Discrete observation. Tile coding: the constant 1, then for each of T tilings a one-hot over its
// (n+1)^d tiles, tiling j shifted by ((j·(2i+1)) mod T)/(T·n) along dimension i (asymmetric
// offsets, Sutton & Barto §9.5.4). Feature 0 is always the constant 1.
#ifndef REWARDLAB_REWARDS_BARFI_FEATURES_H_
#define REWARDLAB_REWARDS_BARFI_FEATURES_H_

#include <Eigen/Dense>
#include <string>

#include "envs/space.h"
#include "rewards/barfi/barfi_config.h"

namespace rl::barfi {

// A fixed feature map of raw observations.
class FeatureMap {
 public:
  // The map `config` over observations of `space`; throws UserError naming `key` (the features'
  // dotted key) for a basis of more than max_features features.
  FeatureMap(const BarfiFeaturesConfig& config, const Space& space, const std::string& key);

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

}  // namespace rl::barfi

#endif  // REWARDLAB_REWARDS_BARFI_FEATURES_H_
