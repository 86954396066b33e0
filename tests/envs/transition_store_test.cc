// The transition store: raw storage with terminated and truncated apart, the ring and its logical
// order, episode ids across slots and autoresets (hand-made and from a real VecEnv), segments,
// episodes, uniform sampling, Save/Load round trips and refusals of checkpoints that do not fit.
#include "envs/transition_store.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "tests/support/errors.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using testing::ErrorOf;

// A hand-made vector step of 3 slots: slot 0 terminates, slot 1 is truncated, slot 2 goes on;
// where an episode ended, obs already belongs to the next episode and final_obs is the true s'.
VecStep HandStep(double base) {
  VecStep step;
  step.obs = Mat::Constant(2, 3, -100.0);
  step.final_obs.resize(2, 3);
  step.final_obs << base + 1, base + 2, base + 3, base + 4, base + 5, base + 6;
  step.obs.col(2) = step.final_obs.col(2);
  step.reward = Vec::LinSpaced(3, base, base + 2);
  step.terms = step.reward.transpose();
  step.terminated = {1, 0, 0};
  step.truncated = {0, 1, 0};
  step.episode_length = {7, 9, 0};
  return step;
}

// A step of `n` slots whose env reward numbers the transition (`first` + slot), with the slots in
// `ends` terminating.
VecStep NumberedStep(int n, double first, const std::vector<int>& ends = {}) {
  VecStep step;
  step.obs = step.final_obs = Mat::Constant(1, n, first);
  step.reward = Vec::LinSpaced(n, first, first + n - 1);
  step.terms = Mat(0, n);
  step.terminated.assign(n, 0);
  step.truncated.assign(n, 0);
  for (int i : ends) step.terminated[i] = 1;
  return step;
}

// Adds a numbered step of `n` slots (transition numbers count on from the store's history).
void AddNumbered(TransitionStore& store, int n, int& added, const std::vector<int>& ends = {}) {
  const Mat obs = Mat::Constant(1, n, added), action = Mat::Zero(1, n);
  store.Add(obs, action, NumberedStep(n, added, ends));
  added += n;
}

TEST_CASE("transition store keeps terminated and truncated apart and stores the true s'",
          "[unit]") {
  TransitionStore store(4, 2, 1, 1);
  Mat obs(2, 3), action(1, 3);
  obs << 0.5, 1.5, 2.5, -0.5, -1.5, -2.5;
  action << 0.25, -0.75, 1.0;
  const VecStep step = HandStep(10.0);
  store.Add(obs, action, step);
  REQUIRE(store.Size() == 3);
  CHECK(store.Terminated()[0] == 1);
  CHECK(store.Truncated()[0] == 0);
  CHECK(store.Terminated()[1] == 0);
  CHECK(store.Truncated()[1] == 1);
  CHECK(store.Terminated()[2] == 0);
  CHECK(store.Truncated()[2] == 0);
  for (int i = 0; i < 3; ++i) {
    INFO("slot " << i);
    CHECK(store.NextObs().col(i) == step.final_obs.col(i).cast<float>());
    CHECK(store.Obs().col(i) == obs.col(i).cast<float>());
    CHECK(store.Actions()(0, i) == static_cast<float>(action(0, i)));
    CHECK(store.EnvRewards()[i] == static_cast<float>(step.reward[i]));
    CHECK(store.EnvSlots()[i] == i);
  }

  // every sample is one stored transition, whole: the storage column of one UniformInt(Size())
  Rng rng(3), replay(3);
  TransitionBatch sample;
  store.Sample(64, rng, sample);
  REQUIRE(sample.Size() == 64);
  int seen[3] = {0, 0, 0};
  for (int b = 0; b < 64; ++b) {
    const int i = static_cast<int>(replay.UniformInt(3));
    ++seen[i];
    CHECK(sample.env_reward[b] == static_cast<float>(step.reward[i]));
    CHECK(sample.next_obs.col(b) == step.final_obs.col(i).cast<float>());
    CHECK(sample.obs.col(b) == obs.col(i).cast<float>());
    CHECK(sample.action(0, b) == static_cast<float>(action(0, i)));
    CHECK(sample.terminated[b] == (i == 0 ? 1 : 0));
    CHECK(sample.truncated[b] == (i == 1 ? 1 : 0));
    CHECK(sample.terms(0, b) == static_cast<float>(step.terms(0, i)));
    CHECK(sample.env_slot[b] == i);
  }
  CHECK(rng.UniformInt(1000) == replay.UniformInt(1000));
  CHECK(seen[0] > 0);
  CHECK(seen[1] > 0);
  CHECK(seen[2] > 0);

  // a second step wraps around the ring: the oldest two transitions are overwritten
  store.Add(obs, action, HandStep(20.0));
  CHECK(store.Size() == 4);
  CHECK(store.EnvRewards()[3] == 20.0f);
  CHECK(store.EnvRewards()[0] == 21.0f);
  CHECK(store.Truncated()[0] == 1);
  CHECK(store.EnvRewards()[2] == 12.0f);
}

