// Bitwise comparison of two run files' rows.
#ifndef REWARDLAB_TESTS_SUPPORT_RUN_DATA_CHECKS_H_
#define REWARDLAB_TESTS_SUPPORT_RUN_DATA_CHECKS_H_

#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "core/run_file.h"

namespace rl::testing {

// Same bits, NaN included.
template <class T>
bool SameColumn(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// Episodes, evaluations, the recorded episodes' index and every metric column except charts/SPS
// and charts/env_SPS (timing), bit for bit.
inline void CheckSameRows(const RunData& a, const RunData& b) {
  CHECK(SameColumn(a.episode_step, b.episode_step));
  CHECK(SameColumn(a.episode_return, b.episode_return));
  CHECK(SameColumn(a.episode_length, b.episode_length));
  CHECK(SameColumn(a.episode_optimized_return, b.episode_optimized_return));
  CHECK(SameColumn(a.episode_terminated, b.episode_terminated));
  REQUIRE(a.episode_terms.size() == b.episode_terms.size());
  for (const auto& [name, column] : a.episode_terms) {
    INFO("term " << name);
    CHECK(SameColumn(column, b.episode_terms.at(name)));
  }
  CHECK(a.eval_step == b.eval_step);
  CHECK(SameColumn(a.eval_return_mean, b.eval_return_mean));
  CHECK(SameColumn(a.eval_return_std, b.eval_return_std));
  CHECK(SameColumn(a.eval_returns, b.eval_returns));
  CHECK(a.rollout_step == b.rollout_step);
  CHECK(a.rollout_episode == b.rollout_episode);
  CHECK(SameColumn(a.rollout_return, b.rollout_return));
  CHECK(a.rollout_length == b.rollout_length);
  CHECK(a.rollout_terminated == b.rollout_terminated);
  REQUIRE(a.metrics.size() == b.metrics.size());
  for (const auto& [group, columns] : a.metrics) {
    INFO("metric group " << group);
    const MetricColumns& other = b.metrics.at(group);
    CHECK(columns.step == other.step);
    REQUIRE(columns.values.size() == other.values.size());
    for (const auto& [name, values] : columns.values) {
      if (group == "charts" && (name == "SPS" || name == "env_SPS")) continue;
      INFO("metric " << name);
      CHECK(SameColumn(values, other.values.at(name)));
    }
  }
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_RUN_DATA_CHECKS_H_
