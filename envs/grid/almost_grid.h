// The "almost gridworld" of BARFI (Gupta et al., NeurIPS 2023; authors' code `barfi-gw`, Maze_*):
// a point in [0, 1]^2 moved by four compass actions made of short sub-steps, a goal region in the
// top-right corner, and a heuristic reward chosen by an option that is reported as the `heuristic`
// term and left out of the reward (reward modules blend it).
#ifndef REWARDLAB_ENVS_GRID_ALMOST_GRID_H_
#define REWARDLAB_ENVS_GRID_ALMOST_GRID_H_

#include <string>

#include "core/config.h"
#include "envs/env.h"

namespace rl {

// Options of barfi/GridWorld-v0.
struct AlmostGridConfig {
  std::string heuristic = "none";   // none | good | bad: the `heuristic` term
  double random_action_prob = 0.1;  // chance the action is replaced by a uniform random one

  // Lists the fields for reading, writing and describing.
  template <class V>
  void Fields(V& v) {
    v("heuristic", heuristic,
      "the heuristic term (not summed into the reward): none = 0; good = -squared distance to "
      "the goal centre (0.87, 0.87) per sub-step; bad = +50 per sub-step in the centre square "
      "[0.4, 0.6]^2",
      Check::OneOf({"none", "good", "bad"}));
    v("random_action_prob", random_action_prob,
      "probability that the action is replaced by one drawn uniformly from all four",
      Check::Range(0.0, 1.0));
  }
};

// barfi/GridWorld-v0: Discrete(4) 0 up, 1 right, 2 down, 3 left; observation the position
// [x, y] in [0, 1]^2 from (0.125, 0.125); a step is 4 sub-steps of 0.045, clipped to the square,
// stopping in the goal region [0.75, 0.99]^2, which pays +100 and terminates; -0.1 per step;
// 50 steps. Reward terms `step`, `goal` (summed) and `heuristic` (not summed).
class AlmostGridWorld : public Env {
 public:
  // Builds the env with the given options.
  explicit AlmostGridWorld(const AlmostGridConfig& config = {});

  // The position [x, y].
  Vec PhysicalState() const override;

  // Whether (x, y) is in the goal region [0.75, 0.99]^2.
  static bool InGoal(double x, double y);
  // The `heuristic` term's value for one sub-step ending at (x, y).
  double SubStepHeuristic(double x, double y) const;
  // h(s) = the heuristic of a step that stays at s (4 sub-steps there); empty for `none`.
  ObsFunction StateHeuristic() const override;

 protected:
  // Starts at (0.125, 0.125) unless `init_state` (inside [0, 1]^2) is given.
  void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) override;
  // Maybe replaces the action, then moves sub-step by sub-step until the goal or 4 sub-steps.
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override;

 private:
  // the heuristic option, parsed once
  enum class Heuristic { kNone, kGood, kBad };

  // The heuristic `h` of one sub-step ending at (x, y).
  static double SubStepValue(Heuristic h, double x, double y);

  AlmostGridConfig config_;
  Heuristic heuristic_ = Heuristic::kNone;
  double x_ = 0.0;  // position, in [0, 1]
  double y_ = 0.0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_GRID_ALMOST_GRID_H_
