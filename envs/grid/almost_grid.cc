#include "envs/grid/almost_grid.h"

#include <algorithm>
#include <array>

#include "core/error.h"

namespace rl {
namespace {

constexpr double kStart = 0.125;
constexpr double kSubStep = 0.045;
constexpr int kSubSteps = 4;
constexpr double kGoalLow = 0.75;
constexpr double kGoalHigh = 0.99;
constexpr double kGoalCentre = (kGoalLow + kGoalHigh) / 2;  // 0.87
constexpr double kCentreLow = 0.4;
constexpr double kCentreHigh = 0.6;
constexpr double kGoalReward = 100.0;
constexpr double kStepReward = -0.1;
constexpr double kCentreBonus = 50.0;
constexpr int kMaxSteps = 50;

// unit moves of actions 0 up, 1 right, 2 down, 3 left
constexpr std::array<std::array<double, 2>, 4> kMoves = {{{0, 1}, {1, 0}, {0, -1}, {-1, 0}}};

}  // namespace

AlmostGridWorld::AlmostGridWorld(const AlmostGridConfig& config) : config_(config) {
  if (config_.heuristic == "good") {
    heuristic_ = Heuristic::kGood;
  } else if (config_.heuristic == "bad") {
    heuristic_ = Heuristic::kBad;
  } else if (config_.heuristic != "none") {
    throw UserError("key 'env.options.heuristic': unknown heuristic '" + config_.heuristic +
                    "'; expected one of none|good|bad");
  }
  spec_.id = "barfi/GridWorld-v0";
  spec_.observation = Space::Box(Vec::Zero(2), Vec::Ones(2));
  spec_.action = Space::Discrete(4);
  spec_.dt = 0.0;
  spec_.max_episode_steps = kMaxSteps;
  spec_.reward_terms = {"step", "goal", "heuristic"};
  spec_.num_aux_terms = 1;
  spec_.state_names = {"x", "y"};
}

Vec AlmostGridWorld::PhysicalState() const { return Eigen::Vector2d(x_, y_); }

bool AlmostGridWorld::InGoal(double x, double y) {
  return x >= kGoalLow && x <= kGoalHigh && y >= kGoalLow && y <= kGoalHigh;
}

double AlmostGridWorld::SubStepHeuristic(double x, double y) const {
  return SubStepValue(heuristic_, x, y);
}

ObsFunction AlmostGridWorld::StateHeuristic() const {
  if (heuristic_ == Heuristic::kNone) return {};
  return [h = heuristic_](const Eigen::Ref<const Eigen::VectorXf>& obs) {
    return kSubSteps * SubStepValue(h, obs[0], obs[1]);
  };
}

double AlmostGridWorld::SubStepValue(Heuristic h, double x, double y) {
  switch (h) {
    case Heuristic::kGood: {
      // both coordinates: the official code's distance uses the goal's y in place of the agent's
      // (so its heuristic sees x only); this is the distance the paper describes
      const double dx = x - kGoalCentre;
      const double dy = y - kGoalCentre;
      return -(dx * dx + dy * dy);
    }
    case Heuristic::kBad:
      return x >= kCentreLow && x <= kCentreHigh && y >= kCentreLow && y <= kCentreHigh
                 ? kCentreBonus
                 : 0.0;
    case Heuristic::kNone:
      break;
  }
  return 0.0;
}

void AlmostGridWorld::DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) {
  if (init_state) {
    const Vec& s = *init_state;
    if ((s.array() < 0.0).any() || (s.array() > 1.0).any()) {
      throw UserError(spec_.id + ": init-state (x, y) must lie in [0, 1]^2");
    }
    x_ = s[0];
    y_ = s[1];
  } else {
    x_ = kStart;
    y_ = kStart;
  }
  obs << x_, y_;
}

void AlmostGridWorld::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  // with probability random_action_prob the action is replaced by a uniform one (maybe itself)
  int a = static_cast<int>(action[0]);
  if (rng_.Uniform() < config_.random_action_prob) a = static_cast<int>(rng_.UniformInt(4));

  // sub-steps clipped to the square; entering the goal ends the move and the episode
  double heuristic = 0.0;
  bool goal = false;
  for (int k = 0; k < kSubSteps && !goal; ++k) {
    x_ = std::clamp(x_ + kSubStep * kMoves[a][0], 0.0, 1.0);
    y_ = std::clamp(y_ + kSubStep * kMoves[a][1], 0.0, 1.0);
    goal = InGoal(x_, y_);
    heuristic += SubStepHeuristic(x_, y_);
  }

  // the centre bonus is never paid on a terminal step (Maze_badreward)
  if (goal && heuristic_ == Heuristic::kBad) heuristic = 0.0;
  out.terminated = goal;
  out.terms[0] = kStepReward;
  out.terms[1] = goal ? kGoalReward : 0.0;
  out.terms[2] = heuristic;
  out.obs << x_, y_;
}

}  // namespace rl
