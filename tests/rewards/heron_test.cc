// HERON's labels and reward model: the tree comparator level by level, labels that ignore a
// positive rescaling of any factor, the Bradley–Terry gradient against finite differences, a
// known hierarchy learned from synthetic data, SAC relabelling every sampled minibatch with the
// current model, and bad configs refused with one line naming the key.
#include "rewards/heron/heron.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "agents/registry.h"
#include "core/config_node.h"
#include "envs/registry.h"
#include "envs/vec_env.h"
#include "rewards/registry.h"
#include "rewards/reward_pipeline.h"
#include "tests/support/cli.h"
#include "tests/support/errors.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using heron::Compare;
using heron::Labeller;
using heron::LabelRule;

Eigen::VectorXf V(std::initializer_list<float> v) {
  Eigen::VectorXf out(v.size());
  int i = 0;
  for (float x : v) out[i++] = x;
  return out;
}

TEST_CASE("heron's tree lets the first level whose margin is exceeded decide", "[heron][unit]") {
  // lower, lower, higher; margins 0.5, 0.5, 0
  const LabelRule rule{Labeller::kTree, {-1, -1, 1}, {0.5f, 0.5f, 0.0f}};
  int level = 7;
  // level 1 decides in either direction, whatever the lower levels say
  CHECK(Compare(V({1, 5, 0}), V({2, 0, 9}), rule, &level) == 1);
  CHECK(level == 0);
  CHECK(Compare(V({2, 0, 9}), V({1, 5, 0}), rule, &level) == -1);
  CHECK(level == 0);
  // inside level 1's margin (0.3 < 0.5), level 2 decides
  CHECK(Compare(V({1, 5, 0}), V({1.3f, 0, 0}), rule, &level) == -1);
  CHECK(level == 1);
  // a difference equal to the margin does not decide
  CHECK(Compare(V({1, 1, 0}), V({1.5f, 1, 3}), rule, &level) == -1);
  CHECK(level == 2);
  // level 3: higher is better, margin 0
  CHECK(Compare(V({1, 1, 3}), V({1, 1, 2}), rule, &level) == 1);
  CHECK(level == 2);
  // no level decides: a tie
  CHECK(Compare(V({1, 1, 2}), V({1.2f, 1.2f, 2}), rule, &level) == 0);
  CHECK(level == -1);

  // the flat sum of signed factors can disagree with the tree
  const LabelRule sum{Labeller::kSum, {-1, -1, 1}, {0.5f, 0.5f, 0.0f}};
  CHECK(Compare(V({1, 5, 0}), V({2, 0, 9}), sum, &level) == -1);
  CHECK(level == 0);
  CHECK(Compare(V({1, 1, 2}), V({1, 1, 2}), sum, &level) == 0);

  // Label drops ties, counts levels and orders winner before loser
  Eigen::MatrixXf z(3, 4);
  z << 1, 2, 1, 1.2f,  //
      5, 0, 1, 1.2f,   //
      0, 9, 2, 2;
  const std::vector<heron::Pair> pairs = {{0, 1}, {1, 0}, {2, 3}, {0, 2}};
  heron::LabelCounts counts;
  const std::vector<heron::Preference> labels = heron::Label(z, pairs, rule, counts);
  REQUIRE(labels.size() == 3);
  CHECK((labels[0].winner == 0 && labels[0].loser == 1));
  CHECK((labels[1].winner == 0 && labels[1].loser == 1));
  CHECK((labels[2].winner == 2 && labels[2].loser == 0));  // level 2: 1 < 5
  CHECK(counts.drawn == 4);
  CHECK(counts.ties == 1);
  CHECK(counts.decided_at == std::vector<int64_t>{2, 1, 0});
}

