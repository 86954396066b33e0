#include "agents/gae.h"

#include <catch2/catch.hpp>
#include <cmath>

#include "core/rng.h"

namespace rl {
namespace {

// The textbook definition: A_t = Σ_k (γλ)^k δ_{t+k} summed forward until the episode ends.
float NaiveAdvantage(const GaeInput& in, int t, int n, float gamma, float lambda, bool bootstrap) {
  double sum = 0.0, weight = 1.0;
  for (int k = t; k < in.rewards.rows(); ++k) {
    const bool terminal = in.terminated(k, n) || (!bootstrap && in.truncated(k, n));
    const double delta =
        in.rewards(k, n) + (terminal ? 0.0 : gamma * in.next_values(k, n)) - in.values(k, n);
    sum += weight * delta;
    if (in.terminated(k, n) || in.truncated(k, n)) break;
    weight *= gamma * lambda;
  }
  return static_cast<float>(sum);
}

TEST_CASE("GAE matches the forward-sum definition with terminations and truncations", "[unit]") {
  const int steps = 12, envs = 3;
  Rng rng(5);
  MatF rewards(steps, envs), values(steps, envs), next_values(steps, envs);
  MatU8 terminated = MatU8::Zero(steps, envs), truncated = MatU8::Zero(steps, envs);
  for (int n = 0; n < envs; ++n) {
    for (int t = 0; t < steps; ++t) {
      rewards(t, n) = static_cast<float>(rng.Normal());
      values(t, n) = static_cast<float>(rng.Normal());
      next_values(t, n) = static_cast<float>(rng.Normal());
    }
  }
  terminated(3, 0) = 1;
  truncated(7, 0) = 1;
  truncated(2, 1) = 1;
  terminated(9, 1) = 1;
  terminated(5, 2) = 1;  // both at once: terminal wins
  truncated(5, 2) = 1;
  const GaeInput in{rewards, values, next_values, terminated, truncated};
  for (bool bootstrap : {true, false}) {
    MatF adv, ret;
    ComputeGae(in, 0.97f, 0.9f, bootstrap, adv, ret);
    for (int n = 0; n < envs; ++n) {
      for (int t = 0; t < steps; ++t) {
        INFO("t=" << t << " n=" << n << " bootstrap=" << bootstrap);
        CHECK(adv(t, n) ==
              Approx(NaiveAdvantage(in, t, n, 0.97f, 0.9f, bootstrap)).epsilon(1e-5).margin(1e-5));
        CHECK(ret(t, n) == Approx(adv(t, n) + values(t, n)).epsilon(1e-6));
      }
    }
  }
}

TEST_CASE("GAE bootstraps a truncated step from V(s') and never a terminated one", "[unit]") {
  // one step, λ irrelevant: A = r + γ·V(s') − V(s) unless terminal
  MatF r = MatF::Constant(1, 1, 1.0f), v = MatF::Constant(1, 1, 0.5f),
       nv = MatF::Constant(1, 1, 2.0f);
  MatU8 term = MatU8::Zero(1, 1), trunc = MatU8::Ones(1, 1);
  MatF adv, ret;
  ComputeGae({r, v, nv, term, trunc}, 0.9f, 0.95f, true, adv, ret);
  CHECK(adv(0, 0) == Approx(1.0f + 0.9f * 2.0f - 0.5f));
  ComputeGae({r, v, nv, term, trunc}, 0.9f, 0.95f, false, adv, ret);  // CleanRL: no bootstrap
  CHECK(adv(0, 0) == Approx(1.0f - 0.5f));
  term(0, 0) = 1;
  trunc(0, 0) = 0;
  ComputeGae({r, v, nv, term, trunc}, 0.9f, 0.95f, true, adv, ret);
  CHECK(adv(0, 0) == Approx(1.0f - 0.5f));
}

TEST_CASE("GAE with λ = 1 gives discounted returns minus values; λ = 0 gives TD errors", "[unit]") {
  const int steps = 4;
  MatF r(steps, 1), v = MatF::Zero(steps, 1), nv = MatF::Zero(steps, 1);
  r << 1, 2, 3, 4;
  MatU8 term = MatU8::Zero(steps, 1), trunc = MatU8::Zero(steps, 1);
  term(3, 0) = 1;
  MatF adv, ret;
  ComputeGae({r, v, nv, term, trunc}, 0.5f, 1.0f, true, adv, ret);
  CHECK(ret(0, 0) == Approx(1 + 0.5 * 2 + 0.25 * 3 + 0.125 * 4));
  nv << 10, 10, 10, 10;
  ComputeGae({r, v, nv, term, trunc}, 0.5f, 0.0f, true, adv, ret);
  CHECK(adv(0, 0) == Approx(1 + 0.5 * 10));
  CHECK(adv(3, 0) == Approx(4));
}

}  // namespace
}  // namespace rl