TEST_CASE("transition store segments run oldest first across the ring's wrap", "[unit]") {
  TransitionStore store(5, 1, 1, 0);
  int added = 0;
  for (int t = 0; t < 4; ++t) AddNumbered(store, 2, added);
  REQUIRE(added == 8);
  REQUIRE(store.Size() == 5);
  // the newest five, transitions 3..7, in the order they were added
  TransitionBatch segment;
  store.Segment(0, 5, segment);
  for (int k = 0; k < 5; ++k) {
    CHECK(segment.env_reward[k] == static_cast<float>(3 + k));
    CHECK(segment.env_slot[k] == (3 + k) % 2);
    CHECK(store.EnvRewards()[store.Column(k)] == static_cast<float>(3 + k));
  }
  store.Segment(2, 2, segment);
  CHECK(segment.env_reward[0] == 5.0f);
  CHECK(segment.env_reward[1] == 6.0f);
  CHECK_THROWS_AS(store.Segment(4, 2, segment), std::out_of_range);
}

TEST_CASE("transition store numbers episodes by start across slots, autoresets and Clear",
          "[unit]") {
  TransitionStore store(100, 1, 1, 0);
  int added = 0;
  // 3 slots: slot 1 ends at steps 0 and 2, slot 0 at step 1, slot 2 never
  AddNumbered(store, 3, added, {1});
  AddNumbered(store, 3, added, {0});
  AddNumbered(store, 3, added, {1});
  AddNumbered(store, 3, added);
  // slot i starts episode i; slot 1's second episode starts at step 1 (id 3), slot 0's second at
  // step 2 (id 4, before slot 1's third, id 5, in the same step)
  const std::vector<int64_t> episode = {0, 1, 2, 0, 3, 2, 4, 3, 2, 4, 5, 2};
  const std::vector<int32_t> step = {0, 0, 0, 1, 0, 1, 0, 1, 2, 1, 0, 3};
  for (int c = 0; c < 12; ++c) {
    INFO("column " << c);
    CHECK(store.Episodes()[c] == episode[c]);
    CHECK(store.EpisodeSteps()[c] == step[c]);
  }
  CHECK(store.NextEpisode() == 6);
  CHECK(store.EpisodeColumns(3) == std::vector<int64_t>{4, 7});
  CHECK(store.EpisodeColumns(2) == std::vector<int64_t>{2, 5, 8, 11});
  CHECK(store.EpisodeColumns(7).empty());
  CHECK(store.CompleteEpisodes() == std::vector<int64_t>{0, 1, 3});

  TransitionBatch ep;
  store.Episode(2, ep);
  REQUIRE(ep.Size() == 4);
  for (int k = 0; k < 4; ++k) {
    CHECK(ep.env_reward[k] == static_cast<float>(2 + 3 * k));
    CHECK(ep.episode_step[k] == k);
  }

  // Clear forgets the transitions, not the episodes running on
  store.Clear();
  CHECK(store.Size() == 0);
  AddNumbered(store, 3, added, {2});
  AddNumbered(store, 3, added);
  CHECK(store.Episodes()[0] == 4);
  CHECK(store.EpisodeSteps()[0] == 2);
  CHECK(store.Episodes()[1] == 5);
  CHECK(store.Episodes()[2] == 2);
  CHECK(store.EpisodeSteps()[2] == 4);
  CHECK(store.Episodes()[5] == 6);
  CHECK(store.EpisodeSteps()[5] == 0);
  // episode 2 ended after the Clear but began before it: partial, so not complete
  CHECK(store.CompleteEpisodes().empty());
  CHECK_THROWS_AS(AddNumbered(store, 2, added), UserError);
}

