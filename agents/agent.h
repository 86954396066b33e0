// The agent interface (DESIGN §1): the trainer owns the loop; agents act, observe raw
// transitions, and learn when ready, labelling their batch with the current reward.
#ifndef REWARDLAB_AGENTS_AGENT_H_
#define REWARDLAB_AGENTS_AGENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/h5.h"
#include "envs/transition_store.h"
#include "envs/vec_env.h"
#include "rewards/reward_pipeline.h"

namespace rl {

// How to act. kExplore samples for training: it updates running statistics (PPO's observation
// normaliser), stores what Observe needs and may act uniformly before learning starts (SAC).
// kEval takes the deterministic action; kSample samples from the current policy like kExplore but
// changes nothing in the agent except its exploration generator (viewing a stochastic policy).
enum class ActMode { kExplore, kEval, kSample };

// Named scalars from one update, in the order of Agent::MetricNames().
using MetricValues = std::vector<double>;

// A non-finite optimised reward, loss or parameter stopped training; what() says what and where.
class NonFiniteError : public UserError {
 public:
  using UserError::UserError;
};

// A learning agent.
class Agent {
 public:
  virtual ~Agent() = default;

  // Writes actions (act_dim x n) for observations (obs_dim x n), already in the env's units:
  // clipped to a Box's bounds, or indices for Discrete. kExplore remembers what Observe needs and
  // takes exactly the training batch width (num_envs columns); kEval and kSample take any width.
  virtual void Act(const Mat& obs, ActMode mode, Mat& action) = 0;
  // Records the transitions of one VecEnv step taken with the last kExplore actions (or, in a
  // sharded rollout, with the ActShard actions of that step).
  virtual void Observe(const Mat& obs, const Mat& action, const VecStep& step) = 0;
  // Sharded rollouts (on-policy agents): the number of fixed slot shards that collect a whole
  // rollout each on their own, with no barrier between env steps; 0 = act on all slots at once
  // every step (Act with kExplore).
  virtual int RolloutShards() const { return 0; }
  // Env steps per slot of one rollout (with RolloutShards() > 0).
  virtual int RolloutSteps() const { return 0; }
  // Explores for slots [first, first + obs.cols()) of shard `shard` at step `t` of the rollout
  // being collected: writes their actions (act_dim x cols) and remembers what Update needs, as
  // Act does. Calls for different shards may run concurrently; Observe follows for every step.
  virtual void ActShard(int shard, int t, int first, const Eigen::Ref<const Mat>& obs,
                        Eigen::Ref<Mat> action) {
    (void)shard, (void)t, (void)first, (void)obs, (void)action;
    throw UserError("this agent does not collect sharded rollouts");
  }
  // Whether Update should run now.
  virtual bool ReadyToUpdate() const = 0;
  // Learns from stored transitions labelled by `reward`; returns MetricNames()' values.
  virtual MetricValues Update(const RewardPipeline& reward) = 0;
  // Names of the update metrics, CleanRL style ("losses/value_loss").
  virtual std::vector<std::string> MetricNames() const = 0;
  // Says what the last update left non-finite ("PPO update produced a non-finite value_loss
  // (nan)", "... left non-finite critic parameters"), given its `values`; "" when all is finite.
  // Cheap: one finiteness reduction over the parameters.
  virtual std::string NonFinite(const MetricValues& values) const {
    (void)values;
    return "";
  }
  // State values V(s) (n) of raw observations (obs_dim x n), for agents with a state-value
  // critic; throws UserError otherwise.
  virtual void StateValues(const Mat& obs, Vec& values) {
    (void)obs, (void)values;
    throw UserError("this agent type has no state-value function (use a PPO run)");
  }
  // The raw transitions the agent keeps (SAC's replay buffer, PPO's rollout, REINFORCE's episodes),
  // for reward modules that fit on the policy's data; null when it keeps none.
  virtual const TransitionStore* Transitions() const { return nullptr; }
  // The discount of the agent's targets (potential-based shaping must use the same).
  virtual double Gamma() const = 0;
  // Makes the agent discount its targets with `gamma` from the next update on (a learned
  // discount, e.g. BARFI's γ_φ); returns false, changing nothing, when it cannot. Gamma() then
  // reports it. Not saved: the module that wants it sets it again after a resume.
  virtual bool SetGamma(double gamma) {
    (void)gamma;
    return false;
  }
  // The agent's policy-gradient oracle over its current batch (rewards/policy_gradient_oracle.h),
  // for bi-level rewards; nullptr when the agent has none. Owned by the agent.
  virtual PolicyGradientOracle* Oracle() { return nullptr; }
  // Models DAC absorbing states (algorithms.md §4.5) for a reward module that rewards them: samples
  // an absorbing self-loop after every stored true termination and bootstraps terminal transitions
  // into the absorbing state. Called before training or loading (again: no effect); throws
  // UserError when the agent cannot.
  virtual void UseAbsorbingStates() {
    throw UserError("this agent does not model absorbing states (agent.type: sac does)");
  }
  // ‖∇_s Σ_i a_i(s)‖₂ of the deterministic action for reward modules' diagnostics; empty when
  // the agent has none. Valid while the agent lives; not thread-safe.
  virtual PolicyInputGradNorms PolicyInputGrad() { return {}; }
  // Tells the agent how far training has gone (learning-rate annealing), in [0, 1].
  virtual void SetProgress(double fraction) { (void)fraction; }
  // Writes everything needed to continue bit for bit: networks, optimiser moments, normaliser
  // statistics, RNG streams, stored transitions and counters.
  virtual void Save(const h5::Group& g) const = 0;
  // Restores what Save wrote; throws UserError when it does not fit this agent.
  virtual void Load(const h5::Group& g) = 0;
};

// "nan", "inf" or "-inf" (or the value, were it finite), for messages.
std::string NonFiniteName(double value);
// "<agent> update produced a non-finite <metric> (nan)" for the first non-finite values[i] with
// i < checked (named without their "losses/" prefix), or "".
std::string NonFiniteMetric(std::string_view agent, const std::vector<std::string>& names,
                            const MetricValues& values, size_t checked);

}  // namespace rl

#endif  // REWARDLAB_AGENTS_AGENT_H_
