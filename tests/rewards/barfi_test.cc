// The BARFI reward module (rewards/barfi/): the outer gradient's signs on the quadratic toy of
// algorithms.md §2.8 and the Neumann guard; r_φ = r_p + r_aux at initialisation; ∂r/∂φ, the
// mixed product and the discount gradient against finite differences and an analytic sum on a
// tiny REINFORCE problem; the learned discount and its refusal; the HVP batch of older buffered
// episodes against direct oracle calls; bad options; Save/Load resumes exactly.
#include "rewards/barfi/barfi.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "agents/registry.h"
#include "core/config_node.h"
#include "core/h5.h"
#include "envs/registry.h"
#include "envs/vec_env.h"
#include "experiments/experiment_config.h"
#include "rewards/registry.h"
#include "tests/support/agent_checks.h"
#include "tests/support/contract.h"
#include "tests/support/errors.h"
#include "tests/support/quadratic_oracle.h"
#include "tests/support/temp_dir.h"
#include "tests/support/training.h"

namespace rl {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// The quadratic toy: A with eigenvalues {1, 1.5, 2.2, 3}, B (4 x 3), c (4).
struct Toy {
  MatrixXd a, b;
  VectorXd c;
  Toy() {
    const MatrixXd q = MatrixXd(testing::ProbeObs(4, 4, 1.0, 51)).householderQr().householderQ();
    a = q * VectorXd((VectorXd(4) << 1.0, 1.5, 2.2, 3.0).finished()).asDiagonal() * q.transpose();
    b = testing::ProbeObs(4, 3, 1.0, 52);
    c = testing::ProbeObs(4, 1, 1.0, 53).col(0);
  }
};

TEST_CASE("barfi's outer gradient has the signs of the quadratic toy", "[barfi][unit]") {
  const Toy toy;
  testing::QuadraticOracle o(toy.a, toy.b);
  const VectorXd phi = VectorXd::Ones(3), exact = toy.b.transpose() * toy.a.ldlt().solve(toy.c);
  barfi::OuterGradientResult r;

  // first order: H⁻¹ = −I gives Bᵀc
  barfi::OuterGradient(o, phi, 0.9, toy.c, {0, 0.3, 0, false, false}, r);
  CHECK((r.reward_grad - toy.b.transpose() * toy.c).norm() < 1e-12);

  // a small α converges to Bᵀ A⁻¹ c, and the guard sees α·λmax = 0.3·3 < 2
  barfi::OuterGradient(o, phi, 0.9, toy.c, {200, 0.3, 100, false, false}, r);
  CHECK((r.reward_grad - exact).norm() < 1e-9 * exact.norm());
  CHECK(r.lambda == Approx(3.0).epsilon(1e-6));
  CHECK_FALSE(r.diverging);

  // α = 1: α·λmax = 3 >= 2 is reported, and the series indeed blows up
  barfi::OuterGradient(o, phi, 0.9, toy.c, {50, 1.0, 100, false, false}, r);
  CHECK(r.diverging);
  CHECK(r.alpha * r.lambda == Approx(3.0).epsilon(1e-6));
  CHECK((r.reward_grad - exact).norm() > 1e3);

  // shrink_alpha: α = 1/λmax, which converges
  barfi::OuterGradient(o, phi, 0.9, toy.c, {200, 1.0, 100, true, false}, r);
  CHECK(r.diverging);
  CHECK(r.alpha == Approx(1.0 / 3.0).epsilon(1e-6));
  CHECK((r.reward_grad - exact).norm() < 1e-9 * exact.norm());
}

// A `reward:` list holding one barfi module with the `key=value` overrides.
ConfigNode BarfiList(const std::vector<std::string>& sets) {
  ConfigNode list;
  list.kind = ConfigNode::Kind::kSeq;
  list.seq.push_back(testing::SmallSection("barfi", sets));
  return list;
}

// The module alone on Pendulum-v1 (terms angle, velocity, ctrl).
std::unique_ptr<RewardModule> MakeOnPendulum(const std::vector<std::string>& sets) {
  std::unique_ptr<Env> env = MakeEnv("Pendulum-v1", ConfigNode{});
  const BarfiConfig config = ReadConfig<BarfiConfig>(BarfiList(sets).seq[0], "reward[0]");
  return MakeBarfi(config, "reward[0]", {env.get(), 0.9, 0, 0});
}

// A REINFORCE agent (linear Gaussian policy, no baseline) on Pendulum with episodes of 12 steps,
// driven until its batch of 3 episodes is complete.
struct Rig {
  Rig()
      : config(LoadExperimentConfig(
            "", {"env.id=Pendulum-v1", "env.num_envs=2", "env.max_episode_steps=12",
                 "agent.type=reinforce", "agent.episodes_per_update=3", "agent.policy=linear",
                 "agent.baseline=none", "agent.ent_coef=0.05", "agent.gamma=0.9"})),
        env(MakeVecEnv(config.env, 7)) {
    agent = FindAgent("reinforce").make(config.agent, env->Spec(), config.env.num_envs, 3);
    Mat obs;
    env->Reset(obs);
    testing::CollectUntilReady(*agent, *env, obs);
    oracle = agent->Oracle();
  }
  ExperimentConfig config;
  std::unique_ptr<VecEnv> env;
  std::unique_ptr<Agent> agent;
  PolicyGradientOracle* oracle = nullptr;
};

const std::vector<std::string> kPendulum = {"r_p.term=angle",   "r_aux.term=ctrl", "r_aux.scale=4",
                                            "features.order=2", "warmup=0",        "delta=1"};

TEST_CASE("barfi starts at r_p + r_aux and reports psi as its reward gradient", "[barfi][unit]") {
  Rig rig;
  const RewardBatch batch = rig.oracle->Batch();
  std::unique_ptr<RewardModule> m = MakeOnPendulum(kPendulum);
  auto& barfi = dynamic_cast<Barfi&>(*m);
  REQUIRE(m->NumRewardParams() == 3 * 27);

  Eigen::VectorXf r(batch.Size()), r_p, r_aux;
  m->Compute(batch, r);
  barfi.Signals(batch, r_p, r_aux);
  CHECK(r_p == batch.terms.row(0).transpose());
  CHECK(r_aux == 4.0f * batch.terms.row(2).transpose());
  CHECK((r - r_p - r_aux).cwiseAbs().maxCoeff() < 1e-5f);

  // r is linear in φ: central differences at a random φ are ∂r/∂φ = ψ
  const Eigen::VectorXf phi =
      testing::ProbeObs(m->NumRewardParams(), 1, 0.5, 9).col(0).cast<float>();
  Eigen::MatrixXf psi(m->NumRewardParams(), batch.Size());
  m->RewardGradient(batch, psi);
  Eigen::VectorXf plus(batch.Size()), minus(batch.Size());
  for (int i : {0, 5, 27, 40, 54, 80}) {
    Eigen::VectorXf d = Eigen::VectorXf::Zero(phi.size());
    d(i) = 0.25f;
    m->SetRewardParamVector(phi + d);
    m->Compute(batch, plus);
    m->SetRewardParamVector(phi - d);
    m->Compute(batch, minus);
    INFO("phi_" << i);
    CHECK(((plus - minus) / 0.5f - psi.row(i).transpose()).cwiseAbs().maxCoeff() < 1e-4f);
  }
  CHECK(m->Params().size() == static_cast<size_t>(m->NumRewardParams()));
  CHECK(m->Params()[27].name == "phi/primary/0");
}

TEST_CASE("barfi's tile coding sets one tile per tiling", "[barfi][unit]") {
  FeatureMapConfig config;
  config.type = "tile";
  config.tiles = 4;
  config.tilings = 5;
  const Space space = Space::Box(Vec::Constant(2, -1.0), Vec::Constant(2, 1.0));
  const FeatureMap map(config, space, "reward[0].features");
  REQUIRE(map.Size() == 1 + 5 * 25);
  // corners, the centre, a point near it, and a point outside the bounds (clamped)
  Eigen::MatrixXf obs(2, 5);
  obs << -1, 1, 0, 0.02f, 3, -1, 1, 0, 0.01f, -3;
  Eigen::MatrixXf f;
  map.Compute(obs, f);
  REQUIRE(f.rows() == map.Size());
  for (int b = 0; b < 5; ++b) {
    CHECK(f(0, b) == 1.0f);
    CHECK(f.col(b).sum() == 6.0f);
    CHECK(((f.col(b).array() == 0) || (f.col(b).array() == 1)).all());
  }
  // near points share most tilings' tiles, opposite corners only the constant
  CHECK(f.col(2).dot(f.col(3)) >= 4.0f);
  CHECK(f.col(0).dot(f.col(1)) == 1.0f);
}

TEST_CASE("barfi's phi and discount gradients match finite differences on REINFORCE",
          "[barfi][unit]") {
  Rig rig;
  PolicyGradientOracle& o = *rig.oracle;
  const RewardBatch batch = o.Batch();
  const int n = batch.Size();
  std::unique_ptr<RewardModule> m = MakeOnPendulum(kPendulum);
  Eigen::MatrixXf psi(m->NumRewardParams(), n);
  m->RewardGradient(batch, psi);
  const VectorXd phi = testing::ProbeObs(m->NumRewardParams(), 1, 0.3, 9).col(0);
  const VectorXd r = psi.cast<double>().transpose() * phi;
  const VectorXd v = testing::ProbeObs(o.NumParams(), 1, 1.0, 4).col(0);

  // first order: dJ_p/dφ = ∇φ⟨∇θ J_φ, v⟩, which is linear in φ
  barfi::OuterGradientResult res;
  barfi::OuterGradient(o, r, 0.9, v, {0, 1e-3, 0, false, true}, res);
  const VectorXd grad = psi.cast<double>() * res.reward_grad;
  VectorXd g_plus, g_minus;
  for (int i : {0, 3, 27, 30, 60}) {
    const VectorXd d = psi.row(i).transpose().cast<double>();
    o.Gradient(r + 0.1 * d, 0.9, g_plus);
    o.Gradient(r - 0.1 * d, 0.9, g_minus);
    INFO("phi_" << i);
    CHECK(grad(i) == Approx((g_plus - g_minus).dot(v) / 0.2).epsilon(1e-3).margin(1e-6));
  }

  // dJ_p/dγ = ∂γ⟨∇θ J, v⟩ = (1/E) Σ_t (g_t·v) ∂G_t/∂γ (no baseline; entropy is γ-free)
  VectorXd dots;
  o.ScoreDots(v, dots);
  double analytic = 0.0;
  int episodes = 0;
  double g = 0.0, dg = 0.0;  // G_t and ∂G_t/∂γ, backwards through each episode
  for (int t = n - 1; t >= 0; --t) {
    if (batch.terminated[t] || batch.truncated[t]) {
      g = dg = 0.0;
      ++episodes;
    }
    dg = g + 0.9 * dg;
    g = r(t) + 0.9 * g;
    analytic += dots(t) * dg;
  }
  REQUIRE(episodes >= 3);
  CHECK(res.gamma_grad == Approx(analytic / episodes).epsilon(2e-3));
}

TEST_CASE("barfi refuses bad options with one line naming the key", "[barfi][unit]") {
  const auto error = [](const std::vector<std::string>& sets) {
    std::unique_ptr<Env> env = MakeEnv("Pendulum-v1", ConfigNode{});
    return testing::ErrorOf([&] { MakeRewardPipeline(BarfiList(sets), {env.get(), 0.9, 0, 0}); });
  };
  const std::pair<std::string, std::string> cases[] = {
      {"r_p.term=speed", "'reward[0].r_p.term'"},
      {"r_aux.term=ctrll", "'reward[0].r_aux.term'"},
      {"neumann_alpha=0", "'reward[0].neumann_alpha'"},
      {"neumann_terms=-1", "'reward[0].neumann_terms'"},
      {"delta=0", "'reward[0].delta'"},
      {"features.order=20", "'reward[0].features.order'"},
      {"hvp_episodes=-1", "'reward[0].hvp_episodes'"},
      {"hvp_buffer=10", "'reward[0].hvp_buffer'"},
      {"gamma_l2=-1", "'reward[0].gamma_l2'"}};
  for (const auto& [set, key] : cases) {
    INFO(set);
    const std::string e = error({set});
    CHECK_THAT(e, Catch::Contains(key));
    CHECK(e.find('\n') == std::string::npos);
  }
  CHECK_THAT(error({"features.type=tile", "features.tiles=100"}),
             Catch::Contains("'reward[0].features.tiles'"));
  CHECK_THAT(error({"r_aux.term=ctrll"}), Catch::Contains("did you mean 'ctrl'"));
  CHECK(error({"r_p.term=ctrl", "features.order=20", "features.coupled=false"}).empty());
  CHECK_THAT(error({"learn_gamma=true", "gamma_init=0"}),
             Catch::Contains("'reward[0].gamma_init'"));
  CHECK(error({"learn_gamma=true", "gamma_init=0.99"}).empty());
  CHECK(error({"hvp_episodes=0", "hvp_buffer=0"}).empty());
  // the agent's γ = 1 has no logit to start η at
  std::unique_ptr<Env> env = MakeEnv("Pendulum-v1", ConfigNode{});
  const std::string e = testing::ErrorOf([&] {
    MakeRewardPipeline(BarfiList({"learn_gamma=true"}), {env.get(), 1.0, 0, 0});
  });
  CHECK_THAT(e, Catch::Contains("'reward[0].gamma_init'"));
}

TEST_CASE("barfi takes outer steps and resumes exactly from Save/Load", "[barfi][unit]") {
  for (const bool learn_gamma : {false, true}) {
    INFO("learn_gamma " << learn_gamma);
    Rig rig;
    std::vector<std::string> sets = {"r_p.term=angle",  "r_aux.term=ctrl", "approx=neumann",
                                     "neumann_terms=3", "guard_iters=3",   "warmup=1",
                                     "delta=3"};
    if (learn_gamma) sets.insert(sets.end(), {"learn_gamma=true", "gamma_l2=0.5"});
    std::unique_ptr<RewardModule> a = MakeOnPendulum(sets);
    const FitContext context{0, rig.oracle, nullptr, nullptr, {}};
    const Eigen::VectorXf phi0 = a->RewardParamVector();
    a->Fit(context);  // warm-up
    CHECK(a->RewardParamVector() == phi0);
    std::vector<double> metrics = a->Fit(context);
    CHECK(a->RewardParamVector() != phi0);
    REQUIRE(metrics.size() == a->MetricNames().size());
    CHECK(a->MetricNames()[0] == "barfi/outer_objective");
    CHECK(a->MetricNames()[7] == "barfi/outer_steps");
    CHECK(metrics[7] == 1.0);  // outer steps
    CHECK(metrics[8] == 1.0);  // the HVP batch fell back: the buffer is still too small
    for (double x : metrics) CHECK(std::isfinite(x));
    if (learn_gamma) {
      CHECK(a->AgentGamma() != 0.9);
    } else {
      CHECK(a->AgentGamma() < 0);
    }

    testing::TempDir dir;
    const std::string path = (dir.Path() / "barfi.h5").string();
    {
      h5::File f = h5::File::Create(path);
      a->Save(f.CreateGroup("m"));
      f.Close();
    }
    std::unique_ptr<RewardModule> b = MakeOnPendulum(sets);
    {
      h5::File f = h5::File::OpenReadOnly(path);
      b->Load(f.OpenGroup("m"));
    }
    CHECK(b->RewardParamVector() == a->RewardParamVector());
    CHECK(b->AgentGamma() == a->AgentGamma());
    for (int k = 0; k < 2; ++k) {
      const std::vector<double> ma = a->Fit(context), mb = b->Fit(context);
      CHECK(ma == mb);
      CHECK(b->RewardParamVector() == a->RewardParamVector());
      CHECK(b->AgentGamma() == a->AgentGamma());
    }

    // a checkpoint of another feature map does not load
    std::unique_ptr<RewardModule> c = MakeOnPendulum({"features.order=1"});
    h5::File f = h5::File::OpenReadOnly(path);
    CHECK_THAT(testing::ErrorOf([&] { c->Load(f.OpenGroup("m")); }), Catch::Contains("phi"));
  }
}

TEST_CASE("barfi's learned discount ascends gamma_grad; gamma_l2 pulls it down", "[barfi][unit]") {
  Rig rig;
  const FitContext context{0, rig.oracle, nullptr, nullptr, {}};
  const auto logit = [](double g) { return std::log(g / (1 - g)); };
  const std::vector<std::string> base = {"r_p.term=angle", "r_aux.term=ctrl", "features.order=1",
                                         "warmup=0",       "delta=1",         "learn_gamma=true",
                                         "optimizer=sgd",  "gamma_lr=1e-5",   "hvp_episodes=0"};
  for (const double l2 : {0.0, 1e4, 1e6}) {
    INFO("gamma_l2 " << l2);
    std::vector<std::string> sets = base;
    sets.push_back("gamma_l2=" + std::to_string(l2));
    std::unique_ptr<RewardModule> m = MakeOnPendulum(sets);
    auto& barfi = dynamic_cast<Barfi&>(*m);
    // η starts at logit of the agent's γ
    CHECK(m->AgentGamma() == Approx(0.9).epsilon(1e-12));
    const std::vector<double> metrics = m->Fit(context);
    const double eta_grad = metrics[3];
    REQUIRE(eta_grad != 0.0);
    // SGD: Δη = lr (dJ_p/dη − gamma_l2 γ(1 − γ)); J_p keeps the agent's configured γ
    const double step = logit(m->AgentGamma()) - logit(0.9);
    CHECK(step == Approx(1e-5 * (eta_grad - l2 * 0.9 * 0.1)).epsilon(1e-6));
    CHECK(metrics[2] == m->AgentGamma());
    CHECK(barfi.OuterGamma() == 0.9);
    if (l2 == 0.0) CHECK((step > 0) == (eta_grad > 0));
    if (l2 == 1e6) CHECK(m->AgentGamma() < 0.9);
  }

  // Adam moves η by about lr along the sign of gamma_grad at its first step
  std::vector<std::string> sets = base;
  sets.insert(sets.end(), {"optimizer=adam", "gamma_lr=0.1", "gamma_init=0.99"});
  std::unique_ptr<RewardModule> m = MakeOnPendulum(sets);
  CHECK(m->AgentGamma() == Approx(0.99).epsilon(1e-12));
  const std::vector<double> metrics = m->Fit(context);
  const double step = logit(m->AgentGamma()) - logit(0.99);
  CHECK(std::abs(step) == Approx(0.1).epsilon(1e-3));
  CHECK((step > 0) == (metrics[3] > 0));
  CHECK(dynamic_cast<Barfi&>(*m).OuterGamma() == 0.9);

  // without learn_gamma the module has no opinion on the agent's discount
  CHECK(MakeOnPendulum({"r_p.term=angle"})->AgentGamma() < 0);
}

// An agent without SetGamma (and with nothing else either): the learn_gamma check's subject.
class FixedGammaAgent : public Agent {
 public:
  void Act(const Mat& obs, ActMode, Mat& action) override { action = obs; }
  void Observe(const Mat&, const Mat&, const VecStep&) override {}
  bool ReadyToUpdate() const override { return false; }
  MetricValues Update(const RewardPipeline&) override { return {}; }
  std::vector<std::string> MetricNames() const override { return {}; }
  double Gamma() const override { return 0.9; }
  void Save(const h5::Group&) const override {}
  void Load(const h5::Group&) override {}
};

TEST_CASE("barfi's learn_gamma is refused for an agent that cannot change its discount",
          "[barfi][unit]") {
  std::unique_ptr<Env> env = MakeEnv("Pendulum-v1", ConfigNode{});
  RewardPipeline learned =
      MakeRewardPipeline(BarfiList({"learn_gamma=true"}), {env.get(), 0.9, 0, 0});
  RewardPipeline fixed = MakeRewardPipeline(BarfiList({}), {env.get(), 0.9, 0, 0});
  CHECK(learned.AgentGamma() == Approx(0.9));
  CHECK(fixed.AgentGamma() < 0);
  FixedGammaAgent fixed_agent;
  const std::string e = testing::ErrorOf([&] { CheckAgentGamma(fixed_agent, learned, "fixed"); });
  CHECK_THAT(e, Catch::Contains("'reward[0].learn_gamma'"));
  CHECK_THAT(e, Catch::Contains("'fixed'"));
  CHECK(e.find('\n') == std::string::npos);
  CHECK(testing::ErrorOf([&] { CheckAgentGamma(fixed_agent, fixed, "fixed"); }).empty());
  // two modules asking for the agent's discount: refused, naming the second
  RewardPipeline twice = MakeRewardPipeline(
      ParseYaml("[{type: barfi, name: a, learn_gamma: true, features: {order: 1}},"
                " {type: barfi, name: b, learn_gamma: true, features: {order: 1}}]",
                "test.yaml"),
      {env.get(), 0.9, 0, 0});
  const std::string both = testing::ErrorOf([&] { CheckAgentGamma(fixed_agent, twice, "fixed"); });
  CHECK_THAT(both, Catch::Contains("'reward[1].learn_gamma'") && Catch::Contains("'a'") &&
                       Catch::Contains("both learn the agent's discount"));

  // REINFORCE and PPO can: the whole config loads, and the run's agent learns with γ_φ
  for (const char* agent : {"reinforce", "ppo"}) {
    INFO(agent);
    const ExperimentConfig config = testing::SmallExperiment(
        "Pendulum-v1", FindAgent(agent),
        BarfiList({"r_p.term=angle", "features.order=1", "learn_gamma=true", "gamma_init=0.8",
                   "delta=1", "warmup=0", "lr=0.05"}),
        1, 128);
    testing::Session run(config);
    run.Run();
    const double gamma = run.Reward().Module(0).AgentGamma();
    CHECK(gamma != Approx(0.8));
    CHECK(run.GetAgent().Gamma() == gamma);
  }
}

// A REINFORCE agent on Pendulum (episodes of 12 steps, 3 per update) learning from a barfi
// pipeline with `sets`; Collect drives it until its batch is complete.
struct Driver {
  explicit Driver(const std::vector<std::string>& sets, uint64_t seed = 0)
      : config(LoadExperimentConfig(
            "", {"env.id=Pendulum-v1", "env.num_envs=2", "env.max_episode_steps=12",
                 "agent.type=reinforce", "agent.episodes_per_update=3", "agent.policy=linear",
                 "agent.baseline=none", "agent.ent_coef=0.05", "agent.gamma=0.9"})),
        env(MakeVecEnv(config.env, 7)),
        agent(FindAgent("reinforce").make(config.agent, env->Spec(), config.env.num_envs, 3)),
        reward(MakeRewardPipeline(BarfiList(sets), {&env->At(0), 0.9, seed, 0})) {
    env->Reset(obs);
  }
  void Collect() { testing::CollectUntilReady(*agent, *env, obs); }
  Barfi& Module() { return dynamic_cast<Barfi&>(reward.Module(0)); }

