// Random network distillation: the bonus of a state shrinks as the predictor trains on it while a
// distant unseen state keeps a high bonus, Fit is deterministic and its state round-trips through
// a checkpoint, bad options are one-line errors, and PPO maximising the bonus alone covers more of
// a gridworld than PPO without any reward.
#include "rewards/rnd/rnd.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "core/config_node.h"
#include "core/error.h"
#include "envs/registry.h"
#include "rewards/registry.h"
#include "tests/support/temp_dir.h"
#include "tests/support/training.h"

namespace rl {
namespace {

// A fitting window of `n` copies of the next observation `s` (all other fields zero), kept in a
// TransitionStore as the reward pipeline keeps it.
struct Window {
  Window(const Eigen::VectorXf& s, int n) : store(n, static_cast<int>(s.size()), 1, 1) {
    VecStep step;
    step.final_obs = s.cast<double>();
    step.reward = Vec::Zero(1);
    step.terms = Mat::Zero(1, 1);
    step.terminated = {0};
    step.truncated = {0};
    const Mat obs = Mat::Zero(s.size(), 1), action = Mat::Zero(1, 1);
    for (int i = 0; i < n; ++i) store.Add(obs, action, step);
  }
  // What Fit receives at env step `step`.
  FitContext Context(int64_t step) const { return {step, nullptr, &store, nullptr}; }
  TransitionStore store;
};

// A dynamic-size 4-vector.
Eigen::VectorXf Vec4(float x0, float x1, float x2, float x3) {
  Eigen::VectorXf v(4);
  v << x0, x1, x2, x3;
  return v;
}

// The raw bonus of one state.
float Bonus(const Rnd& rnd, const Eigen::VectorXf& s) {
  Eigen::VectorXf out(1);
  rnd.RawBonus(s, out);
  return out[0];
}

RndConfig RawConfig() {
  RndConfig config;
  config.normalize_obs = false;
  config.normalize_bonus = false;
  return config;
}

TEST_CASE("rnd bonus of a trained state shrinks while a distant unseen state stays high",
          "[rnd][unit]") {
  Rnd rnd(RawConfig(), 4, "rnd", Rng(3, RngStream::kReward, 1));
  const Eigen::VectorXf seen = Vec4(1.0f, -1.0f, 0.5f, 2.0f);
  const Eigen::VectorXf unseen = Vec4(-3.0f, 4.0f, -2.0f, -1.0f);
  const float seen_before = Bonus(rnd, seen), unseen_before = Bonus(rnd, unseen);
  REQUIRE(seen_before > 0.0f);
  const Window window(seen, 256);
  std::vector<double> metrics;
  for (int i = 0; i < 100; ++i) metrics = rnd.Fit(window.Context(i));
  const float seen_after = Bonus(rnd, seen), unseen_after = Bonus(rnd, unseen);
  CHECK(seen_after < 0.01f * seen_before);
  CHECK(unseen_after > 0.3f * unseen_before);
  CHECK(unseen_after > 100.0f * seen_after);
  REQUIRE(metrics.size() == rnd.MetricNames().size());
  CHECK(rnd.MetricNames()[0] == "reward/rnd_loss");
  CHECK(metrics[0] < 0.05 * seen_before);
}

TEST_CASE("rnd is deterministic and its checkpoint state resumes it exactly", "[rnd][unit]") {
  const Eigen::VectorXf a = Vec4(0.3f, 1.0f, -0.2f, 0.7f), b = Vec4(2.0f, -1.5f, 0.1f, 0.4f);
  Eigen::MatrixXf states(4, 2);
  states << a, b;
  const Window first(a, 300), second(b, 300);
  RndConfig config;
  config.batch_size = 64;
  Rnd one(config, 4, "rnd", Rng(5, RngStream::kReward, 0));
  Rnd two(config, 4, "rnd", Rng(5, RngStream::kReward, 0));
  Rnd other(config, 4, "rnd", Rng(5, RngStream::kReward, 1));
  for (Rnd* rnd : {&one, &two, &other}) rnd->Fit(first.Context(0));
  const Window both(a, 2);
  Eigen::VectorXf out_one(2), out_two(2), out_other(2);
  const RewardBatch zeros = ToRewardBatch(both.store);
  const RewardBatch pair{zeros.obs,   zeros.action,     states,         zeros.env_reward,
                         zeros.terms, zeros.terminated, zeros.truncated};
  one.Compute(pair, out_one);
  two.Compute(pair, out_two);
  other.Compute(pair, out_other);
  CHECK(out_one == out_two);
  CHECK(out_one != out_other);

  // save after one Fit, load into the differently seeded module, continue both
  testing::TempDir dir;
  {
    h5::File f = h5::File::Create((dir.Path() / "rnd.h5").string());
    one.Save(f.CreateGroup("rnd"));
  }
  other.Load(h5::File::OpenReadOnly((dir.Path() / "rnd.h5").string()).OpenGroup("rnd"));
  const std::vector<double> m_one = one.Fit(second.Context(1));
  const std::vector<double> m_other = other.Fit(second.Context(1));
  CHECK(m_one == m_other);
  one.Compute(pair, out_one);
  other.Compute(pair, out_other);
  CHECK(out_one == out_other);
}

TEST_CASE("rnd rejects a negative weight and a zero hidden size", "[rnd][unit]") {
  const std::unique_ptr<Env> env = FindEnv("Pendulum-v1").make({}, "env.options");
  const RewardContext context{env.get(), 0.99, 0, 0};
  const auto make = [&](const std::string& yaml) {
    return MakeRewardPipeline(ParseYaml(yaml, "test.yaml"), context);
  };
  CHECK(make("[{type: env, weight: 0}, {type: rnd}]").Learned());
  CHECK_THROWS_AS(make("[{type: env, weight: 0}, {type: rnd, weight: -1}]"), UserError);
  CHECK_THROWS_WITH(make("[{type: rnd, weight: -1}]"), Catch::Contains("reward[0].weight"));
  CHECK_THROWS_AS(make("[{type: rnd, hidden: [64, 0]}]"), UserError);
  CHECK_THROWS_AS(make("[{type: rnd, output_dim: 0}]"), UserError);
  CHECK_THROWS_AS(make("[{type: rnd, window: 0}]"), UserError);
}

// Counts, per episode, the distinct cells a training run visits.
class Coverage : public TrainerHook {
 public:
  explicit Coverage(int num_envs) : current_(num_envs) {}
  void OnStep(const StepRecord& step) override {
    const VecStep& r = *step.result;
    for (int i = 0; i < static_cast<int>(current_.size()); ++i) {
      int cell;
      r.final_obs.col(i).maxCoeff(&cell);
      current_[i].insert(cell);
      all.insert(cell);
      if (r.terminated[i] || r.truncated[i]) {
        per_episode.push_back(static_cast<int>(current_[i].size()));
        current_[i].clear();
      }
    }
  }
  std::set<int> all;             // cells visited during the whole run
  std::vector<int> per_episode;  // distinct cells of each finished episode, in order

