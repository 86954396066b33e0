#include "envs/vec_env.h"

#include <catch2/catch.hpp>

namespace rl {
namespace {

// A counter env: obs = [steps so far, episode id]; terminates after `length` steps, where
// `length` is drawn at reset from the env's generator so the slots' streams matter.
class CounterEnv : public Env {
 public:
  CounterEnv() {
    spec_.id = "Counter";
    spec_.observation = Space::Box(2, 0, 1e9);
    spec_.action = Space::Discrete(2);
    spec_.max_episode_steps = 6;
    spec_.reward_terms = {"count", "bonus"};
    spec_.state_names = {"t"};
  }
  Vec PhysicalState() const override { return Vec::Constant(1, t_); }

 protected:
  void DoReset(const Vec* init, Eigen::Ref<Vec> obs) override {
    t_ = init ? (*init)[0] : 0;
    length_ = 2 + static_cast<int>(rng_.UniformInt(6));  // 2..7; 6 and 7 hit the time limit
    ++episode_;
    obs << t_, episode_;
  }
  void DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) override {
    t_ += 1;
    out.obs << t_, episode_;
    out.terms << 1.0, action[0];
    out.terminated = t_ >= length_;
  }

 private:
  double t_ = 0;
  int length_ = 0;
  int episode_ = 0;
};

std::unique_ptr<VecEnv> MakeCounters(int n, int threads) {
  std::vector<std::unique_ptr<Env>> envs;
  for (int i = 0; i < n; ++i) envs.push_back(std::make_unique<CounterEnv>());
  return std::make_unique<VecEnv>(std::move(envs), 42, RngStream::kEnv, threads);
}

TEST_CASE("vec env autoresets in the same step and keeps the true final observation", "[unit]") {
  auto vec = MakeCounters(3, 1);
  Mat obs;
  vec->Reset(obs);
  VecStep out;
  vec->ResizeFor(out);
  Mat actions = Mat::Ones(1, 3);
  int ended = 0;
  for (int step = 0; step < 40; ++step) {
    const Mat before = obs;
    vec->Step(actions, out);
    for (int i = 0; i < 3; ++i) {
      // s' always continues the episode that acted
      CHECK(out.final_obs(0, i) == before(0, i) + 1);
      CHECK(out.final_obs(1, i) == before(1, i));
      CHECK(out.reward[i] == out.terms(0, i) + out.terms(1, i));
      if (out.terminated[i] || out.truncated[i]) {
        ++ended;
        CHECK(out.episode_length[i] == out.final_obs(0, i));
        CHECK(out.obs(0, i) == 0);  // the new episode's first observation
        CHECK(out.obs(1, i) == out.final_obs(1, i) + 1);
        // the limit of 6 steps truncates (as Gymnasium's TimeLimit, an episode whose terminal
        // step is the 6th is both); shorter episodes terminate
        CHECK(out.truncated[i] == (out.episode_length[i] == 6));
        if (out.episode_length[i] < 6) CHECK(out.terminated[i]);
      } else {
        CHECK(out.episode_length[i] == 0);
        CHECK(out.obs.col(i) == out.final_obs.col(i));
      }
    }
    obs = out.obs;
  }
  CHECK(ended > 10);
}

TEST_CASE("threaded vec env is bit-identical to serial", "[unit]") {
  auto serial = MakeCounters(7, 1), threaded = MakeCounters(7, 3);
  Mat o1, o2;
  serial->Reset(o1);
  threaded->Reset(o2);
  REQUIRE(o1 == o2);
  VecStep s1, s2;
  Mat actions = Mat::Zero(1, 7);
  for (int step = 0; step < 100; ++step) {
    actions(0, step % 7) = step % 2;
    serial->Step(actions, s1);
    threaded->Step(actions, s2);
    REQUIRE(s1.obs == s2.obs);
    REQUIRE(s1.final_obs == s2.final_obs);
    REQUIRE(s1.terms == s2.terms);
    REQUIRE(s1.terminated == s2.terminated);
    REQUIRE(s1.truncated == s2.truncated);
  }
}

TEST_CASE("vec env slots draw from their own streams", "[unit]") {
  // slot i of a 4-env VecEnv sees the same episode lengths as slot i of an 8-env one
  auto small = MakeCounters(4, 1), large = MakeCounters(8, 2);
  Mat o1, o2;
  small->Reset(o1);
  large->Reset(o2);
  VecStep s1, s2;
  std::vector<int> lengths_small, lengths_large;
  for (int step = 0; step < 50; ++step) {
    small->Step(Mat::Zero(1, 4), s1);
    large->Step(Mat::Zero(1, 8), s2);
    for (int i = 0; i < 4; ++i) {
      REQUIRE(s1.episode_length[i] == s2.episode_length[i]);
    }
  }
}

}  // namespace
}  // namespace rl
