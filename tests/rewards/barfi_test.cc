// The BARFI reward module (rewards/barfi/): the outer gradient's signs on the quadratic toy of
// algorithms.md §2.8 and the Neumann guard; r_φ = r_p + r_aux at initialisation; ∂r/∂φ, the
// mixed product and the discount gradient against finite differences and an analytic sum on a
// tiny REINFORCE problem; bad options; Save/Load resumes exactly.
#include "rewards/barfi/barfi.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "agents/registry.h"
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
    Mat obs, action;
    VecStep step;
    env->ResizeFor(step);
    env->Reset(obs);
    for (int i = 0; !agent->ReadyToUpdate(); ++i) {
      REQUIRE(i < 10000);
      agent->Act(obs, ActMode::kExplore, action);
      env->Step(action, step);
      agent->Observe(obs, action, step);
      obs = step.obs;
    }
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
      {"learn_gamma=true", "'reward[0].learn_gamma'"}};
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
}

TEST_CASE("barfi takes outer steps and resumes exactly from Save/Load", "[barfi][unit]") {
  Rig rig;
  const std::vector<std::string> sets = {"r_p.term=angle",  "r_aux.term=ctrl", "approx=neumann",
                                         "neumann_terms=3", "guard_iters=3",   "warmup=1",
                                         "delta=3"};
  std::unique_ptr<RewardModule> a = MakeOnPendulum(sets);
  const FitContext context{0, rig.oracle, nullptr, nullptr, {}};
  const Eigen::VectorXf phi0 = a->RewardParamVector();
  a->Fit(context);  // warm-up
  CHECK(a->RewardParamVector() == phi0);
  std::vector<double> metrics = a->Fit(context);
  CHECK(a->RewardParamVector() != phi0);
  REQUIRE(metrics.size() == a->MetricNames().size());
  CHECK(a->MetricNames()[0] == "barfi/outer_objective");
  CHECK(metrics[7] == 1.0);  // outer steps
  for (double x : metrics) CHECK(std::isfinite(x));

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
  const std::vector<double> ma = a->Fit(context), mb = b->Fit(context);
  CHECK(ma == mb);
  CHECK(b->RewardParamVector() == a->RewardParamVector());

  // a checkpoint of another feature map does not load
  std::unique_ptr<RewardModule> c = MakeOnPendulum({"features.order=1"});
  h5::File f = h5::File::OpenReadOnly(path);
  CHECK_THAT(testing::ErrorOf([&] { c->Load(f.OpenGroup("m")); }), Catch::Contains("phi"));
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
    REQUIRE(names.back() == "barfi/outer_steps");
    CHECK(last.back() >= 1.0);
    CHECK(run.Reward().Module(0).RewardParamVector() != phi0);
  }
}

}  // namespace
}  // namespace rl
