// Reward-free exploration in a tabular MDP: one interface, three methods (algorithms.md §5.3–5.4).
//
// An explorer runs episodes of H steps in the true MDP (sampling s_1 ~ initial and
// s_{h+1} ~ P(. | s_h, a_h) with its own Rng), never sees a reward, and keeps the transition
// counts (ExplorationData). Each episode it first plans (PlanEpisode), then acts step by step
// (Act), then learns from the episode's transitions (Learn).
//
//   "vtr"     uncertainty-weighted value-targeted regression with the worst-case-uncertainty
//             pseudo-reward (rewards/reward_free/vtr_explorer.h; Zhang, Zhang & Gu, ICML 2023)
//   "rfucrl"  RF-UCRL (Kaufmann et al., ALT 2021; rewards/reward_free/rf_ucrl_explorer.h)
//   "random"  uniform random actions
//
// Randomness: Rng(seed, RngStream::kReward, index) draws the start state, the transitions and the
// random choices (uniform actions, tie-breaking among equal values).
#ifndef REWARDLAB_REWARDS_REWARD_FREE_EXPLORER_H_
#define REWARDLAB_REWARDS_REWARD_FREE_EXPLORER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/rng.h"
#include "envs/grid/tabular.h"
#include "rewards/reward_free/exploration_data.h"

namespace rl {

// Settings of every explorer; each method reads its own fields.
struct ExplorerConfig {
  int horizon = 20;        // H, steps per episode
  int episodes = 1000;     // K planned in total (VTR's alpha^2 = 1 / (K H))
  uint64_t seed = 0;       // experiment seed
  uint64_t rng_index = 0;  // index of the RngStream::kReward stream
  // VTR (defaults of algorithms.md §5.3)
  double lambda = 1.0;   // ridge of the per-(s, a) regressions
  int moments = 3;       // M, moment orders m = 0..M-1 (values V^(2^m))
  double beta = 1.0;     // confidence multiplier of bonus and pseudo-reward
  double gamma_w = 1.0;  // weight floor coefficient on ||phi||
  // RF-UCRL (defaults of algorithms.md §5.4)
  double delta = 0.1;  // confidence level
  double c = 1.0;      // bonus multiplier
};

// One step of an exploration episode (h counts from 0).
struct ExplorationStep {
  int h = 0;     // step index in [0, H)
  int s = 0;     // state
  int a = 0;     // action
  int next = 0;  // next state
};

// A reward-free explorer of a fixed tabular MDP.
class TabularExplorer {
 public:
  // Explores `mdp` (only P and the start distribution are used); throws UserError on bad settings.
  TabularExplorer(const TabularMdp& mdp, const ExplorerConfig& config);
  virtual ~TabularExplorer() = default;

  // Runs one exploration episode of H steps and records its transitions.
  void RunEpisode();
  // The transitions recorded so far.
  const ExplorationData& Data() const { return data_; }
  // The method's own bound on the planning error after the last episode's plan (VTR: V_1(s_1) of
  // the optimistic exploration values; RF-UCRL: F_1(s_1)); NaN where the method has none.
  virtual double Certificate() const;

 protected:
  // Computes this episode's exploration policy.
  virtual void PlanEpisode() {}
  // The action at step h in state s.
  virtual int Act(int h, int s) = 0;
  // Learns from the transitions of the episode just run.
  virtual void Learn(const std::vector<ExplorationStep>& /*steps*/) {}
  // An index of a maximal entry of `values`; exact ties are broken uniformly with the Rng.
  int ArgmaxRandomTie(const Eigen::Ref<const Eigen::VectorXd>& values);

  const TabularMdp& mdp_;
  ExplorerConfig config_;
  Rng rng_;
  ExplorationData data_;

 private:
  int Sample(const Eigen::Ref<const Eigen::VectorXd>& p);
  std::vector<ExplorationStep> steps_;
};

// The names accepted by MakeExplorer.
std::vector<std::string> ExplorerNames();
// The explorer called `method` ("vtr", "rfucrl", "random") for `mdp`, which must outlive it;
// throws UserError naming the closest method for an unknown name.
std::unique_ptr<TabularExplorer> MakeExplorer(const std::string& method, const TabularMdp& mdp,
                                              const ExplorerConfig& config);

}  // namespace rl

#endif  // REWARDLAB_REWARDS_REWARD_FREE_EXPLORER_H_