 private:
  std::vector<std::set<int>> current_;
};

// Mean distinct cells per episode over the last half of the episodes of a PPO run on FourRooms.
double LateCoverage(const std::string& reward) {
  const std::string yaml =
      "name: rnd_grid\nseed: 1\ntotal_steps: 16384\n"
      "env: {id: Grid-FourRooms, num_envs: 4}\n"
      "agent: {type: ppo, num_steps: 256, num_minibatches: 4, update_epochs: 4, lr: 1.0e-3,\n"
      "        gamma: 0.99, ent_coef: 0.01, net: {hidden: [64, 64]}}\n"
      "reward: " +
      reward + "\neval: {every_steps: 0, episodes: 1}\n";
  testing::Session run(ResolveExperimentConfig(ParseYaml(yaml, "test.yaml"), {}));
  Coverage coverage(run.Env().Size());
  run.GetTrainer().AddHook(&coverage);
  run.Run();
  const std::vector<int>& n = coverage.per_episode;
  REQUIRE(n.size() >= 8);
  double sum = 0.0;
  for (size_t i = n.size() / 2; i < n.size(); ++i) sum += n[i];
  return sum / static_cast<double>(n.size() - n.size() / 2);
}

TEST_CASE("ppo with the rnd bonus alone covers more of a gridworld than ppo without reward",
          "[rnd][unit]") {
  const double without = LateCoverage("[{type: env, weight: 0}]");
  const double with_rnd = LateCoverage("[{type: env, weight: 0}, {type: rnd}]");
  INFO("cells per episode: without reward " << without << ", rnd " << with_rnd);
  CHECK(with_rnd > 1.2 * without);
}

}  // namespace
}  // namespace rl
