#include "rewards/heron/preferences.h"

namespace rl::heron {

int Compare(const Eigen::Ref<const Eigen::VectorXf>& a, const Eigen::Ref<const Eigen::VectorXf>& b,
            const LabelRule& rule, int* level) {
  const int n = static_cast<int>(rule.sign.size());
  if (level) *level = -1;

  // flat: the signed sums, strictly
  if (rule.labeller == Labeller::kSum) {
    float sa = 0.0f, sb = 0.0f;
    for (int k = 0; k < n; ++k) {
      sa += rule.sign[k] * a[k];
      sb += rule.sign[k] * b[k];
    }
    if (sa == sb) return 0;
    if (level) *level = 0;
    return sa > sb ? 1 : -1;
  }

  // tree: the first level whose margin is exceeded decides
  for (int k = 0; k < n; ++k) {
    const float va = rule.sign[k] * a[k], vb = rule.sign[k] * b[k];
    const int verdict = va > vb + rule.margin[k] ? 1 : (vb > va + rule.margin[k] ? -1 : 0);
    if (verdict != 0) {
      if (level) *level = k;
      return verdict;
    }
  }
  return 0;
}

std::vector<Preference> Label(const Eigen::Ref<const Eigen::MatrixXf>& z,
                              std::span<const Pair> pairs, const LabelRule& rule,
                              LabelCounts& counts) {
  counts.decided_at.resize(rule.sign.size(), 0);
  std::vector<Preference> labelled;
  labelled.reserve(pairs.size());
  for (const Pair& p : pairs) {
    int level = -1;
    const int verdict = Compare(z.col(p.first), z.col(p.second), rule, &level);
    ++counts.drawn;
    if (verdict == 0) {
      ++counts.ties;
      continue;
    }
    ++counts.decided_at[level];
    labelled.push_back(verdict > 0 ? Preference{p.first, p.second} : Preference{p.second, p.first});
  }
  return labelled;
}

}  // namespace rl::heron
