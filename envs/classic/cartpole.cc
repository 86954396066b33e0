#include "envs/classic/cartpole.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <string>

#include "core/error.h"

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

// A PD-agreement heuristic of BARFI (algorithms.md §2.6, CartPole*Aux): gains and payments.
struct PdHeuristic {
  const char* name;  // the option's value
  double p;          // gain on the angle
  double d;          // gain on the angle's change since the previous step
  double agree;      // paid when the action equals the controller's
  double disagree;   // paid otherwise
};

constexpr PdHeuristic kPdHeuristics[] = {
    {"best", 0.1, 0.5, 1.0, 0.0},   {"good", 0.1, 0.1, 1.0, 0.0},  {"bad", 0.1, 0.5, -1.0, 0.0},
    {"best5", 0.1, 0.5, 5.0, -1.0}, {"bad5", 0.1, 0.5, -5.0, 1.0},
};

// The heuristic named `name`; null for "none".
const PdHeuristic* FindPdHeuristic(const std::string& name) {
  for (const PdHeuristic& h : kPdHeuristics) {
    if (name == h.name) return &h;
  }
  if (name != "none") {
    throw UserError("key 'env.options.heuristic': unknown heuristic '" + name +
                    "'; expected one of none|best|good|bad|best5|bad5");
  }
  return nullptr;
}

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
  // the heuristic term exists only when asked for, so the default env is Gymnasium's exactly
  if (FindPdHeuristic(config_.heuristic)) {
    spec_.reward_terms.push_back("heuristic");
    spec_.num_aux_terms = 1;
  }
  spec_.state_names = {"x", "x_dot", "theta", "theta_dot"};
}

Vec CartPole::PhysicalState() const { return state_; }

Vec CartPole::SnapshotState() const {
  if (spec_.num_aux_terms == 0) return state_;
  Vec s(5);
  s << state_, prev_theta_;
  return s;
}

void CartPole::DoRestore(const Vec& snapshot, Eigen::Ref<Vec> obs) {
  // a plain state (no heuristic) restores as a reset from it, with its checks
  if (spec_.num_aux_terms == 0 || snapshot.size() != 5) {
    Env::DoRestore(snapshot, obs);
    return;
  }
  state_ = snapshot.head<4>();
  prev_theta_ = snapshot[4];
  failed_ = false;
  WriteObs(obs);
}

int CartPole::PdAction(double p, double d, double theta, double prev_theta) {
  // round(sigmoid(z)) is 1 for z > 0; numpy rounds sigmoid(0) = 0.5 half to even, to 0
  const double z = p * theta + d * (theta - prev_theta);
  return z > 0.0 ? 1 : 0;
}

double CartPole::Heuristic(int action) {
  const PdHeuristic* h = FindPdHeuristic(config_.heuristic);
  // the controller sees the observed (float32) angle, as the agent does
  const double theta = F32(state_[2]);
  const bool agree = action == PdAction(h->p, h->d, theta, prev_theta_);
  prev_theta_ = theta;
  return agree ? h->agree : h->disagree;
}

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
  prev_theta_ = 0.0;
  WriteObs(obs);
}

void CartPole::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  if (spec_.num_aux_terms > 0) out.terms[1] = Heuristic(static_cast<int>(action[0]));
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