TEST_CASE("transition store episodes of a wrapped ring are partial where the start is gone",
          "[unit]") {
  TransitionStore store(7, 1, 1, 0);
  int added = 0;
  for (int t = 0; t < 6; ++t)
    AddNumbered(store, 2, added, t == 3 ? std::vector<int>{0} : std::vector<int>{});
  // slot 0: episode 0 for steps 0..3, episode 2 from step 4; slot 1: episode 1 throughout
  REQUIRE(store.Size() == 7);  // transitions 5..11
  TransitionBatch ep;
  store.Episode(0, ep);
  REQUIRE(ep.Size() == 1);  // transition 6 (step 3, its last), 0, 2 and 4 were overwritten
  CHECK(ep.env_reward[0] == 6.0f);
  CHECK(ep.episode_step[0] == 3);
  store.Episode(1, ep);
  REQUIRE(ep.Size() == 4);  // transitions 5, 7, 9, 11
  for (int k = 0; k < 4; ++k) CHECK(ep.env_reward[k] == static_cast<float>(5 + 2 * k));
  store.Episode(2, ep);
  REQUIRE(ep.Size() == 2);
  CHECK(ep.episode_step[0] == 0);
  CHECK(store.CompleteEpisodes().empty());
}

TEST_CASE("transition store episodes from a VecEnv chain s' to s and match episode lengths",
          "[unit]") {
  EnvConfig config;
  config.num_envs = 3;
  std::unique_ptr<VecEnv> env = MakeVecEnv(config, 5);
  const int obs_dim = env->Spec().observation.Dim();
  TransitionStore store(600, obs_dim, 1, static_cast<int>(env->Spec().reward_terms.size()));
  Mat obs, action(1, 3);
  VecStep step;
  env->ResizeFor(step);
  env->Reset(obs);
  std::map<int64_t, int> lengths;  // reported length of each ended episode, by store id
  for (int t = 0; t < 200; ++t) {
    for (int i = 0; i < 3; ++i) action(0, i) = (t / (i + 1)) % 2;
    env->Step(action, step);
    store.Add(obs, action, step);
    for (int i = 0; i < 3; ++i) {
      const int64_t id = store.Episodes()[store.Column(store.Size() - 3 + i)];
      if (step.episode_length[i]) lengths[id] = step.episode_length[i];
    }
    obs = step.obs;
  }
  const std::vector<int64_t> complete = store.CompleteEpisodes();
  REQUIRE(complete.size() == lengths.size());
  TransitionBatch ep;
  for (int64_t id : complete) {
    INFO("episode " << id);
    store.Episode(id, ep);
    CHECK(ep.Size() == lengths.at(id));
    for (int k = 0; k + 1 < ep.Size(); ++k) {
      CHECK(ep.obs.col(k + 1) == ep.next_obs.col(k));
      CHECK(ep.episode_step[k] == k);
      CHECK(ep.env_slot[k] == ep.env_slot[0]);
      CHECK_FALSE((ep.terminated[k] || ep.truncated[k]));
    }
  }
}

