#include "envs/classic/acrobot.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rl {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDt = 0.2;
constexpr double kLinkLength1 = 1.0;
constexpr double kLinkMass1 = 1.0;
constexpr double kLinkMass2 = 1.0;
constexpr double kLinkComPos1 = 0.5;
constexpr double kLinkComPos2 = 0.5;
constexpr double kLinkMoi = 1.0;
constexpr double kGravity = 9.8;
constexpr double kMaxVel1 = 4 * kPi;
constexpr double kMaxVel2 = 9 * kPi;
constexpr double kTorques[3] = {-1.0, 0.0, 1.0};
constexpr double kResetBound = 0.1;

// A double rounded to float32, as numpy's astype(float32).
double F32(double x) { return static_cast<double>(static_cast<float>(x)); }

// Gymnasium's bound(): min(max(x, lo), hi).
double Bound(double x, double lo, double hi) { return std::min(std::max(x, lo), hi); }

}  // namespace

double AcrobotWrap(double x, double lo, double hi) {
  const double diff = hi - lo;
  while (x > hi) x = x - diff;
  while (x < lo) x = x + diff;
  return x;
}

Acrobot::Acrobot(const AcrobotConfig& /*config*/) {
  Vec high(6);
  high << 1.0, 1.0, 1.0, 1.0, F32(kMaxVel1), F32(kMaxVel2);
  spec_.id = "Acrobot-v1";
  spec_.observation = Space::Box(-high, high);
  spec_.action = Space::Discrete(3);
  spec_.dt = kDt;
  spec_.max_episode_steps = 500;
  spec_.reward_terms = {"step"};
  spec_.state_names = {"theta1", "theta2", "dtheta1", "dtheta2"};
}

Vec Acrobot::PhysicalState() const {
  return Eigen::Vector4d(state_[0], state_[1], state_[2], state_[3]);
}

void Acrobot::WriteObs(Eigen::Ref<Vec> obs) const {
  obs << F32(std::cos(state_[0])), F32(std::sin(state_[0])), F32(std::cos(state_[1])),
      F32(std::sin(state_[1])), F32(state_[2]), F32(state_[3]);
}

void Acrobot::DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) {
  for (int i = 0; i < 4; ++i) {
    state_[i] = init_state ? (*init_state)[i] : F32(rng_.Uniform(-kResetBound, kResetBound));
  }
  WriteObs(obs);
}

Acrobot::Augmented Acrobot::Dsdt(const Augmented& s) {
  constexpr double m1 = kLinkMass1, m2 = kLinkMass2, l1 = kLinkLength1;
  constexpr double lc1 = kLinkComPos1, lc2 = kLinkComPos2, i1 = kLinkMoi, i2 = kLinkMoi;
  constexpr double g = kGravity;
  const double a = s[4];
  const double theta1 = s[0], theta2 = s[1], dtheta1 = s[2], dtheta2 = s[3];

  // mass matrix entries and generalised forces, in Gymnasium's operation order
  const double d1 =
      m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * std::cos(theta2)) + i1 + i2;
  const double d2 = m2 * (lc2 * lc2 + l1 * lc2 * std::cos(theta2)) + i2;
  const double phi2 = m2 * lc2 * g * std::cos(theta1 + theta2 - kPi / 2.0);
  const double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * std::sin(theta2) -
                      2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * std::sin(theta2) +
                      (m1 * lc1 + m2 * l1) * g * std::cos(theta1 - kPi / 2) + phi2;

  // "book" dynamics
  const double ddtheta2 =
      (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * std::sin(theta2) - phi2) /
      (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1);
  const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return {dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0};
}

void Acrobot::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  const double torque = kTorques[static_cast<int>(action[0])];
  const Augmented y0 = {state_[0], state_[1], state_[2], state_[3], torque};

  // one RK4 step over t = [0, dt], as Gymnasium's rk4()
  const double dt = kDt - 0.0;
  const double dt2 = dt / 2.0;
  const auto shifted = [&y0](double h, const Augmented& k) {
    Augmented y;
    for (int i = 0; i < 5; ++i) y[i] = y0[i] + h * k[i];
    return y;
  };
  const Augmented k1 = Dsdt(y0);
  const Augmented k2 = Dsdt(shifted(dt2, k1));
  const Augmented k3 = Dsdt(shifted(dt2, k2));
  const Augmented k4 = Dsdt(shifted(dt, k3));
  Augmented ns;
  for (int i = 0; i < 5; ++i) {
    ns[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  }

  // wrap the angles, bound the velocities
  state_[0] = AcrobotWrap(ns[0], -kPi, kPi);
  state_[1] = AcrobotWrap(ns[1], -kPi, kPi);
  state_[2] = Bound(ns[2], -kMaxVel1, kMaxVel1);
  state_[3] = Bound(ns[3], -kMaxVel2, kMaxVel2);

  // the tip above the line ends the episode; that step is free
  out.terminated = -std::cos(state_[0]) - std::cos(state_[1] + state_[0]) > 1.0;
  out.terms[0] = out.terminated ? 0.0 : -1.0;
  WriteObs(out.obs);
}

}  // namespace rl
