// The reward-module interface (DESIGN §1, §3): a reward is a function of a transition
// (s, a, s', env reward, env reward terms, terminated, truncated), computed for a batch of raw
// transitions whenever an agent consumes them, so learned rewards never go stale in a buffer.
//
// How the reward methods map onto it (algorithms.md §8):
// - fixed rewards (env reward, potential-based shaping): Compute only;
// - HERON: Learned(); Fit trains its reward model on FitContext::window (the last WindowSize()
//   transitions in time order, with env slots and episode ids for trajectory segments; env reward
//   terms included as the ranked factors);
// - off-policy GAIL: Learned(); Fit trains the discriminator on minibatches sampled from
//   FitContext::agent_store against its expert demonstrations; SAC relabels every sampled
//   minibatch through Compute;
// - BARFI: Learned(); Fit updates the reward parameters from FitContext::oracle, the agent's
//   policy-gradient oracle (rewards/policy_gradient_oracle.h, served by Agent::Oracle()), and
//   Params() exposes them to checkpoints and sliders;
// - novelty bonuses (reward-free exploration, RND): Learned(); Fit trains on all of `window`.
#ifndef REWARDLAB_REWARDS_REWARD_MODULE_H_
#define REWARDLAB_REWARDS_REWARD_MODULE_H_

#include <Eigen/Dense>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/h5.h"
#include "envs/transition_store.h"

namespace rl {

class Env;
class PolicyGradientOracle;

// A batch of raw transitions, as an agent stores them (float32, columns = transitions).
struct RewardBatch {
  Eigen::Ref<const Eigen::MatrixXf> obs;         // (obs_dim x B) s
  Eigen::Ref<const Eigen::MatrixXf> action;      // (act_dim x B) a as the env received it
  Eigen::Ref<const Eigen::MatrixXf> next_obs;    // (obs_dim x B) the true s' (final obs at ends)
  Eigen::Ref<const Eigen::VectorXf> env_reward;  // (B) the env's reward
  Eigen::Ref<const Eigen::MatrixXf> terms;       // (num_terms x B) the env's named reward terms
  const uint8_t* terminated;                     // (B) 1 where s' is terminal
  const uint8_t* truncated;                      // (B) 1 where the episode was cut after s'
  // (B) 1 where the row is DAC's absorbing self-loop (s_abs, a_abs -> s_abs, zero s, a, s' and
  // env reward; algorithms.md §4.5); null when the batch has none
  const uint8_t* absorbing = nullptr;
  // Number of transitions.
  int Size() const { return static_cast<int>(env_reward.size()); }
};

// The transitions gathered in `batch` (a minibatch, a segment, an episode), viewed for rewards.
inline RewardBatch ToRewardBatch(const TransitionBatch& batch) {
  return {batch.obs,
          batch.action,
          batch.next_obs,
          batch.env_reward,
          batch.terms,
          batch.terminated.data(),
          batch.truncated.data(),
          batch.absorbing.empty() ? nullptr : batch.absorbing.data()};
}

// Every transition of `store`, viewed in storage order (its first Size() columns; time order only
// while store.Column(0) is 0, as in a PPO rollout).
inline RewardBatch ToRewardBatch(const TransitionStore& store) {
  const int64_t n = store.Size();
  return {store.Obs().leftCols(n),    store.Actions().leftCols(n), store.NextObs().leftCols(n),
          store.EnvRewards().head(n), store.Terms().leftCols(n),   store.Terminated().data(),
          store.Truncated().data()};
}

// Writes ‖∇_s Σ_i a_i(s)‖₂ of the agent's deterministic action a(s) for each observation column
// (obs_dim x B) into out (B): the policy's local Lipschitz proxy (γ²C, algorithms.md §4.3).
using PolicyInputGradNorms = std::function<void(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                                                Eigen::Ref<Eigen::VectorXf> out)>;

// What a learned module may use when it fits, between agent updates.
struct FitContext {
  int64_t step = 0;                        // env steps so far
  PolicyGradientOracle* oracle = nullptr;  // the agent's, for bi-level rewards; may be null
  // the last WindowSize() transitions, with slots and episode ids (ToRewardBatch views them
  // all at once); null when no module asked for a window
  const TransitionStore* window = nullptr;
  const TransitionStore* agent_store = nullptr;  // the agent's (SAC's replay buffer, PPO's
                                                 // rollout): policy minibatches; may be null
  PolicyInputGradNorms policy_input_grad_norms = {};  // the agent's; empty when it has none
};

// One named, tunable parameter of a module (YAML and viewer sliders).
struct RewardParam {
  std::string name;  // e.g. "scale"
  double* value;     // the live value; changes take effect at the next Compute
  double lo, hi;     // slider range
};

// A reward module: one named output per transition.
class RewardModule {
 public:
  virtual ~RewardModule() = default;
  // Writes this module's reward of each transition into `out` (size B).
  virtual void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const = 0;
  // Whether the module rewards DAC absorbing states (algorithms.md §4.5): the agent then stores
  // an absorbing self-loop after every true termination and bootstraps terminal transitions into
  // it, and the module computes the rows marked RewardBatch::absorbing itself; every other
  // module gives 0 there (nothing is earned after a termination).
  virtual bool Absorbing() const { return false; }
  // Whether the module learns (then the trainer calls Fit before every agent update).
  virtual bool Learned() const { return false; }
  // Whether Fit needs FitContext::oracle: experiments refuse agents that serve none.
  virtual bool NeedsOracle() const { return false; }
  // The discount this module wants the agent to learn with (BARFI's γ_φ); < 0 = no opinion.
  // The trainer applies it with Agent::SetGamma at the start, after every Fit and on resume.
  virtual double AgentGamma() const { return -1.0; }
  // How many recent transitions Fit wants in FitContext::window; 0 = none.
  virtual int WindowSize() const { return 0; }
  // Trains on `context`; returns MetricNames()' values.
  virtual std::vector<double> Fit(const FitContext& context) {
    (void)context;
    return {};
  }
  // Names of Fit's metrics ("reward/rnd_loss").
  virtual std::vector<std::string> MetricNames() const { return {}; }
  // Tunable parameters.
  virtual std::vector<RewardParam> Params() { return {}; }
  // Writes the module's learned state (networks, optimiser, statistics, RNG) for checkpoints.
  virtual void Save(const h5::Group& g) const { (void)g; }
  // Restores what Save wrote; throws UserError when it does not fit.
  virtual void Load(const h5::Group& g) { (void)g; }