TEST_CASE("heron's labels ignore a positive rescaling of any factor when margins are std-relative",
          "[heron][unit]") {
  Rng rng(11);
  for (int trial = 0; trial < 50; ++trial) {
    // random factors, some with repeated values (ties), random margins and directions
    const int n = 1 + static_cast<int>(rng.UniformInt(4)), items = 60;
    Eigen::MatrixXf z(n, items);
    for (int k = 0; k < n; ++k)
      for (int i = 0; i < items; ++i)
        z(k, i) = k % 2 ? static_cast<float>(rng.UniformInt(3))
                        : static_cast<float>(rng.Uniform(-3.0, 3.0));
    std::vector<float> sign, c;
    for (int k = 0; k < n; ++k) {
      sign.push_back(rng.UniformInt(2) ? 1.0f : -1.0f);
      c.push_back(static_cast<float>(rng.Uniform(0.0, 1.5)));
    }
    std::vector<heron::Pair> pairs;
    for (int p = 0; p < 400; ++p)
      pairs.push_back(
          {static_cast<int>(rng.UniformInt(items)), static_cast<int>(rng.UniformInt(items))});

    // labels with δ_k = c_k · std(z_k), before and after rescaling every factor
    const auto labels = [&](const Eigen::MatrixXf& data, heron::LabelCounts& counts) {
      LabelRule rule{Labeller::kTree, sign, {}};
      for (int k = 0; k < n; ++k) {
        const Eigen::ArrayXd row = data.row(k).cast<double>().array();
        const double std = std::sqrt((row - row.mean()).square().mean());
        rule.margin.push_back(static_cast<float>(c[k] * std));
      }
      return heron::Label(data, pairs, rule, counts);
    };
    Eigen::MatrixXf scaled = z;
    for (int k = 0; k < n; ++k) scaled.row(k) *= static_cast<float>(std::exp(rng.Uniform(-7, 7)));
    heron::LabelCounts before, after;
    const std::vector<heron::Preference> a = labels(z, before), b = labels(scaled, after);
    INFO("trial " << trial);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].winner == b[i].winner);
      CHECK(a[i].loser == b[i].loser);
    }
    CHECK(before.decided_at == after.decided_at);
    CHECK(before.ties == after.ties);
  }
}

TEST_CASE("the bradley-terry gradient of heron's reward model matches finite differences",
          "[heron][unit]") {
  // items of 1 to 3 transitions of 3 inputs; normalisation statistics from other data
  Rng rng(4);
  heron::ItemPool pool(8, 3, 3, 1);
  for (int i = 0; i < 8; ++i) {
    const int len = 1 + static_cast<int>(rng.UniformInt(3));
    pool.Add(Eigen::MatrixXf::Random(3, len) * 2.0f, V({0}));
  }
  Rng init(9);
  heron::PreferenceModel model(3, {6, 5}, 1e-3, init);
  model.UpdateInputs(Eigen::MatrixXf::Random(3, 50));
  const std::vector<heron::Preference> prefs = {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {1, 6}, {3, 0}};

  Eigen::VectorXf grad = Eigen::VectorXf::Zero(model.Net().NumParams());
  const double loss = model.Loss(pool, prefs, &grad);
  CHECK(loss > 0.0);
  Eigen::VectorXf& params = model.Net().Params();
  const float eps = 1e-3f;
  for (int i = 0; i < params.size(); ++i) {
    const float keep = params[i];
    params[i] = keep + eps;
    const double up = model.Loss(pool, prefs, nullptr);
    params[i] = keep - eps;
    const double down = model.Loss(pool, prefs, nullptr);
    params[i] = keep;
    const double fd = (up - down) / (2.0 * eps);
    INFO("parameter " << i);
    CHECK(grad[i] == Approx(fd).margin(5e-4).epsilon(1e-2));
  }
}

// A window of `n` transitions of a 3-d observation whose reward terms are the known factors:
// z1 = round(s0) (higher wins), z2 = round(s1) (higher wins), z3 = s2 (higher wins).
TransitionStore HierarchyWindow(int n, Rng& rng) {
  TransitionStore store(n, 3, 1, 3);
  VecStep step;
  step.reward = Vec::Zero(1);
  step.terminated = {0};
  step.truncated = {0};
  Mat obs(3, 1), action = Mat::Zero(1, 1);
  for (int i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) obs(d, 0) = rng.Uniform(-1.5, 1.5);
    step.final_obs = obs;
    step.terms = Mat(3, 1);
    step.terms << std::round(obs(0, 0)), std::round(obs(1, 0)), obs(2, 0);
    store.Add(obs, action, step);
  }
  return store;
}

