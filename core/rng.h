// Seeded random numbers: xoshiro256++ with splitmix64 seeding, one independent stream per purpose.
//
// Streams: every consumer derives its generator from (experiment seed, stream kind, index), so
// adding draws in one place never shifts the numbers another place sees. The kinds are listed in
// RngStream; env slot i of a vectorised env uses Rng(seed, RngStream::kEnv, i), its evaluation twin
// Rng(seed, RngStream::kEvalEnv, i). Distributions are implemented here (not <random>'s), so the
// numbers are identical across compilers and standard libraries.
#ifndef REWARDLAB_CORE_RNG_H_
#define REWARDLAB_CORE_RNG_H_

#include <array>
#include <cstdint>

namespace rl {

// The purpose of a random stream; the value is part of the seed derivation, so never renumber.
enum class RngStream : uint64_t {
  kEnv = 1,      // index = env slot of the training VecEnv (resets, slip, noise)
  kEvalEnv = 2,  // index = env slot of the evaluation VecEnv
  kAgent = 3,    // index 0: network init; 1: exploration; 2: minibatch shuffling / replay sampling;
                 // 3: second network init; 16 + k: exploration of rollout shard k > 0
  kReward = 4,   // index = reward module position in the pipeline
  kCli = 5,      // random actions of check-env and other tools
};

// xoshiro256++ generator with portable uniform, normal and integer draws.
class Rng {
 public:
  // A generator for `seed` alone (stream 0, index 0).
  explicit Rng(uint64_t seed = 0) : Rng(seed, 0, 0) {}
  // The generator of stream `stream`, member `index`, derived from the experiment seed.
  Rng(uint64_t seed, RngStream stream, uint64_t index)
      : Rng(seed, static_cast<uint64_t>(stream), index) {}

  // Next raw 64-bit value.
  uint64_t Next();
  // Uniform double in [0, 1) with 53 random bits.
  double Uniform();
  // Uniform double in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // Standard normal draw (Box-Muller, no cached second value: the state is the 4 words alone).
  double Normal();
  // Two independent standard normals from one Box-Muller draw: a is what Normal() would return,
  // b its sine partner (half the logs and square roots of two Normal() calls).
  void NormalPair(double& a, double& b);
  // Uniform integer in [0, n), unbiased (Lemire's method with rejection).
  uint64_t UniformInt(uint64_t n);

  // The full generator state, for checkpoints.
  const std::array<uint64_t, 4>& State() const { return s_; }
  // Restores a state returned by State().
  void SetState(const std::array<uint64_t, 4>& s) { s_ = s; }

 private:
  Rng(uint64_t seed, uint64_t stream, uint64_t index);
  std::array<uint64_t, 4> s_;
};

}  // namespace rl

#endif  // REWARDLAB_CORE_RNG_H_