  // Differentiable rewards (BARFI's bi-level update, algorithms.md §2): a module whose reward
  // r_φ is differentiable in a parameter vector φ reports ∂r/∂φ per transition.
  // Length of φ; 0 = the reward has no differentiable parameters.
  virtual int NumRewardParams() const { return 0; }
  // Writes ∂r_b/∂φ of every transition into out (NumRewardParams() x B); throws UserError when
  // the reward is not differentiable in its parameters.
  virtual void RewardGradient(const RewardBatch& batch, Eigen::Ref<Eigen::MatrixXf> out) const {
    (void)batch;
    (void)out;
    throw UserError(
        "this reward module has no differentiable parameters (NumRewardParams() = 0); use one "
        "that has, e.g. {type: env, terms: {...}}");
  }
  // The current φ (NumRewardParams()).
  virtual Eigen::VectorXf RewardParamVector() const { return {}; }
  // Sets φ (NumRewardParams()); the next Compute uses it. Throws UserError on a wrong length.
  virtual void SetRewardParamVector(const Eigen::Ref<const Eigen::VectorXf>& phi) {
    if (phi.size() != 0) {
      throw UserError("this reward module has no differentiable parameters; got " +
                      std::to_string(phi.size()) + " values for φ");
    }
  }
};

// A trained critic handed to a module: V(s) of raw observations (e.g. a PPO run's, which
// experiments/ loads for the `value_function` potential).
class StateValueFunction {
 public:
  virtual ~StateValueFunction() = default;
  // V of every observation column (obs_dim x B) into out (B).
  virtual void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                        Eigen::Ref<Eigen::VectorXf> out) const = 0;
};

// Loads the critic of trained run folder `run` for `env`; `key` is the config key naming the
// folder, for errors. Throws UserError when the run has none or trained on another env.
using StateValueLoader = std::function<std::unique_ptr<StateValueFunction>(
    const std::string& run, const std::string& key, const Env& env)>;

// A module listed before another in the same `reward:` list, whose output the later one may read
// (HERON's factors).
struct EarlierModule {
  std::string name;                      // its output name
  const RewardModule* module = nullptr;  // owned by the pipeline, alive as long as it is
};

// What a module may depend on when it is built (handed to its registry factory).
struct RewardContext {
  const Env* env = nullptr;  // an instance of the training env (e.g. a gridworld's layout)
  double gamma = 0.99;       // the agent's discount
  uint64_t seed = 0;         // the experiment seed (module networks draw from kReward streams)
  int index = 0;             // the module's position in the list (its RNG stream index)
  StateValueLoader load_state_values = nullptr;  // experiments/LoadStateValues; none: empty
  std::vector<EarlierModule> earlier = {};       // the modules listed before this one, in order
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REWARD_MODULE_H_