// R_ψ reads (s, z), so the lexicographic order is representable (R = a z1 + b z2 + c z3 with
// a >> b >> c); from s alone it must also learn the rounding steps.
TEST_CASE("heron learns a known three-level hierarchy from its labels", "[heron][unit]") {
  HeronConfig config;
  config.factors = {
      {"z1", "higher", 0.0, 1.0}, {"z2", "higher", 0.0, 1.0}, {"z3", "higher", 0.0, 1.0}};
  config.model.hidden = {64, 64};
  config.model.inputs = "obs_factors";
  config.pairs = 4096;
  config.epochs = 4;
  config.batch_size = 128;
  config.window = 4096;
  config.holdout = 0.2;
  std::vector<HeronFactor> factors = {{"z1", 0}, {"z2", 1}, {"z3", 2}};
  Heron heron(config, factors, 3, 1, "heron", Rng(2, RngStream::kReward, 0));
  Rng rng(5);
  std::vector<double> metrics;
  for (int fit = 1; fit <= 6; ++fit) {
    const TransitionStore window = HierarchyWindow(config.window, rng);
    metrics = heron.Fit({fit * int64_t{4096}, nullptr, &window, nullptr});
  }
  const std::vector<std::string> names = heron.MetricNames();
  REQUIRE(names[1] == "heron/accuracy");
  INFO("held-out accuracy " << metrics[1] << ", tie rate " << metrics[2]);
  CHECK(metrics[1] >= 0.95);
  // every level decides some pairs; exact ties are rare
  for (int k = 0; k < 3; ++k) CHECK(metrics[4 + k] > 0.02);
  CHECK(metrics[2] < 0.05);
}

// `steps` steps of Pendulum-v1 under random torques, handed to `observe(obs, action, step)`.
template <class F>
void RandomPendulum(int steps, uint64_t seed, F observe) {
  EnvConfig config;
  config.id = "Pendulum-v1";
  std::unique_ptr<VecEnv> env = MakeVecEnv(config, seed);
  Rng rng(seed + 1);
  Mat obs, action(1, 1);
  VecStep step;
  env->ResizeFor(step);
  env->Reset(obs);
  for (int i = 0; i < steps; ++i) {
    action(0, 0) = rng.Uniform(-2.0, 2.0);
    env->Step(action, step);
    observe(obs, action, step);
    obs = step.obs;
  }
}

// A module that passes another's reward on and keeps every batch it labelled.
class Spy : public RewardModule {
 public:
  explicit Spy(const RewardModule& inner) : inner_(inner) {}
  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override {
    inner_.Compute(batch, out);
    obs.emplace_back(batch.obs);
    rewards.emplace_back(out);
  }
  mutable std::vector<Eigen::MatrixXf> obs;      // (obs_dim x B) per call
  mutable std::vector<Eigen::VectorXf> rewards;  // (B) per call

 private:
  const RewardModule& inner_;
};

TEST_CASE("sac labels every sampled minibatch with heron's current model", "[heron][unit]") {
  const std::unique_ptr<Env> env = FindEnv("Pendulum-v1").make({}, "env.options");
  RewardPipeline heron_only = MakeRewardPipeline(
      ParseYaml("[{type: heron, factors: [{term: angle}, {term: velocity}], model: {hidden: [16]},"
                " pairs: 512, window: 64}]",
                "test.yaml"),
      {env.get(), 0.99, 1, 0});
  const Heron& heron = dynamic_cast<const Heron&>(heron_only.Module(0));
  std::vector<WeightedModule> modules;
  modules.push_back({"spy", 1.0, std::make_unique<Spy>(heron)});
  const Spy& spy = dynamic_cast<const Spy&>(*modules[0].module);
  const RewardPipeline pipeline(std::move(modules), 3, 1, 3);
  const std::unique_ptr<Agent> sac = FindAgent("sac").make(
      ParseYaml("{type: sac, batch_size: 8, learning_starts: 0, net: {hidden: [8]}}", "sac.yaml"),
      env->Spec(), 1, 3);
  const auto observe = [&](const Mat& obs, const Mat& action, const VecStep& step) {
    sac->Observe(obs, action, step);
    heron_only.Track(obs, action, step);
  };

  // fit, update, fit on new data, update: each update labels its own minibatch with the model of
  // that moment
  RandomPendulum(64, 2, observe);
  heron_only.Fit(64);
  sac->Update(pipeline);
  REQUIRE(spy.rewards.size() == 1);
  const Heron first_model = heron;
  RandomPendulum(64, 3, observe);
  heron_only.Fit(128);
  sac->Update(pipeline);
  REQUIRE(spy.rewards.size() == 2);
  const Eigen::MatrixXf& sampled = spy.obs[1];
  REQUIRE(sampled.cols() == 8);
  const TransitionStore& store = *sac->Transitions();
  TransitionBatch batch;
  std::vector<int64_t> columns;
  for (int b = 0; b < 8; ++b) {
    // the stored transitions the minibatch came from
    for (int64_t c = 0; c < store.Size(); ++c) {
      if (store.Obs().col(c) == sampled.col(b)) {
        columns.push_back(c);
        break;
      }
    }
  }
  REQUIRE(columns.size() == 8);
  store.Gather(columns, batch);
  Eigen::VectorXf now(8), before(8);
  heron.Compute(ToRewardBatch(batch), now);
  first_model.Compute(ToRewardBatch(batch), before);
  CHECK(spy.rewards[1] == now);
  CHECK((spy.rewards[1] - before).cwiseAbs().maxCoeff() > 1e-3f);
}

