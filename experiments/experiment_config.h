// The top-level experiment config: one YAML file per experiment (DESIGN §4).
#ifndef REWARDLAB_EXPERIMENTS_EXPERIMENT_CONFIG_H_
#define REWARDLAB_EXPERIMENTS_EXPERIMENT_CONFIG_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agents/agent.h"
#include "core/config.h"
#include "envs/vec_env.h"
#include "rewards/reward_pipeline.h"

namespace rl {

// When and how the deterministic policy is evaluated.
struct EvalConfig {
  int64_t every_steps = 10000;  // env steps between evaluations; 0 = only at the end
  int episodes = 10;            // episodes per evaluation
  int num_envs = 0;             // parallel evaluation envs; 0 = min(episodes, 10)
  int record_episodes = 1;      // episodes of each evaluation recorded step by step for replay

  template <class V>
  void Fields(V& v) {
    v("every_steps", every_steps, "env steps between evaluations; 0 = only at the end",
      Check::Min(0));
    v("episodes", episodes, "episodes per evaluation (deterministic policy, env return)",
      Check::Range(1, 1000000));
    v("num_envs", num_envs, "parallel evaluation envs; 0 = min(episodes, 10)",
      Check::Range(0, 65536));
    v("record_episodes", record_episodes,
      "episodes of each evaluation stored step by step in run.h5 /rollouts for `rewardlab view` "
      "to replay (the first to end); 0 = none",
      Check::Min(0));
  }
};

// When checkpoints are written (checkpoints/ in the run folder; the newest is kept).
struct CheckpointConfig {
  int64_t every_steps = 50000;  // env steps between checkpoints; 0 = only at the end

  template <class V>
  void Fields(V& v) {
    v("every_steps", every_steps, "env steps between checkpoints; 0 = only at the end",
      Check::Min(0));
  }
};

// The sbatch options of `rewardlab sweep --backend slurm` (docs/sweeps.md); its flags override
// them. `train` ignores this section.
struct SlurmConfig {
  std::string partition;           // --partition; "" = the cluster's default
  std::string time = "60";         // --time per array task (SLURM time format)
  int cpus_per_task = 1;           // --cpus-per-task
  int throttle = 0;                // the array's % limit; 0 = none
  bool requeue = false;            // requeue a task stopped by the time-limit signal
  int signal_seconds = 120;        // SIGUSR1 this many seconds before the time limit
  std::vector<std::string> extra;  // further sbatch options, verbatim (key `sbatch`)

  template <class V>
  void Fields(V& v) {
    v("partition", partition, "partition of the array job; empty = the cluster's default");
    v("time", time, "time limit per array task, SLURM format (minutes, or D-HH:MM:SS)");
    v("cpus_per_task", cpus_per_task, "CPUs per array task", Check::Min(1));
    v("throttle", throttle, "array tasks running at once (the array's %); 0 = no limit",
      Check::Min(0));
    v("requeue", requeue, "requeue a task that the time limit stopped (it resumes)");
    v("signal_seconds", signal_seconds,
      "SIGUSR1 this many seconds before the time limit (the run checkpoints)", Check::Min(1));
    v("sbatch", extra, "further sbatch options, verbatim, e.g. ['--mem=4G', '--gres=gpu:1']");
  }
};

// What an experiment runs: its name, seed, budget, environment, agent and evaluation.
struct ExperimentConfig {
  std::string name = "default";         // run name, part of the run folder
  uint64_t seed = 0;                    // experiment seed; every random stream derives from it
  int64_t total_steps = 100000;         // env steps to train for (all envs together)
  EnvConfig env;                        // the environment
  ConfigNode agent = DefaultAgent();    // the agent: `type` plus that type's options
  ConfigNode reward = DefaultReward();  // the reward modules: a list of {type, weight, ...}
  EvalConfig eval;                      // evaluation schedule
  CheckpointConfig checkpoint;          // checkpoint schedule
  bool record_transitions = false;      // write every training transition to transitions.h5
  SlurmConfig slurm;                    // sbatch options when swept on SLURM

  template <class V>
  void Fields(V& v) {
    v("name", name, "run name, used in the run folder");
    v("seed", seed, "experiment seed; every random stream derives from it (core/rng.h)");
    v("total_steps", total_steps, "env steps to train for, all envs together", Check::Min(1));
    v("env", env, "the environment");
    v("agent", agent, AgentDoc());
    v("reward", reward,
      "the optimised reward: a list of modules {type, name, weight, ...} summed with their "
      "weights (`config describe reward`)");
    v("eval", eval, "evaluation schedule");
    v("checkpoint", checkpoint, "checkpoint schedule");
    v("record_transitions", record_transitions,
      "write every training transition (s, a, s', env reward and terms, flags, episode) to "
      "RUN_DIR/transitions.h5 (docs/transitions.md)");
    v("slurm", slurm, "sbatch options of `rewardlab sweep --backend slurm` (its flags override)");
  }

  // {type: ppo}.
  static ConfigNode DefaultAgent();
  // [{type: env}].
  static ConfigNode DefaultReward();
  // The doc of `agent`, naming the registered agent types.
  static std::string AgentDoc();
};

// What validating a config builds on the way. BuildExperiment takes these over, so a run builds
// nothing twice.
struct ValidatedParts {
  std::unique_ptr<Env> env;                // slot 0 of the training envs
  std::unique_ptr<Env> eval_env;           // slot 0 of the evaluation envs (measured for memory)
  std::unique_ptr<Agent> agent;            // the agent, for `env`'s spec
  std::unique_ptr<RewardPipeline> reward;  // the reward pipeline, for `env` and the agent's γ
};

// Tells `agent` to model absorbing states when a module of `reward` rewards them (built from the
// reward `section`); a UserError names the module's file:line and key.
void ConnectAbsorbing(Agent& agent, const RewardPipeline& reward, const ConfigNode& section);

// Refuses a module that learns the agent's discount (RewardModule::AgentGamma, BARFI's
// learn_gamma) when `agent` (of type `agent_type`) cannot change it (Agent::SetGamma); the
// UserError names key 'reward[k].learn_gamma'. Leaves the agent's discount as it was.
void CheckAgentGamma(Agent& agent, const RewardPipeline& reward, const std::string& agent_type);

// Loads a config file (or the defaults when `path` is empty), applies `--set` overrides and
// validates everything, env options included, by building one env, the agent and the reward
// pipeline; they go to `parts` when given. Throws UserError naming file, line and key.
ExperimentConfig LoadExperimentConfig(const std::string& path,
                                      const std::vector<std::string>& overrides,
                                      ConfigNode* resolved = nullptr,
                                      ValidatedParts* parts = nullptr);
// The same for a config tree already loaded (e.g. the built-in default).
ExperimentConfig ResolveExperimentConfig(ConfigNode root, const std::vector<std::string>& overrides,
                                         ConfigNode* resolved = nullptr,
                                         ValidatedParts* parts = nullptr);

}  // namespace rl

#endif  // REWARDLAB_EXPERIMENTS_EXPERIMENT_CONFIG_H_