// Requires two stores to hold the same transitions in the same storage columns and counters.
void CheckSameStore(const TransitionStore& a, const TransitionStore& b) {
  REQUIRE(a.Size() == b.Size());
  REQUIRE(a.Column(0) == b.Column(0));
  CHECK(a.NextEpisode() == b.NextEpisode());
  const int64_t n = a.Size();
  CHECK(a.Obs().leftCols(n) == b.Obs().leftCols(n));
  CHECK(a.Actions().leftCols(n) == b.Actions().leftCols(n));
  CHECK(a.NextObs().leftCols(n) == b.NextObs().leftCols(n));
  CHECK(a.EnvRewards().head(n) == b.EnvRewards().head(n));
  CHECK(a.Terms().leftCols(n) == b.Terms().leftCols(n));
  for (int64_t c = 0; c < n; ++c) {
    INFO("column " << c);
    CHECK(a.Terminated()[c] == b.Terminated()[c]);
    CHECK(a.Truncated()[c] == b.Truncated()[c]);
    CHECK(a.EnvSlots()[c] == b.EnvSlots()[c]);
    CHECK(a.Episodes()[c] == b.Episodes()[c]);
    CHECK(a.EpisodeSteps()[c] == b.EpisodeSteps()[c]);
  }
}

TEST_CASE("transition store Save/Load restores a wrapped ring, its samples and episode counters",
          "[unit]") {
  testing::TempDir tmp;
  const std::string path = (tmp.Path() / "store.h5").string();
  TransitionStore store(5, 2, 1, 1), empty(5, 2, 1, 1);
  Mat obs = Mat::Random(2, 3), action = Mat::Random(1, 3);
  store.Add(obs, action, HandStep(10.0));
  store.Add(obs, action, HandStep(20.0));  // 6 transitions: the ring wrapped
  {
    h5::File f = h5::File::Create(path);
    store.Save(f.CreateGroup("store"));
    empty.Save(f.CreateGroup("empty"));
  }
  const h5::File f = h5::File::OpenReadOnly(path);
  // one row per transition, oldest first: the second step's slot 0 is the third kept
  CHECK(f.Shape("store/obs") == h5::Dims{5, 2});
  CHECK(f.Read<float>("store/env_reward")[2] == 20.0f);
  TransitionStore loaded(5, 2, 1, 1), loaded_empty(5, 2, 1, 1);
  loaded.Load(f.OpenGroup("store"));
  loaded_empty.Load(f.OpenGroup("empty"));
  CheckSameStore(store, loaded);
  CheckSameStore(empty, loaded_empty);
  CHECK(loaded_empty.NumSlots() == 0);

  // the same draws give the same minibatch; the next step continues every episode the same way
  Rng r1(9), r2(9);
  TransitionBatch s1, s2;
  store.Sample(16, r1, s1);
  loaded.Sample(16, r2, s2);
  CHECK(s1.obs == s2.obs);
  CHECK(s1.episode == s2.episode);
  store.Add(obs, action, HandStep(30.0));
  loaded.Add(obs, action, HandStep(30.0));
  CheckSameStore(store, loaded);
}

