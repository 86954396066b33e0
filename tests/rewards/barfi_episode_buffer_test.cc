// BARFI's episode buffer: whole episodes cut at terminated or truncated rows, the newest kept,
// sampling among the oldest, a checkpoint round trip, and a damaged checkpoint refused.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/checkpoint.h"
#include "core/error.h"
#include "rewards/barfi/episode_buffer.h"
#include "tests/support/temp_dir.h"

namespace rl::barfi {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

// n transitions whose obs column t is (first + t, -(first + t)); episodes end where `ends` says
// (1 terminated, 2 truncated).
TransitionBatch Transitions(int first, const std::vector<int>& ends) {
  const int n = static_cast<int>(ends.size());
  TransitionBatch b;
  b.obs.resize(2, n);
  for (int t = 0; t < n; ++t)
    b.obs.col(t) << static_cast<float>(first + t), static_cast<float>(-(first + t));
  b.action = b.obs.topRows(1) * 0.5f;
  b.next_obs = (b.obs.array() + 1.0f).matrix();
  b.env_reward = b.obs.row(0).transpose();
  b.terms.resize(0, n);
  for (const int e : ends) {
    b.terminated.push_back(e == 1);
    b.truncated.push_back(e == 2);
  }
  return b;
}

TEST_CASE("BARFI's episode buffer keeps the newest whole episodes and round-trips", "[unit]") {
  EpisodeBuffer buffer(2, "reward module 'barfi'");
  // episodes of 3, 2 and 2 rows, then a trailing unfinished one that is not kept
  const TransitionBatch first = Transitions(0, {0, 0, 1, 0, 2, 0, 1, 0});
  const Eigen::MatrixXf actions = first.obs * 2.0f;
  buffer.Append(ToRewardBatch(first), actions);
  REQUIRE(buffer.Ids() == std::vector<int64_t>{1, 2});

  TransitionBatch out;
  Eigen::MatrixXf out_actions;
  buffer.Gather({1, 2}, out, out_actions);
  REQUIRE(out.Size() == 4);
  CHECK(out.obs == first.obs.middleCols(3, 4));
  CHECK(out.next_obs == first.next_obs.middleCols(3, 4));
  CHECK(out_actions == actions.middleCols(3, 4));
  CHECK(out.terminated == std::vector<uint8_t>{0, 0, 0, 1});
  CHECK(out.truncated == std::vector<uint8_t>{0, 1, 0, 0});
  CHECK_THROWS_WITH(buffer.Gather({0}, out, out_actions),
                    Contains("reward module 'barfi': episode 0 is not in the HVP buffer"));

  // samples come from the oldest `eligible`, sorted
  Rng rng(7);
  for (int i = 0; i < 20; ++i) CHECK(buffer.Sample(1, 1, rng) == std::vector<int64_t>{1});
  CHECK(buffer.Sample(2, 2, rng) == std::vector<int64_t>{1, 2});

  // a checkpoint restores the episodes and the numbering
  testing::TempDir dir;
  const std::string path = (dir.Path() / "buffer.h5").string();
  {
    h5::File f = h5::File::Create(path);
    buffer.Save(f.CreateGroup("m")).Write<int64_t>("sample", std::vector<int64_t>{2});
    f.Close();
  }
  EpisodeBuffer loaded(2, "reward module 'barfi'");
  {
    h5::File f = h5::File::OpenReadOnly(path);
    CHECK(loaded.Load(f.OpenGroup("m")).Read<int64_t>("sample") == std::vector<int64_t>{2});
  }
  CHECK(loaded.Ids() == buffer.Ids());
  TransitionBatch again;
  Eigen::MatrixXf again_actions;
  loaded.Gather({1, 2}, again, again_actions);
  CHECK(again.obs == out.obs);
  CHECK(again.env_reward == out.env_reward);
  CHECK(again_actions == out_actions);
  const TransitionBatch second = Transitions(100, {1});
  loaded.Append(ToRewardBatch(second), second.obs);
  CHECK(loaded.Ids() == std::vector<int64_t>{2, 3});
}

// Writes a buffer of 5 transitions with the given episode lengths and policy-action columns.
void WriteBuffer(const std::string& path, const std::vector<int64_t>& lengths, int action_cols) {
  const TransitionBatch b = Transitions(0, {0, 0, 1, 0, 1});
  h5::File f = h5::File::Create(path);
  const h5::Group g = f.CreateGroup("m");
  g.WriteIntAttr("episodes_seen", 2);
  const h5::Group h = g.CreateGroup("hvp_buffer");
  h.Write<int64_t>("ids", std::vector<int64_t>{0, 1});
  h.Write<int64_t>("lengths", lengths);
  ckpt::Write(h, "obs", b.obs);
  ckpt::Write(h, "action", b.action);
  ckpt::Write(h, "next_obs", b.next_obs);
  ckpt::Write(h, "env_reward", b.env_reward);
  ckpt::Write(h, "terms", b.terms);
  ckpt::Write(h, "policy_actions", Eigen::MatrixXf(b.obs.leftCols(action_cols)));
  h.Write<uint8_t>("terminated", b.terminated);
  h.Write<uint8_t>("truncated", b.truncated);
  f.Close();
}

TEST_CASE("BARFI's episode buffer refuses a checkpoint whose lengths do not fit its data",
          "[unit]") {
  testing::TempDir dir;
  const std::string path = (dir.Path() / "buffer.h5").string();
  EpisodeBuffer buffer(4, "reward module 'barfi'");
  const auto load = [&] {
    h5::File f = h5::File::OpenReadOnly(path);
    buffer.Load(f.OpenGroup("m"));
  };
  WriteBuffer(path, {3, 2}, 5);
  load();
  CHECK(buffer.Ids() == std::vector<int64_t>{0, 1});
  // lengths beyond the data, a negative length, or too few policy actions
  for (const auto& [lengths, cols] :
       std::vector<std::pair<std::vector<int64_t>, int>>{{{3, 3}, 5}, {{6, -1}, 5}, {{3, 2}, 4}}) {
    INFO("lengths " << lengths[0] << ", " << lengths[1] << "; " << cols << " policy actions");
    fs::remove(path);
    WriteBuffer(path, lengths, cols);
    CHECK_THROWS_AS(load(), UserError);
    CHECK_THROWS_WITH(load(), Contains("reward module 'barfi'") && Contains("inconsistent") &&
                                  Contains("5 transitions"));
    CHECK(buffer.Ids() == std::vector<int64_t>{0, 1});
  }
}

}  // namespace
}  // namespace rl::barfi
