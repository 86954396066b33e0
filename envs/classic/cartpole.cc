#include "envs/classic/cartpole.h"

#include <cmath>
#include <limits>
#include <numbers>

namespace rl {
namespace {

constexpr double kGravity = 9.8;
constexpr double kMassCart = 1.0;
constexpr double kMassPole = 0.1;
constexpr double kTotalMass = kMassPole + kMassCart;
constexpr double kLength = 0.5;  // half the pole's length
constexpr double kPoleMassLength = kMassPole * kLength;
constexpr double kForceMag = 10.0;
constexpr double kTau = 0.02;
constexpr double kThetaThreshold = 12 * 2 * std::numbers::pi / 360;
constexpr double kXThreshold = 2.4;
constexpr double kResetBound = 0.05;

// A double rounded to float32, as numpy's astype(float32).
double F32(double x) { return static_cast<double>(static_cast<float>(x)); }

}  // namespace

CartPole::CartPole(const CartPoleConfig& config) : config_(config) {
  const double inf = std::numeric_limits<double>::infinity();
  Vec high(4);
  high << F32(kXThreshold * 2), inf, F32(kThetaThreshold * 2), inf;
  spec_.id = "CartPole-v1";
  spec_.observation = Space::Box(-high, high);
  spec_.action = Space::Discrete(2);
  spec_.dt = kTau;
  spec_.max_episode_steps = 500;
  spec_.reward_terms = {config_.sutton_barto_reward ? "failure" : "alive"};
  spec_.state_names = {"x", "x_dot", "theta", "theta_dot"};
}

Vec CartPole::PhysicalState() const { return state_; }

void CartPole::WriteObs(Eigen::Ref<Vec> obs) const {
  for (int i = 0; i < 4; ++i) obs[i] = F32(state_[i]);
}

void CartPole::DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) {
  if (init_state) {
    state_ = *init_state;
  } else {
    for (int i = 0; i < 4; ++i) state_[i] = rng_.Uniform(-kResetBound, kResetBound);
  }
  failed_ = false;
  WriteObs(obs);
}

void CartPole::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  double x = state_[0], x_dot = state_[1], theta = state_[2], theta_dot = state_[3];
  const double force = action[0] == 1.0 ? kForceMag : -kForceMag;
  const double costheta = std::cos(theta);
  const double sintheta = std::sin(theta);

  // accelerations, in Gymnasium's operation order
  const double temp = (force + kPoleMassLength * (theta_dot * theta_dot) * sintheta) / kTotalMass;
  const double thetaacc = (kGravity * sintheta - costheta * temp) /
                          (kLength * (4.0 / 3.0 - kMassPole * (costheta * costheta) / kTotalMass));
  const double xacc = temp - kPoleMassLength * thetaacc * costheta / kTotalMass;

  // explicit Euler: positions move with the old velocities
  x = x + kTau * x_dot;
  x_dot = x_dot + kTau * xacc;
  theta = theta + kTau * theta_dot;
  theta_dot = theta_dot + kTau * thetaacc;
  state_ << x, x_dot, theta, theta_dot;

  // failure past the bands; the failing step is still paid, later steps are not
  out.terminated =
      x < -kXThreshold || x > kXThreshold || theta < -kThetaThreshold || theta > kThetaThreshold;
  const bool sutton_barto = config_.sutton_barto_reward;
  double reward = sutton_barto ? 0.0 : 1.0;
  if (out.terminated) {
    if (sutton_barto) {
      reward = -1.0;
    } else if (failed_) {
      reward = 0.0;
    }
    failed_ = true;
  }
  out.terms[0] = reward;
  WriteObs(out.obs);
}

}  // namespace rl
