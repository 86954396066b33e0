#include "core/rng.h"

#include <cmath>

namespace rl {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(uint64_t seed, uint64_t stream, uint64_t index) {
  // hash (seed, stream, index) into one word, then expand it with splitmix64
  uint64_t x = seed;
  uint64_t h = SplitMix64(x);
  x = h ^ (stream * 0xd1b54a32d192ed03ULL);
  h = SplitMix64(x);
  x = h ^ (index * 0x8cb92ba72f3d8dd7ULL);
  for (uint64_t& w : s_) w = SplitMix64(x);
}

uint64_t Rng::Next() {
  const uint64_t result = Rotl(s_[0] + s_[3], 23) + s_[0];
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double Rng::Normal() {
  // 1 - U lies in (0, 1], so the log is finite
  const double u1 = 1.0 - Uniform();
  const double u2 = Uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

void Rng::NormalPair(double& a, double& b) {
  const double r = std::sqrt(-2.0 * std::log(1.0 - Uniform()));
  const double angle = 2.0 * M_PI * Uniform();
  a = r * std::cos(angle);
  b = r * std::sin(angle);
}

uint64_t Rng::UniformInt(uint64_t n) {
  if (n <= 1) return 0;
  __uint128_t m = static_cast<__uint128_t>(Next()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = -n % n;
    while (low < threshold) {
      m = static_cast<__uint128_t>(Next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

}  // namespace rl
