// Options of the `heron` reward module (rewards/heron/heron.h; algorithms.md §3; docs/heron.md).
#ifndef REWARDLAB_REWARDS_HERON_HERON_CONFIG_H_
#define REWARDLAB_REWARDS_HERON_HERON_CONFIG_H_

#include <string>
#include <vector>

#include "core/config.h"
#include "rewards/module_config.h"

namespace rl {

// One ranked reward factor: an env reward term or an earlier module's output.
struct HeronFactorConfig {
  std::string term;               // env reward term or earlier module name
  std::string better = "higher";  // which direction wins a comparison
  double margin = 1.0;            // δ_k = margin × running std of the factor
  double scale = 1.0;             // multiplies the term (labels ignore it)

  template <class V>
  void Fields(V& v) {
    v("term", term, "an env reward term (`rewardlab envs`) or the name of a module listed before");
    v("better", better,
      "which values win: higher (a term is a reward, costs negative) or lower (a cost magnitude)",
      Check::OneOf({"higher", "lower"}));
    v("margin", margin, "decides only differences above margin × running std of the factor",
      Check::Min(0));
    v("scale", scale, "multiplies the factor (for scale-robustness studies)", Check::Positive());
  }
};

// The reward model R_ψ.
struct HeronModelConfig {
  std::vector<int> hidden = {256, 256};  // hidden widths (ReLU), output 1
  std::string inputs = "obs";            // what R_ψ reads of a transition

  template <class V>
  void Fields(V& v) {
    v("hidden", hidden, "hidden layer widths of the reward model (ReLU)", Check::Range(1, 1 << 16));
    v("inputs", inputs,
      "what the reward model reads: obs (s), obs_action (s, a) or obs_factors (s, the factors)",
      Check::OneOf({"obs", "obs_action", "obs_factors"}));
  }
};

// Options of the `heron` module.
struct HeronConfig : ModuleConfig<HeronConfig> {
  static constexpr const char* kType = "heron";  // the YAML `type`
  std::vector<HeronFactorConfig> factors;        // most important first
  std::string labeller = "tree";                 // tree (HERON) | sum (flat, the RLHF ablation)
  std::string compare = "transitions";           // transitions | segments
  int segment_length = 50;                       // L of a segment
  HeronModelConfig model;                        // R_ψ
  int pairs = 4096;                              // pairs drawn per fit
  int epochs = 1;                                // passes over the labelled pairs per fit
  int batch_size = 256;                          // pairs per Adam step
  double lr = 1e-3;                              // Adam learning rate of R_ψ
  double holdout = 0.1;                          // fraction of labelled pairs held out
  int window = 2048;                             // recent transitions handed to each fit
  int fifo = 8192;                               // older items kept and paired with new ones
  int fit_every = 0;                             // env steps between fits; 0 = every update
  bool normalize_output = true;                  // standardise R_ψ by running statistics
  std::string center_output = "auto";            // subtract the running mean: auto | true | false

  template <class V>
  void Fields(V& v) {
    SharedFields(v, WeightSign::kNonNegative, ">= 0: the learned reward ranks behaviour");
    v("factors", factors, "ranked reward factors, most important first");
    v("labeller", labeller,
      "tree: the first factor whose margin is exceeded decides (HERON); sum: the larger sum of "
      "the signed factors wins (flat preferences)",
      Check::OneOf({"tree", "sum"}));
    v("compare", compare,
      "transitions, or segments of segment_length steps of one episode (factors summed)",
      Check::OneOf({"transitions", "segments"}));
    v("segment_length", segment_length,
      "steps per segment (a terminated episode's last segment may be shorter)",
      Check::Range(1, 1 << 20));
    v("model", model, "the reward model R_ψ");
    v("pairs", pairs, "pairs drawn (then labelled; ties dropped) per fit",
      Check::Range(1, 1 << 24));
    v("epochs", epochs, "passes over the labelled pairs per fit", Check::Range(1, 1000));
    v("batch_size", batch_size, "labelled pairs per Adam step", Check::Range(1, 1 << 20));
    v("lr", lr, "Adam learning rate of the reward model", Check::Positive());
    v("holdout", holdout, "fraction of the labelled pairs kept out of training for the accuracy",
      Check::RangeOpenHigh(0, 1));
    v("window", window,
      "recent transitions each fit sees; at least the env steps between fits (PPO: n_steps × "
      "num_envs; SAC: fit_every + train_freq, as a fit waits for the next update)",
      Check::Range(1, 1 << 24));
    v("fifo", fifo, "items (transitions or segments) of earlier fits kept in the pairing pool",
      Check::Range(0, 1 << 24));
    v("fit_every", fit_every, "env steps between fits (SAC); 0 = before every agent update (PPO)",
      Check::Range(0, 1 << 30));
    v("normalize_output", normalize_output,
      "standardise R_ψ with the running mean and std of its outputs on new transitions");
    v("center_output", center_output,
      "subtract the running mean when normalising: true, false (divide by the std only, keeping "
      "the per-step level that segments cut short by a termination teach), auto (true for "
      "transitions, false for segments)",
      Check::OneOf({"auto", "true", "false"}));
  }
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_HERON_HERON_CONFIG_H_