TEST_CASE("heron trains the same model when a factor is rescaled", "[heron][unit]") {
  const std::unique_ptr<Env> env = FindEnv("Pendulum-v1").make({}, "env.options");
  const auto make = [&](const std::string& velocity_scale) {
    return MakeRewardPipeline(
        ParseYaml(
            "[{type: heron, factors: [{term: angle}, {term: velocity, scale: " + velocity_scale +
                "}, {term: ctrl}], model: {hidden: [16]}, pairs: 1024, "
                "window: 200}]",
            "test.yaml"),
        {env.get(), 0.99, 4, 0});
  };
  RewardPipeline plain = make("1"), scaled = make("100");
  std::vector<double> m_plain, m_scaled;
  for (int fit = 1; fit <= 3; ++fit) {
    RandomPendulum(200, fit, [&](const Mat& obs, const Mat& action, const VecStep& step) {
      plain.Track(obs, action, step);
      scaled.Track(obs, action, step);
    });
    m_plain = plain.Fit(200 * fit);
    m_scaled = scaled.Fit(200 * fit);
    CHECK(m_plain == m_scaled);
  }
  // the same labels trained the same network: identical rewards
  const RewardBatch window = ToRewardBatch(*plain.Window());
  Eigen::VectorXf a(window.Size()), b(window.Size());
  plain.Label(window, a);
  scaled.Label(window, b);
  CHECK(a == b);
  CHECK(m_plain[4] > 0.0);  // level 1 decided some pairs, levels 2 and 3 too
  CHECK(m_plain[5] > 0.0);
  CHECK(m_plain[6] > 0.0);
}

TEST_CASE("bad heron configs are one-line errors with exit code 2 and no run folder",
          "[heron][smoke]") {
  testing::TempDir tmp;
  const auto train = [&](const std::string& heron) {
    const std::string out = (tmp.Path() / "run").string();
    const testing::CliResult r = testing::RunCli(
        "train " + std::string(REWARDLAB_SOURCE_DIR) + "/experiments/configs/pendulum_sac.yaml " +
        "--out " + out + " --set 'reward=[" + heron + "]'");
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    CHECK(!std::filesystem::exists(out));
    return r.out;
  };
  CHECK_THAT(train("{type: heron, factors: [{term: angle}, {term: angel}]}"),
             Contains("reward[0].factors[1].term") && Contains("'angel'") &&
                 Contains("angle, velocity, ctrl"));
  CHECK_THAT(train("{type: heron, factors: [{term: angle}, {term: ctrl}, {term: angle}]}"),
             Contains("reward[0].factors[2].term") && Contains("ranked twice"));
  CHECK_THAT(train("{type: heron, factors: [{term: angle, margin: -1}]}"),
             Contains("reward[0].factors[0].margin") && Contains(">= 0"));
  CHECK_THAT(train("{type: heron, factors: [{term: angle}], compare: segments, "
                   "segment_length: 500}"),
             Contains("reward[0].segment_length") && Contains("time limit of 200"));
  CHECK_THAT(train("{type: heron, factors: []}"),
             Contains("reward[0].factors") && Contains("no factors"));
  CHECK_THAT(train("{type: heron}"), Contains("reward[0].factors") && Contains("no factors"));
}

}  // namespace
}  // namespace rl