TEST_CASE("transition store refuses a checkpoint that does not fit with a one-line UserError",
          "[unit]") {
  testing::TempDir tmp;
  const std::string path = (tmp.Path() / "store.h5").string();
  TransitionStore store(5, 2, 1, 1);
  store.Add(Mat::Zero(2, 3), Mat::Zero(1, 3), HandStep(10.0));
  {
    h5::File f = h5::File::Create(path);
    store.Save(f.CreateGroup("store"));
    const h5::Group old = f.CreateGroup("old");  // the replay buffer's layout before the store
    old.WriteIntAttr("cursor", 3);
    old.Write<float>("obs", std::vector<float>(6, 0.0f), {3, 2});
  }
  const h5::File f = h5::File::OpenReadOnly(path);
  const std::vector<std::pair<std::string, TransitionStore>> cases = {
      {"where this config gives 6", TransitionStore(6, 2, 1, 1)},
      {"/store/obs holds 3 x 2 values where 3 transitions of width 3", TransitionStore(5, 3, 1, 1)},
      {"/store/terms holds 3 x 1 values where 3 transitions of width 2",
       TransitionStore(5, 2, 1, 2)},
  };
  for (auto [expected, other] : cases) {
    const std::string message = ErrorOf([&] { other.Load(f.OpenGroup("store")); });
    CHECK_THAT(message, Contains(path) && Contains(expected));
    CHECK(message.find('\n') == std::string::npos);
  }
  TransitionStore fits(5, 2, 1, 1);
  CHECK_THAT(ErrorOf([&] { fits.Load(f.OpenGroup("old")); }),
             Contains(path + ": /old was written by an older rewardlab"));
}

}  // namespace
}  // namespace rl

namespace rl {
namespace {

TEST_CASE("transition store samples DAC's augmented buffer: one self-loop per stored termination",
          "[unit]") {
  // 4 slots, 5 steps: slot 0 terminates at steps 1 and 3, slot 2 at step 4 -> 3 of 20 stored
  TransitionStore store(20, 1, 1, 0);
  int added = 0;
  for (int t = 0; t < 5; ++t) {
    std::vector<int> ends;
    if (t == 1 || t == 3) ends.push_back(0);
    if (t == 4) ends.push_back(2);
    AddNumbered(store, 4, added, ends);
  }
  REQUIRE(store.NumTerminated() == 3);

  // the fraction of self-loop rows is 3 / 23; they are all zero and marked, the rest real
  Rng rng(3);
  TransitionBatch batch;
  store.SampleAbsorbing(23000, rng, batch);
  int loops = 0;
  for (int b = 0; b < batch.Size(); ++b) {
    if (!batch.absorbing[b]) {
      CHECK(batch.episode[b] >= 0);
      continue;
    }
    ++loops;
    CHECK(batch.obs(0, b) == 0.0f);
    CHECK(batch.next_obs(0, b) == 0.0f);
    CHECK(batch.action(0, b) == 0.0f);
    CHECK(batch.env_reward[b] == 0.0f);
    CHECK(batch.terminated[b] == 0);
    CHECK(batch.truncated[b] == 0);
    CHECK(batch.episode[b] == -1);
  }
  CHECK(loops / 23000.0 == Approx(3.0 / 23.0).margin(0.01));

  // plain sampling has no absorbing rows; overwriting a terminal transition forgets it
  store.Sample(100, rng, batch);
  CHECK(std::count(batch.absorbing.begin(), batch.absorbing.end(), 1) == 0);
  AddNumbered(store, 4, added);  // overwrites step 0
  AddNumbered(store, 4, added);  // overwrites step 1 (slot 0 terminated there)
  CHECK(store.NumTerminated() == 2);

  // the count survives Save/Load and Clear empties it
  testing::TempDir tmp;
  const std::string path = (tmp.Path() / "store.h5").string();
  {
    h5::File f = h5::File::Create(path);
    store.Save(f.CreateGroup("store"));
  }
  TransitionStore loaded(20, 1, 1, 0);
  loaded.Load(h5::File::OpenReadOnly(path).OpenGroup("store"));
  CHECK(loaded.NumTerminated() == 2);
  Rng r1(5), r2(5);
  TransitionBatch b1, b2;
  store.SampleAbsorbing(64, r1, b1);
  loaded.SampleAbsorbing(64, r2, b2);
  CHECK(b1.absorbing == b2.absorbing);
  CHECK(b1.obs == b2.obs);
  store.Clear();
  CHECK(store.NumTerminated() == 0);
}

}  // namespace
}  // namespace rl
