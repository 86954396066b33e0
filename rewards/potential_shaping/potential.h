// State potentials Φ(s) for potential-based shaping (and the progress bonus that misuses one).
//
//   grid_distance   Φ(s) = -(fewest moves from s to a goal), gridworlds only (Ng et al.'s Φ0 up to
//                   the slip factor); terminal cells: 0 at goals
//   optimal_value   Φ(s) = V*(s) of the gridworld's exact model at the shaping γ (value iteration)
//   linear          Φ(s) = bias + Σ_i w_i obs[index_i] (all entries when `indices` is empty; with
//                   one-hot gridworld observations this is any table over states)
//   value_function  Φ(s) = V(s) of the newest checkpoint of a PPO run folder
//   heuristic       Φ(s) = h(s), the env's heuristic term when it is a function of the state alone
//                   (Env::StateHeuristic: barfi/GridWorld-v0's good|bad, MountainCar's velocity)
// Every potential is multiplied by `scale` (a negative scale turns a good potential misleading).
#ifndef REWARDLAB_REWARDS_POTENTIAL_SHAPING_POTENTIAL_H_
#define REWARDLAB_REWARDS_POTENTIAL_SHAPING_POTENTIAL_H_

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "envs/env.h"
#include "rewards/reward_module.h"

namespace rl {

// The `potential:` section of a shaping module.
struct PotentialConfig {
  std::string type = "grid_distance";  // grid_distance|optimal_value|linear|value_function|heuristic
  double scale = 1.0;                  // Φ multiplier
  std::vector<double> weights;         // linear: one per index (or per observation entry)
  std::vector<int> indices;            // linear: observation entries; empty = all
  double bias = 0.0;                   // linear: constant term
  std::string run;                     // value_function: a PPO run folder

  template <class V>
  void Fields(V& v) {
    v("type", type, "grid_distance | optimal_value | linear | value_function | heuristic",
      Check::OneOf({"grid_distance", "optimal_value", "linear", "value_function", "heuristic"}));
    v("scale", scale, "multiplies the potential (negative: misleading)");
    v("weights", weights, "linear: one weight per index, or per observation entry");
    v("indices", indices, "linear: observation entries used; empty = all", Check::Min(0));
    v("bias", bias, "linear: constant term");
    v("run", run, "value_function: run folder whose newest checkpoint holds a PPO critic");
  }
};

// A state potential over observations.
class Potential {
 public:
  virtual ~Potential() = default;
  // Φ of every observation column (obs_dim x B) into out (B).
  virtual void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                        Eigen::Ref<Eigen::VectorXf> out) const = 0;
};

// Builds the potential for `env`; `gamma` is the shaping discount (optimal_value plans with it),
// `load_state_values` loads value_function's critic (RewardContext::load_state_values).
// Throws UserError naming `key` when the potential does not fit the env.
std::unique_ptr<Potential> MakePotential(const PotentialConfig& config, const std::string& key,
                                         const Env& env, double gamma,
                                         const StateValueLoader& load_state_values = {});

}  // namespace rl

#endif  // REWARDLAB_REWARDS_POTENTIAL_SHAPING_POTENTIAL_H_
