#include "envs/classic/pendulum.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rl {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kMaxSpeed = 8.0;
constexpr double kMaxTorque = 2.0;
constexpr double kDt = 0.05;
constexpr double kMass = 1.0;
constexpr double kLength = 1.0;

// A double rounded to float32, as numpy's astype(float32).
double F32(double x) { return static_cast<double>(static_cast<float>(x)); }

// Python's float modulo: the result takes the divisor's sign (CPython float_rem / npy_divmod).
double FlooredMod(double a, double b) {
  double mod = std::fmod(a, b);
  if (mod != 0.0) {
    if ((b < 0) != (mod < 0)) mod += b;
  } else {
    mod = std::copysign(0.0, b);
  }
  return mod;
}

}  // namespace

double AngleNormalize(double x) { return FlooredMod(x + kPi, 2 * kPi) - kPi; }

Pendulum::Pendulum(const PendulumConfig& config) : config_(config) {
  const Vec high = Eigen::Vector3d(1.0, 1.0, kMaxSpeed);
  spec_.id = "Pendulum-v1";
  spec_.observation = Space::Box(-high, high);
  spec_.action = Space::Box(1, -kMaxTorque, kMaxTorque);
  spec_.dt = kDt;
  spec_.max_episode_steps = 200;
  spec_.reward_terms = {"angle", "velocity", "ctrl"};
  spec_.state_names = {"theta", "theta_dot"};
}

Vec Pendulum::PhysicalState() const { return Eigen::Vector2d(theta_, theta_dot_); }

void Pendulum::WriteObs(Eigen::Ref<Vec> obs) const {
  obs[0] = F32(std::cos(theta_));
  obs[1] = F32(std::sin(theta_));
  obs[2] = F32(theta_dot_);
}

void Pendulum::DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) {
  if (init_state) {
    theta_ = (*init_state)[0];
    theta_dot_ = (*init_state)[1];
  } else {
    theta_ = rng_.Uniform(-kPi, kPi);
    theta_dot_ = rng_.Uniform(-1.0, 1.0);
  }
  WriteObs(obs);
}

void Pendulum::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  const double th = theta_, thdot = theta_dot_;
  const double g = config_.g;
  const double u = std::clamp(action[0], -kMaxTorque, kMaxTorque);

  // costs on the pre-step state; -(a + b + c) equals (-a) + (-b) + (-c) exactly
  const double angle = AngleNormalize(th);
  out.terms[0] = -(angle * angle);
  out.terms[1] = -(0.1 * (thdot * thdot));
  out.terms[2] = -(0.001 * (u * u));

  // semi-implicit Euler: the new velocity moves the angle
  double newthdot =
      thdot +
      (3 * g / (2 * kLength) * std::sin(th) + 3.0 / (kMass * (kLength * kLength)) * u) * kDt;
  newthdot = std::clamp(newthdot, -kMaxSpeed, kMaxSpeed);
  theta_ = th + newthdot * kDt;
  theta_dot_ = newthdot;
  out.terminated = false;
  WriteObs(out.obs);
}

}  // namespace rl
