#include "core/rng.h"

#include <catch2/catch.hpp>
#include <cmath>

namespace rl {
namespace {

TEST_CASE("rng streams are reproducible and independent", "[unit]") {
  Rng a(7, RngStream::kEnv, 0), b(7, RngStream::kEnv, 0), c(7, RngStream::kEnv, 1),
      d(8, RngStream::kEnv, 0);
  const uint64_t first = a.Next();
  REQUIRE(first == b.Next());
  REQUIRE(first != c.Next());
  REQUIRE(first != d.Next());
}

TEST_CASE("rng uniform and normal have the right moments", "[unit]") {
  Rng rng(1);
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.Uniform();
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    su += u;
    su2 += u * u;
    const double z = rng.Normal();
    sn += z;
    sn2 += z * z;
  }
  CHECK(std::abs(su / n - 0.5) < 0.005);
  CHECK(std::abs(su2 / n - 1.0 / 3.0) < 0.005);
  CHECK(std::abs(sn / n) < 0.01);
  CHECK(std::abs(sn2 / n - 1.0) < 0.015);
}

TEST_CASE("rng normal pairs: the first is Normal()'s draw, both standard and uncorrelated",
          "[unit]") {
  Rng rng(2), copy(2);
  const int n = 200000;
  double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  for (int i = 0; i < n; ++i) {
    double a, b;
    rng.NormalPair(a, b);
    REQUIRE(a == copy.Normal());
    copy = rng;
    sa += a;
    sb += b;
    saa += a * a;
    sbb += b * b;
    sab += a * b;
  }
  CHECK(std::abs(sa / n) < 0.01);
  CHECK(std::abs(sb / n) < 0.01);
  CHECK(std::abs(saa / n - 1.0) < 0.015);
  CHECK(std::abs(sbb / n - 1.0) < 0.015);
  CHECK(std::abs(sab / n) < 0.01);
}

TEST_CASE("rng integers cover the range uniformly", "[unit]") {
  Rng rng(3);
  int counts[5] = {0, 0, 0, 0, 0};
  for (int i = 0; i < 50000; ++i) ++counts[rng.UniformInt(5)];
  for (int c : counts) CHECK(std::abs(c - 10000) < 400);
}

TEST_CASE("rng state round-trips", "[unit]") {
  Rng rng(11);
  rng.Next();
  const auto state = rng.State();
  const uint64_t expect = rng.Next();
  Rng other(0);
  other.SetState(state);
  REQUIRE(other.Next() == expect);
}

}  // namespace
}  // namespace rl