  ExperimentConfig config;
  std::unique_ptr<VecEnv> env;
  std::unique_ptr<Agent> agent;
  RewardPipeline reward;
  Mat obs;
};

const std::vector<std::string> kHvp = {"r_p.term=angle", "r_aux.term=ctrl", "features.order=1",
                                       "warmup=0",       "delta=2",         "hvp_episodes=5",
                                       "hvp_buffer=12",  "optimizer=sgd",   "lr=0.01"};

TEST_CASE("barfi's gamma slider moves the learned discount", "[barfi][unit]") {
  Driver d({"r_p.term=angle", "features.order=1", "learn_gamma=true", "warmup=0", "delta=1",
            "optimizer=sgd", "gamma_lr=1e-9", "hvp_episodes=0"});
  const std::vector<RewardParam> params = d.Module().Params();
  REQUIRE(params.back().name == "gamma");
  CHECK(*params.back().value == Approx(0.9));
  *params.back().value = 0.7;
  d.Collect();
  // the outer step starts from the slider's γ_φ (a 1e-9 step leaves it there)
  d.reward.Fit(0, d.agent->Oracle());
  CHECK(d.Module().AgentGamma() == Approx(0.7).margin(1e-6));
  CHECK(d.Module().Fit({0, nullptr, nullptr, nullptr, {}})[2] == Approx(0.7).margin(1e-6));
}

TEST_CASE("barfi's HVP batch comes from older buffered episodes", "[barfi][unit]") {
  Driver d(kHvp);
  Barfi& m = d.Module();
  std::vector<std::vector<int64_t>> samples;
  int64_t seen = 0;
  int fallbacks = 0;
  for (int update = 0; update < 6; ++update) {
    INFO("update " << update);
    d.Collect();
    PolicyGradientOracle& o = *d.agent->Oracle();
    const FitContext context{0, &o, nullptr, nullptr, {}};
    const Eigen::VectorXd phi0 = m.RewardParamVector().cast<double>();
    if (update == 4) {
      // Save/Load: the buffer and the sampler continue exactly
      testing::TempDir dir;
      const std::string path = (dir.Path() / "barfi.h5").string();
      {
        h5::File f = h5::File::Create(path);
        m.Save(f.CreateGroup("m"));
        f.Close();
      }
      std::unique_ptr<RewardModule> copy =
          MakeBarfi(ReadConfig<BarfiConfig>(BarfiList(kHvp).seq[0], "reward[0]"), "reward[0]",
                    {&d.env->At(0), 0.9, 0, 0});
      h5::File f = h5::File::OpenReadOnly(path);
      copy->Load(f.OpenGroup("m"));
      const std::vector<double> mc = copy->Fit(context);
      const std::vector<double> ma = m.Fit(context);
      CHECK(ma == mc);
      CHECK(copy->RewardParamVector() == m.RewardParamVector());
      CHECK(dynamic_cast<Barfi&>(*copy).HvpSample() == m.HvpSample());
      CHECK(dynamic_cast<Barfi&>(*copy).HvpBuffer().Ids() == m.HvpBuffer().Ids());
    } else {
      d.reward.Fit(0, &o);
    }
    // the batch's episodes join the buffer; those older than them (and than the last delta)
    // make the HVP batch once there are hvp_episodes of them
    int ended = 0;
    const RewardBatch current = o.Batch();
    for (int t = 0; t < current.Size(); ++t) ended += current.terminated[t] || current.truncated[t];
    seen += ended;
    const std::vector<int64_t> buffered = m.HvpBuffer().Ids();
    CHECK(static_cast<int64_t>(buffered.size()) == std::min<int64_t>(seen, 12));
    CHECK(buffered.back() == seen - 1);
    const int eligible = static_cast<int>(buffered.size()) - std::max(ended, 2);
    const std::vector<int64_t>& sample = m.HvpSample();
    if (eligible < 5) {
      CHECK(sample.empty());
      ++fallbacks;
    } else {
      REQUIRE(sample.size() == 5);
      for (size_t i = 0; i < sample.size(); ++i) {
        // distinct, buffered, and none of the current batch's (which ∇θ J_p uses)
        CHECK(std::find(buffered.begin(), buffered.begin() + eligible, sample[i]) !=
              buffered.begin() + eligible);
        if (i > 0) CHECK(sample[i] > sample[i - 1]);
      }
    }
    samples.push_back(sample);
    const std::vector<std::string> names = m.MetricNames();
    CHECK(names[8] == "barfi/hvp_fallback");

    // the last update: the mixed product on the sampled episodes, by direct oracle calls
    if (update == 5) {
      const RewardBatch batch = o.Batch();
      Eigen::VectorXf r_p, r_aux;
      m.Signals(batch, r_p, r_aux);
      const Eigen::VectorXd zero = Eigen::VectorXd::Zero(batch.Size());
      VectorXd outer_grad, g0;
      o.Gradient(r_p.cast<double>(), 0.9, outer_grad);
      o.Gradient(zero, 0.9, g0);
      outer_grad -= g0;
      TransitionBatch episodes;
      Eigen::MatrixXf actions;
      m.HvpBuffer().Gather(sample, episodes, actions);
      REQUIRE(o.UseEpisodes(ToRewardBatch(episodes), actions));
      CHECK(o.BatchSize() == episodes.Size());
      Eigen::MatrixXf psi(m.NumRewardParams(), episodes.Size());
      m.RewardGradient(ToRewardBatch(episodes), psi);
      const VectorXd r = psi.cast<double>().transpose() * phi0;
      VectorXd dot;
      o.RewardGradientOfDot(r, 0.9, -outer_grad, dot);
      o.UseAgentBatch();
      CHECK(o.BatchSize() == batch.Size());
      const VectorXd expected = -(psi.cast<double>() * dot);
      const VectorXd got = (m.RewardParamVector().cast<double>() - phi0) / 0.01;
      CHECK((got - expected).norm() < 1e-3 * expected.norm());
      // the outer steps whose HVP batch was the current one
      REQUIRE(fallbacks >= 1);
      REQUIRE(fallbacks < 6);
      CHECK(m.Fit({0, nullptr, nullptr, nullptr, {}})[8] == fallbacks);
      // the blend weights: φ's blocks against the batch's mean features (ψ's first block is f)
      Eigen::MatrixXf psi_now(m.NumRewardParams(), batch.Size());
      m.RewardGradient(batch, psi_now);
      const int nf = m.NumRewardParams() / 3;
      const VectorXd f_mean = psi_now.topRows(nf).cast<double>().rowwise().mean();
      const VectorXd phi = m.RewardParamVector().cast<double>();
      const std::vector<double> metrics = m.Fit({0, nullptr, nullptr, nullptr, {}});
      REQUIRE(names[12] == "barfi/w_aux");
      for (int k = 0; k < 3; ++k) {
        CHECK(metrics[10 + k] == Approx(phi.segment(k * nf, nf).dot(f_mean)).epsilon(1e-5));
      }
    }
    d.agent->Update(d.reward);
  }

  // the same seed draws the same samples; another seed others
  Driver again(kHvp), other(kHvp, 5);
  std::vector<std::vector<int64_t>> same, different;
  for (int update = 0; update < 6; ++update) {
    for (Driver* x : {&again, &other}) {
      x->Collect();
      x->reward.Fit(0, x->agent->Oracle());
      (x == &again ? same : different).push_back(x->Module().HvpSample());
      x->agent->Update(x->reward);
    }
  }
  CHECK(same == samples);
  CHECK(different != samples);
}

TEST_CASE("barfi refuses an agent without a policy-gradient oracle", "[barfi][unit]") {
  const std::string e = testing::ErrorOf(
      [] { testing::SmallExperiment("Pendulum-v1", FindAgent("sac"), BarfiList({}), 1); });
  CHECK_THAT(e, Catch::Contains("'agent.type'"));
  CHECK_THAT(e, Catch::Contains("oracle"));
}

TEST_CASE("barfi learns phi in short REINFORCE and PPO runs", "[barfi][unit]") {
  for (const char* agent : {"reinforce", "ppo"}) {
    INFO(agent);
    const ExperimentConfig config = testing::SmallExperiment(
        "Pendulum-v1", FindAgent(agent),
        BarfiList({"r_p.term=angle", "r_aux.term=ctrl", "features.order=1", "approx=neumann",
                   "neumann_terms=2", "guard_iters=2", "delta=1", "warmup=1"}),
        1, 128);
    testing::Session run(config);
    const Eigen::VectorXf phi0 = run.Reward().Module(0).RewardParamVector();
    run.Run();
    REQUIRE(run.Events().updates.size() >= 2);
    const MetricValues& last = run.Events().updates.back().second;
    const std::vector<std::string> names = run.Reward().MetricNames();
    // the reward metrics come last in an update's values
    const auto at = std::find(names.begin(), names.end(), "barfi/outer_steps");
    REQUIRE(at != names.end());
    CHECK(last[last.size() - names.size() + (at - names.begin())] >= 1.0);
    CHECK(run.Reward().Module(0).RewardParamVector() != phi0);
  }
}

}  // namespace
}  // namespace rl
