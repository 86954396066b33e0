#include "envs/classic/mountain_car.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.h"

namespace rl {
namespace {

constexpr double kMinPosition = -1.2;
constexpr double kMaxPosition = 0.6;
constexpr double kMaxSpeed = 0.07;
constexpr double kGoalPosition = 0.5;             // MountainCar-v0
constexpr double kContinuousGoalPosition = 0.45;  // MountainCarContinuous-v0
constexpr double kForce = 0.001;
constexpr double kGravity = 0.0025;
constexpr double kPower = 0.0015;
constexpr double kResetLow = -0.6;
constexpr double kResetHigh = -0.4;

// A double rounded to float32, as numpy's astype(float32).
double F32(double x) { return static_cast<double>(static_cast<float>(x)); }

// Both variants observe [position, velocity] in the same float32 box.
Space ObservationSpace() {
  return Space::Box(Eigen::Vector2d(F32(kMinPosition), F32(-kMaxSpeed)),
                    Eigen::Vector2d(F32(kMaxPosition), F32(kMaxSpeed)));
}

}  // namespace

MountainCar::MountainCar(const MountainCarConfig& config) : config_(config) {
  spec_.id = "MountainCar-v0";
  spec_.observation = ObservationSpace();
  spec_.action = Space::Discrete(3);
  spec_.dt = 1.0;
  spec_.max_episode_steps = 200;
  spec_.reward_terms = {config_.sparse_reward ? "goal" : "step"};
  // the heuristic term exists only when asked for, so the default env is Gymnasium's exactly
  if (config_.heuristic != "none") {
    if (config_.heuristic != "pump" && config_.heuristic != "velocity") {
      throw UserError("key 'env.options.heuristic': unknown heuristic '" + config_.heuristic +
                      "'; expected one of none|pump|velocity");
    }
    spec_.reward_terms.push_back("heuristic");
    spec_.num_aux_terms = 1;
  }
  spec_.state_names = {"position", "velocity"};
}

ObsFunction MountainCar::StateHeuristic() const {
  if (config_.heuristic != "velocity") return {};
  return [](const Eigen::Ref<const Eigen::VectorXf>& obs) { return 10.0 * std::abs(obs[1]); };
}

double MountainCar::Heuristic(int action, double velocity) const {
  // energy pumping (MCSenseSparseBangAux): at v = 0 no push is along v
  if (config_.heuristic == "pump") {
    return (velocity < 0 && action == 0) || (velocity > 0 && action == 2) ? 1.0 : -1.0;
  }
  // MountainCarSparseVelAux
  if (config_.heuristic == "velocity") return 10.0 * std::abs(velocity);  // as StateHeuristic
  return 0.0;
}

Vec MountainCar::PhysicalState() const { return Eigen::Vector2d(position_, velocity_); }

void MountainCar::DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) {
  if (init_state) {
    position_ = (*init_state)[0];
    velocity_ = (*init_state)[1];
  } else {
    position_ = rng_.Uniform(kResetLow, kResetHigh);
    velocity_ = 0.0;
  }
  obs << F32(position_), F32(velocity_);
}

void MountainCar::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  if (spec_.num_aux_terms > 0) out.terms[1] = Heuristic(static_cast<int>(action[0]), velocity_);

  // velocity from the push and the slope, then position; both clipped
  const double push = action[0] - 1.0;
  double velocity = velocity_ + (push * kForce + std::cos(3 * position_) * (-kGravity));
  velocity = std::clamp(velocity, -kMaxSpeed, kMaxSpeed);
  double position = std::clamp(position_ + velocity, kMinPosition, kMaxPosition);

  // the left wall is inelastic
  if (position == kMinPosition && velocity < 0) velocity = 0.0;
  position_ = position;
  velocity_ = velocity;

  out.terminated = position >= kGoalPosition && velocity >= config_.goal_velocity;
  out.terms[0] = config_.sparse_reward ? (out.terminated ? 1.0 : 0.0) : -1.0;
  out.obs << F32(position_), F32(velocity_);
}

MountainCarContinuous::MountainCarContinuous(const MountainCarContinuousConfig& config)
    : config_(config) {
  spec_.id = "MountainCarContinuous-v0";
  spec_.observation = ObservationSpace();
  spec_.action = Space::Box(1, -1.0, 1.0);
  spec_.dt = 1.0;
  spec_.max_episode_steps = 999;
  spec_.reward_terms = {"goal", "ctrl"};
  spec_.state_names = {"position", "velocity"};
}

Vec MountainCarContinuous::PhysicalState() const { return Eigen::Vector2d(position_, velocity_); }

void MountainCarContinuous::DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) {
  if (init_state) {
    position_ = (*init_state)[0];
    velocity_ = (*init_state)[1];
  } else {
    position_ = rng_.Uniform(kResetLow, kResetHigh);
    velocity_ = 0.0;
  }
  obs << F32(position_), F32(velocity_);
}

void MountainCarContinuous::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  // physics with the clipped force, in double
  const double a = action[0];
  const double force = std::min(std::max(a, -1.0), 1.0);
  double velocity = velocity_ + (force * kPower - 0.0025 * std::cos(3 * position_));
  velocity = std::clamp(velocity, -kMaxSpeed, kMaxSpeed);
  double position = std::clamp(position_ + velocity, kMinPosition, kMaxPosition);
  if (position == kMinPosition && velocity < 0) velocity = 0.0;

  // goal bonus and control cost on the unclipped action
  out.terminated = position >= kContinuousGoalPosition && velocity >= config_.goal_velocity;
  out.terms[0] = out.terminated ? 100.0 : 0.0;
  out.terms[1] = -((a * a) * 0.1);

  // Gymnasium keeps this env's state as a float32 array after every step
  position_ = F32(position);
  velocity_ = F32(velocity);
  out.obs << position_, velocity_;
}

}  // namespace rl
