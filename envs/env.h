// The environment interface: one episode at a time, Gymnasium semantics with separate
// terminated/truncated flags and the reward reported as named terms whose sum is the reward;
// heuristic terms (an env option's auxiliary reward) follow them and are left out of the sum.
#ifndef REWARDLAB_ENVS_ENV_H_
#define REWARDLAB_ENVS_ENV_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/space.h"

namespace rl {

// Fixed facts about an environment, known after construction.
struct EnvSpec {
  std::string id;                         // registered id, e.g. "CartPole-v1"
  Space observation;                      // observation space
  Space action;                           // action space
  double dt = 0.0;                        // simulated seconds per step (0 for gridworlds)
  int max_episode_steps = 0;              // time limit; the step reaching it is truncated
  std::vector<std::string> reward_terms;  // names of the reward terms, fixed order
  // the last num_aux_terms of reward_terms are heuristics: reported, not summed into the reward
  int num_aux_terms = 0;
  std::vector<std::string> state_names;  // physical state entries accepted by Reset's init_state

  // How many leading reward_terms make up the reward.
  int NumSummedTerms() const { return static_cast<int>(reward_terms.size()) - num_aux_terms; }
};

// What one step returns. Sized once by the env (ResizeFor) so stepping does not allocate.
struct StepResult {
  Vec obs;                  // (obs_dim) observation after the step: the true s'
  double reward = 0.0;      // sum of the summed `terms` (all but the aux ones), added in order
  Vec terms;                // (n_terms) named reward terms, in EnvSpec::reward_terms order
  bool terminated = false;  // the MDP reached a terminal state (no bootstrapping past it)
  bool truncated = false;   // the episode was cut (time limit, bad physics); s' is not terminal
};

// A function of one observation (obs_dim), self-contained (it does not refer to the env).
using ObsFunction = std::function<double(const Eigen::Ref<const Eigen::VectorXf>& obs)>;

// Options for Env::Reset.
struct ResetOptions {
  std::optional<Vec> init_state;  // physical state to start from instead of sampling one
};

// An environment. Subclasses implement DoReset/DoStep; this class adds the time limit, the
// reward-as-sum-of-terms rule and input checks, so every env behaves alike.
class Env {
 public:
  virtual ~Env() = default;

  // The env's fixed description.
  const EnvSpec& Spec() const { return spec_; }
  // Seeds the env's own generator (reset noise, stochastic dynamics).
  void Seed(uint64_t seed) { rng_ = Rng(seed); }
  // Replaces the env's generator (VecEnv hands each slot its stream).
  void SetRng(const Rng& rng) { rng_ = rng; }
  // The env's generator, for checkpoints.
  const Rng& GetRng() const { return rng_; }
  // Overrides the time limit (0 or negative keeps the registered one).
  void SetMaxEpisodeSteps(int steps);

  // Starts an episode and writes the first observation into `obs` (size obs_dim).
  // Throws UserError if init_state has the wrong length or is invalid for this env.
  void Reset(Eigen::Ref<Vec> obs, const ResetOptions& options = {});
  // Advances one step. Throws UserError on an action that is not finite, of the wrong size, or not
  // a valid index of a Discrete space. Continuous actions outside the bounds are passed on as they
  // are (Gymnasium does not clip; agents clip before stepping).
  void Step(const Eigen::Ref<const Vec>& action, StepResult& out);
  // Sizes `out` for this env.
  void ResizeFor(StepResult& out) const;
  // Steps taken in the current episode.
  int ElapsedSteps() const { return elapsed_; }
  // The current physical state, in state_names order.
  virtual Vec PhysicalState() const = 0;
  // Everything the env's future steps depend on, for exact checkpoints: PhysicalState() unless
  // the env keeps more (a MuJoCo solver's warm start, quantities lagging the state).
  virtual Vec SnapshotState() const { return PhysicalState(); }
  // Puts a mid-episode env back where a checkpoint left it: a SnapshotState(), steps taken and
  // generator; writes the observation.
  void RestoreState(const Vec& snapshot, int elapsed, const Rng& rng, Eigen::Ref<Vec> obs);
  // The heuristic (aux) term as a function of the observation alone, h(s), for shaping with it as
  // a potential; empty when the env has no heuristic or it depends on the action.
  virtual ObsFunction StateHeuristic() const { return {}; }

 protected:
  // Subclasses fill the spec in their constructor.
  EnvSpec spec_;
  Rng rng_;

  // Starts an episode from `init_state` (already length-checked) or from a sampled state.
  virtual void DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) = 0;
  // Advances the dynamics: writes out.obs, out.terms and out.terminated; may set out.truncated
  // (e.g. diverged physics), which arrives false.
  virtual void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) = 0;
  // Restores a SnapshotState() and writes the observation; by default a reset from it.
  virtual void DoRestore(const Vec& snapshot, Eigen::Ref<Vec> obs);

 private:
  int elapsed_ = 0;
};

}  // namespace rl

#endif  // REWARDLAB_ENVS_ENV_H_
