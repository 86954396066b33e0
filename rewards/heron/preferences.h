// Preference labels over ranked reward factors (HERON, algorithms.md §3.2): the decision tree that
// lets the most important factor whose difference exceeds its margin decide, and the flat `sum`
// labeller of the RLHF ablation. Pure functions, no state.
#ifndef REWARDLAB_REWARDS_HERON_PREFERENCES_H_
#define REWARDLAB_REWARDS_HERON_PREFERENCES_H_

#include <Eigen/Dense>
#include <cstdint>
#include <span>
#include <vector>

namespace rl::heron {

// How pairs are labelled.
enum class Labeller {
  kTree,  // level by level in rank order; the first margin exceeded decides
  kSum,   // the larger sum of the signed factors wins, no margin
};

// Ranked, signed factors with their margins.
struct LabelRule {
  Labeller labeller = Labeller::kTree;
  std::vector<float> sign;    // (n) +1: higher wins, -1: lower wins; in rank order
  std::vector<float> margin;  // (n) absolute δ_k >= 0 (margin × std), in rank order
};

// Two items of a pool, by index.
struct Pair {
  int first = 0;
  int second = 0;
};

// A labelled pair: the winner's and the loser's index.
struct Preference {
  int winner = 0;
  int loser = 0;
};

// What labelling a set of pairs decided.
struct LabelCounts {
  int64_t drawn = 0;                // pairs looked at
  int64_t ties = 0;                 // undecided, dropped
  std::vector<int64_t> decided_at;  // (n) pairs decided at each level (tree) or at level 1 (sum)
};

// Compares items a and b (factor vectors (n), rank order): +1 when a wins, -1 when b wins, 0 when
// no level decides; `level` gets the deciding level (0-based) or -1.
int Compare(const Eigen::Ref<const Eigen::VectorXf>& a, const Eigen::Ref<const Eigen::VectorXf>& b,
            const LabelRule& rule, int* level = nullptr);

// Labels `pairs` of the columns of `z` (n x items): the decided ones in order, ties dropped and
// counted in `counts` (sized and accumulated).
std::vector<Preference> Label(const Eigen::Ref<const Eigen::MatrixXf>& z,
                              std::span<const Pair> pairs, const LabelRule& rule,
                              LabelCounts& counts);

}  // namespace rl::heron

#endif  // REWARDLAB_REWARDS_HERON_PREFERENCES_H_
