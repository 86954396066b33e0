// The policy-gradient oracle (rewards/policy_gradient_oracle.h) of REINFORCE and PPO on tiny
// policies: score dot products, gradients and Hessian-vector products against finite differences,
// the mixed product against the objective's linearity in the rewards, the analytic linear-softmax
// Hessian, and what the trainer hands a learned module's Fit (oracle, agent store, window).
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "agents/registry.h"
#include "agents/reinforce/reinforce.h"
#include "agents/reinforce/reinforce_oracle_testing.h"
#include "agents/stochastic_policy.h"
#include "core/error.h"
#include "envs/transition_store.h"
#include "envs/vec_env.h"
#include "experiments/experiment_config.h"
#include "loop/trainer.h"
#include "rewards/policy_gradient_oracle.h"
#include "tests/support/agent_checks.h"

namespace rl {
namespace {

using Eigen::VectorXd;

// A standard normal vector of n entries from `seed`.
VectorXd RandomVec(int n, uint64_t seed) { return testing::ProbeObs(n, 1, 1.0, seed).col(0); }

// An agent of a tiny config, driven with exploring actions until its batch is complete.
struct Rig {
  explicit Rig(const std::vector<std::string>& sets)
      : config(LoadExperimentConfig("", sets)), env(MakeVecEnv(config.env, 7)) {
    agent = FindAgent(config.agent.Find("type")->scalar)
                .make(config.agent, env->Spec(), config.env.num_envs, 3);
    Mat obs;
    env->Reset(obs);
    testing::CollectUntilReady(*agent, *env, obs);
    oracle = agent->Oracle();
    REQUIRE(oracle != nullptr);
  }

  ExperimentConfig config;
  std::unique_ptr<VecEnv> env;
  std::unique_ptr<Agent> agent;
  PolicyGradientOracle* oracle = nullptr;
};

// Tiny configs: REINFORCE discrete/Gaussian x linear/MLP (on s, or on Fourier or tile features of
// s), PPO discrete/Gaussian, tanh / ReLU / LeakyReLU hidden layers; Pendulum
// episodes of 12 steps so that truncations fall inside every batch.
std::vector<std::string> TinyConfig(const std::string& which) {
  const std::vector<std::string> cartpole = {"env.id=CartPole-v1", "env.num_envs=2"};
  const std::vector<std::string> pendulum = {"env.id=Pendulum-v1", "env.num_envs=2",
                                             "env.max_episode_steps=12"};
  std::vector<std::string> sets;
  const bool box = which.find("gauss") != std::string::npos;
  sets = box ? pendulum : cartpole;
  if (which.rfind("reinforce", 0) == 0) {
    sets.insert(sets.end(), {"agent.type=reinforce", "agent.episodes_per_update=3",
                             "agent.ent_coef=0.05", "agent.log_std_init=-0.3"});
    if (which.find("linear") != std::string::npos) sets.push_back("agent.policy=linear");
    if (which.find("mlp") != std::string::npos) {
      sets.insert(sets.end(), {"agent.policy=mlp", "agent.net.hidden=[6, 5]"});
    }
    if (which.find("leaky") != std::string::npos) {
      sets.insert(sets.end(), {"agent.net.activation=leaky_relu", "agent.net.leaky_slope=0.3"});
    } else if (which.find("relu") != std::string::npos) {
      sets.push_back("agent.net.activation=relu");
    }
    if (which.find("value") != std::string::npos) sets.push_back("agent.baseline=value");
    if (which.find("none") != std::string::npos) sets.push_back("agent.baseline=none");
    // the policy reads fixed features f(s) in place of s
    if (which.find("fourier") != std::string::npos) {
      sets.push_back("agent.features={type: fourier, order: 2}");
    }
    if (which.find("tile") != std::string::npos) {
      sets.push_back("agent.features={type: tile, tiles: 2, tilings: 2}");
    }
  } else {
    sets.insert(sets.end(), {"agent.type=ppo", "agent.num_steps=16", "agent.net.hidden=[6]",
                             "agent.ent_coef=0.05", "agent.log_std_init=-0.3"});
    // a steep leaky slope, so that a derivative taken as ReLU's shows
    if (which.find("leaky") != std::string::npos) {
      sets.insert(sets.end(), {"agent.net.activation=leaky_relu", "agent.net.leaky_slope=0.3"});
    }
  }
  return sets;
}

const char* const kRigs[] = {"reinforce_discrete_linear",
                             "reinforce_discrete_linear_fourier",
                             "reinforce_gauss_linear_tile",
                             "reinforce_discrete_mlp_value",
                             "reinforce_gauss_linear_none",
                             "reinforce_gauss_mlp_relu_value",
                             "reinforce_discrete_mlp_leaky_relu_none",
                             "ppo_discrete",
                             "ppo_gauss",
                             "ppo_discrete_leaky_relu",
                             "ppo_gauss_leaky_relu"};

// (J(θ + h d) − J(θ − h d)) / 2h through Step; θ is moved back afterwards.
double DirectionalFd(PolicyGradientOracle& o, const VectorXd& r, double gamma, const VectorXd& d,
                     double h) {
  o.Step(d, h);
  const double plus = o.Objective(r, gamma);
  o.Step(d, -2 * h);
  const double minus = o.Objective(r, gamma);
  o.Step(d, h);
  return (plus - minus) / (2 * h);
}

TEST_CASE("StochasticPolicy score dots match finite differences of log pi", "[unit]") {
  for (const bool discrete : {true, false}) {
    for (const std::vector<int>& sizes : {std::vector<int>{3, 4}, std::vector<int>{3, 7, 5, 4}}) {
      for (const auto act :
           {nn::Activation::kTanh, nn::Activation::kRelu, nn::Activation::kLeakyRelu}) {
        INFO("discrete " << discrete << ", layers " << sizes.size() - 1 << ", activation "
                         << static_cast<int>(act));
        Rng rng(11);
        nn::Mlp net(sizes, act, 1.0f, rng, {.leaky_slope = 0.3f});
        VecF log_std = VecF::Constant(4, -0.2f);
        const StochasticPolicy policy{&net, &log_std, discrete};
        const int batch = 9;
        const MatF obs = testing::ProbeObs(3, batch, 1.0, 12).cast<float>();
        MatF actions = testing::ProbeObs(4, batch, 1.0, 13).cast<float>();
        if (discrete) {
          actions.resize(1, batch);
          for (int t = 0; t < batch; ++t) actions(0, t) = static_cast<float>(t % 4);
        }
        const VectorXd u = RandomVec(policy.NumParams(), 14).normalized();
        PolicyEval e;
        policy.Evaluate(obs, actions, e);
        VectorXd dots;
        policy.ScoreDots(e, u, dots);
        // central differences of each log π(a_t|s_t) along u; a short step, so that few of them
        // straddle a (leaky) ReLU kink
        const double h = 1e-3;
        policy.Step(u, h);
        policy.Evaluate(obs, actions, e);
        const VecF plus = e.logp;
        policy.Step(u, -2 * h);
        policy.Evaluate(obs, actions, e);
        const VecF minus = e.logp;
        for (int t = 0; t < batch; ++t) {
          const double fd = (plus[t] - minus[t]) / (2 * h);
          CHECK(dots[t] == Approx(fd).margin(2e-3).epsilon(2e-3));
        }
      }
    }
  }
}

TEST_CASE("StochasticPolicy refuses score dots of a spectrally normalised network", "[unit]") {
  Rng rng(11);
  nn::Mlp net({3, 5, 4}, nn::Activation::kTanh, 1.0f, rng, {.spectral_norm = true});
  VecF log_std;
  const StochasticPolicy policy{&net, &log_std, true};
  const MatF obs = testing::ProbeObs(3, 4, 1.0, 12).cast<float>();
  const MatF actions = MatF::Zero(1, 4);
  PolicyEval e;
  policy.Evaluate(obs, actions, e);
  VectorXd dots;
  CHECK_THROWS_AS(policy.ScoreDots(e, VectorXd::Ones(policy.NumParams()), dots), UserError);
}

TEST_CASE("FiniteDifferenceHvp restores theta when the gradient throws", "[unit]") {
  Rng rng(11);
  nn::Mlp net({3, 5, 2}, nn::Activation::kTanh, 1.0f, rng);
  VecF log_std = VecF::Constant(2, -0.2f);
  const StochasticPolicy policy{&net, &log_std, false};
  VectorXd before, after, hv;
  policy.Params(before);
  int calls = 0;
  for (const int throw_at : {1, 2}) {
    calls = 0;
    const auto gradient = [&](VectorXd& g) {
      if (++calls == throw_at) throw UserError("gradient failed");
      g.setZero(policy.NumParams());
    };
    CHECK_THROWS_AS(FiniteDifferenceHvp(policy, gradient, RandomVec(policy.NumParams(), 5), hv),
                    UserError);
    policy.Params(after);
    CHECK(testing::SameBits(Mat(before), Mat(after)));
  }
}

TEST_CASE("oracle: gradient, score dots and mixed product against finite differences", "[unit]") {
  const std::string which = GENERATE(from_range(std::begin(kRigs), std::end(kRigs)));
  INFO(which);
  Rig rig(TinyConfig(which));
  PolicyGradientOracle& o = *rig.oracle;
  const int steps = o.BatchSize(), params = o.NumParams();
  REQUIRE(steps > 10);
  REQUIRE(o.Batch().Size() == steps);
  const double gamma = 0.9;
  const VectorXd r = RandomVec(steps, 21), u = RandomVec(params, 22).normalized();

  SECTION("the gradient is the derivative of the objective") {
    VectorXd grad;
    o.Gradient(r, gamma, grad);
    REQUIRE(grad.size() == params);
    const double fd = DirectionalFd(o, r, gamma, u, 1e-2);
    CHECK(grad.dot(u) == Approx(fd).margin(1e-3 * grad.norm()).epsilon(1e-3));
  }
  SECTION("the objective is linear in r and the mixed product is its r-derivative") {
    VectorXd g_r, g_0, mixed;
    o.Gradient(r, gamma, g_r);
    o.Gradient(VectorXd::Zero(steps), gamma, g_0);
    o.RewardGradientOfDot(r, gamma, u, mixed);
    REQUIRE(mixed.size() == steps);
    const double scale = g_r.norm() + g_0.norm();
    CHECK((g_r - g_0).dot(u) == Approx(mixed.dot(r)).margin(1e-4 * scale));
    // one reward at a time
    for (const int k : {0, steps / 2, steps - 1}) {
      VectorXd g_k;
      o.Gradient(VectorXd::Unit(steps, k), gamma, g_k);
      CHECK((g_k - g_0).dot(u) == Approx(mixed[k]).margin(1e-5 + 1e-4 * scale));
    }
  }
  SECTION("score dots are the per-step derivatives of log pi (REINFORCE, no baseline)") {
    if (which.find("none") == std::string::npos) return;
    // J = (1/E) Σ_t r_t log π_t with γ = 0, no baseline; ent_coef enters through J(0)
    VectorXd dots, g_r, g_0;
    o.ScoreDots(u, dots);
    o.Gradient(r, 0.0, g_r);
    o.Gradient(VectorXd::Zero(steps), 0.0, g_0);
    const RewardBatch batch = o.Batch();
    double episodes = 0.0;  // every episode of the batch is complete: count their ends
    for (int t = 0; t < steps; ++t) episodes += batch.terminated[t] || batch.truncated[t];
    CHECK((g_r - g_0).dot(u) == Approx(dots.dot(r) / episodes).margin(1e-4 * g_r.norm()));
  }
  SECTION("a step moves theta along d") {
    VectorXd before, after;
    o.Params(before);
    o.Step(u, 0.25);
    o.Params(after);
    CHECK((after - before - 0.25 * u).cwiseAbs().maxCoeff() < 1e-6);
  }
}

TEST_CASE("oracle: Hessian-vector products", "[unit]") {
  const std::string which = GENERATE(from_range(std::begin(kRigs), std::end(kRigs)));
  INFO(which);
  // central differences of a leaky ReLU network's gradient straddle its kinks at ε = 1e-2/‖v‖
  // (the gradient jumps there), so symmetry and the second derivative hold only roughly
  if (which.find("leaky") != std::string::npos) return;
  Rig rig(TinyConfig(which));
  PolicyGradientOracle& o = *rig.oracle;
  const int steps = o.BatchSize(), params = o.NumParams();
  const double gamma = 0.95;
  const VectorXd r = RandomVec(steps, 31);
  const VectorXd v = RandomVec(params, 32).normalized(), w = RandomVec(params, 33).normalized();
  VectorXd theta, theta_after, hv, hw;
  o.Params(theta);
  o.HessianVector(r, gamma, v, hv);
  o.HessianVector(r, gamma, w, hw);
  o.Params(theta_after);
  REQUIRE(hv.size() == params);
  CHECK(testing::SameBits(Mat(theta), Mat(theta_after)));
  // symmetric, and vᵀHv is the second directional derivative of the objective
  const double scale = hv.norm() + hw.norm();
  CHECK(w.dot(hv) == Approx(v.dot(hw)).margin(2e-3 * scale));
  const double h = 5e-2, j0 = o.Objective(r, gamma);
  o.Step(v, h);
  const double jp = o.Objective(r, gamma);
  o.Step(v, -2 * h);
  const double jm = o.Objective(r, gamma);
  o.Step(v, h);
  CHECK(v.dot(hv) == Approx((jp - 2 * j0 + jm) / (h * h)).margin(1e-2 * scale));
}

TEST_CASE("PPO oracle: its per-rollout critic cache follows a new rollout", "[unit]") {
  Rig rig(TinyConfig("ppo_gauss"));
  const int steps = rig.oracle->BatchSize();
  const VectorXd r = RandomVec(steps, 61);
  VectorXd first, again, fresh;
  rig.oracle->Gradient(r, 0.9, first);  // fills the cache on the first rollout
  // update, then collect the next rollout from a fresh reset
  rig.agent->Update(RewardPipeline());
  Mat obs, action;
  VecStep step;
  rig.env->ResizeFor(step);
  rig.env->Reset(obs);
  for (int i = 0; !rig.agent->ReadyToUpdate(); ++i) {
    REQUIRE(i < 10000);
    rig.agent->Act(obs, ActMode::kExplore, action);
    rig.env->Step(action, step);
    rig.agent->Observe(obs, action, step);
    obs = step.obs;
  }
  rig.oracle->Gradient(r, 0.9, again);
  // a reloaded copy's oracle starts with no cache: the same gradient, bit for bit
  const std::unique_ptr<Agent> copy =
      testing::SaveAndReload(rig.config, rig.env->Spec(), *rig.agent);
  copy->Oracle()->Gradient(r, 0.9, fresh);
  CHECK(testing::SameBits(Mat(again), Mat(fresh)));
  CHECK_FALSE(testing::SameBits(Mat(first), Mat(again)));
}

TEST_CASE("oracle: the analytic linear-softmax HVP equals central differences", "[unit]") {
  const std::string which =
      GENERATE("reinforce_discrete_linear", "reinforce_discrete_linear_fourier");
  INFO(which);
  Rig rig(TinyConfig(which));
  auto& agent = dynamic_cast<Reinforce&>(*rig.agent);
  REQUIRE(ReinforceAnalyticHessian(agent));
  const int steps = agent.BatchSize();
  const VectorXd r = RandomVec(steps, 41), v = RandomVec(agent.NumParams(), 42);
  VectorXd analytic, fd;
  agent.HessianVector(r, 0.97, v, analytic);
  ReinforceHessianVectorFd(agent, r, 0.97, v, fd);
  INFO("analytic " << analytic.transpose() << "\nfd " << fd.transpose());
  CHECK((analytic - fd).norm() < 1e-3 * analytic.norm());
  CHECK(analytic.norm() > 0.0);
}

// A learned module that records what the trainer hands its Fit.
class OracleProbe : public RewardModule {
 public:
  explicit OracleProbe(int window) : window_(window) {}
  void Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const override {
    out = batch.env_reward;
  }
  bool Learned() const override { return true; }
  int WindowSize() const override { return window_; }
  double AgentGamma() const override { return agent_gamma; }
  std::vector<double> Fit(const FitContext& context) override {
    if (context.oracle == nullptr) return {};
    ++fits;
    if (agent_gamma >= 0) agent_gamma = 0.5 + 0.01 * fits;
    batch_sizes.push_back(context.oracle->BatchSize());
    stores.push_back(context.agent_store);
    store_sizes.push_back(context.agent_store ? context.agent_store->Size() : -1);
    window_sizes.push_back(context.window ? context.window->Size() : -1);
    return {};
  }
  int fits = 0;
  double agent_gamma = -1.0;  // the discount asked of the agent; < 0 = none
  std::vector<int> batch_sizes;
  std::vector<const TransitionStore*> stores;
  std::vector<int64_t> store_sizes, window_sizes;  // -1 where the pointer was null

 private:
  int window_;
};

TEST_CASE("the trainer hands the agent's oracle, store and window to learned modules", "[unit]") {
  for (const std::string which : {"reinforce_discrete_linear", "ppo_discrete"}) {
    for (const int window : {0, 40}) {
      INFO(which << ", window " << window);
      const ExperimentConfig config = LoadExperimentConfig("", TinyConfig(which));
      std::unique_ptr<VecEnv> env = MakeVecEnv(config.env, 1);
      std::unique_ptr<Agent> agent = FindAgent(config.agent.Find("type")->scalar)
                                         .make(config.agent, env->Spec(), config.env.num_envs, 2);
      std::vector<WeightedModule> modules;
      auto probe = std::make_unique<OracleProbe>(window);
      OracleProbe* seen = probe.get();
      modules.push_back({"probe", 1.0, std::move(probe)});
      const EnvSpec& spec = env->Spec();
      RewardPipeline reward(std::move(modules), spec.observation.Dim(), spec.action.Dim(),
                            static_cast<int>(spec.reward_terms.size()));
      Trainer trainer({600, 0, 1, 0, 0}, *env, nullptr, *agent, reward);
      trainer.Run();
      REQUIRE(seen->fits > 2);
      const bool ppo = which.rfind("ppo", 0) == 0;
      for (int k = 0; k < seen->fits; ++k) {
        CHECK(seen->batch_sizes[k] > 0);
        // the agent's own store; PPO's is its complete rollout, the oracle's batch
        CHECK(seen->stores[k] == agent->Transitions());
        if (ppo) CHECK(seen->store_sizes[k] == seen->batch_sizes[k]);
        // a window exactly when the module asks for one, filled up to its size
        if (window == 0) CHECK(seen->window_sizes[k] == -1);
        if (window > 0) CHECK(seen->window_sizes[k] > 0);
        if (window > 0) CHECK(seen->window_sizes[k] <= window);
      }
      if (ppo) CHECK(seen->store_sizes.back() == 16 * config.env.num_envs);
    }
  }
}

TEST_CASE("the trainer gives the agent the discount a module asks for after every fit", "[unit]") {
  for (const std::string which : {"reinforce_discrete_linear", "ppo_discrete"}) {
    INFO(which);
    const ExperimentConfig config = LoadExperimentConfig("", TinyConfig(which));
    std::unique_ptr<VecEnv> env = MakeVecEnv(config.env, 1);
    std::unique_ptr<Agent> agent = FindAgent(config.agent.Find("type")->scalar)
                                       .make(config.agent, env->Spec(), config.env.num_envs, 2);
    std::vector<WeightedModule> modules;
    auto probe = std::make_unique<OracleProbe>(0);
    OracleProbe* seen = probe.get();
    seen->agent_gamma = 0.7;
    modules.push_back({"probe", 1.0, std::move(probe)});
    const EnvSpec& spec = env->Spec();
    RewardPipeline reward(std::move(modules), spec.observation.Dim(), spec.action.Dim(),
                          static_cast<int>(spec.reward_terms.size()));
    CHECK(reward.AgentGamma() == 0.7);
    Trainer trainer({600, 0, 1, 0, 0}, *env, nullptr, *agent, reward);
    trainer.Run();
    REQUIRE(seen->fits > 2);
    CHECK(agent->Gamma() == Approx(0.5 + 0.01 * seen->fits));
  }
}

TEST_CASE("SetGamma makes an agent learn as if configured with that discount", "[unit]") {
  for (const std::string which : {"reinforce_discrete_mlp_value", "reinforce_gauss_linear_none",
                                  "ppo_discrete", "ppo_gauss"}) {
    INFO(which);
    std::vector<std::string> sets = TinyConfig(which);
    if (which.rfind("ppo", 0) == 0) sets.push_back("agent.normalize_reward=true");
    std::vector<std::string> set_a = sets, set_b = sets;
    set_a.push_back("agent.gamma=0.99");
    set_b.push_back("agent.gamma=0.6");
    const ExperimentConfig config_a = LoadExperimentConfig("", set_a);
    const ExperimentConfig config_b = LoadExperimentConfig("", set_b);
    std::unique_ptr<VecEnv> env = MakeVecEnv(config_a.env, 1);
    const AgentEntry& entry = FindAgent(config_a.agent.Find("type")->scalar);
    std::unique_ptr<Agent> a = entry.make(config_a.agent, env->Spec(), config_a.env.num_envs, 2);
    std::unique_ptr<Agent> b = entry.make(config_b.agent, env->Spec(), config_b.env.num_envs, 2);
    REQUIRE(a->SetGamma(0.6));
    CHECK(a->Gamma() == 0.6);
    // every update agrees bit for bit with the agent built with γ = 0.6, not with γ = 0.99
    testing::TrainInLockstep(config_a, *a, *b, 3);
    // and differ from an agent that kept γ = 0.99
    std::unique_ptr<Agent> c = entry.make(config_a.agent, env->Spec(), config_a.env.num_envs, 2);
    std::unique_ptr<Agent> d = entry.make(config_a.agent, env->Spec(), config_a.env.num_envs, 2);
    testing::TrainInLockstep(config_a, *c, *d, 3);
    Eigen::VectorXd theta_a, theta_c;
    a->Oracle()->Params(theta_a);
    c->Oracle()->Params(theta_c);
    CHECK(theta_a != theta_c);
  }
}

// Columns [begin, begin + count) of `b`.
TransitionBatch Slice(const RewardBatch& b, int begin, int count) {
  TransitionBatch out;
  out.obs = b.obs.middleCols(begin, count);
  out.action = b.action.middleCols(begin, count);
  out.next_obs = b.next_obs.middleCols(begin, count);
  out.env_reward = b.env_reward.segment(begin, count);
  out.terms = b.terms.middleCols(begin, count);
  out.terminated.assign(b.terminated + begin, b.terminated + begin + count);
  out.truncated.assign(b.truncated + begin, b.truncated + begin + count);
  return out;
}

TEST_CASE("REINFORCE's oracle serves other whole episodes at the current theta", "[unit]") {
  for (const std::string which : {"reinforce_gauss_linear_none", "reinforce_discrete_mlp_value"}) {
    INFO(which);
    Rig rig(TinyConfig(which));
    PolicyGradientOracle& o = *rig.oracle;
    REQUIRE(o.ServesEpisodes());
    const RewardBatch batch = o.Batch();
    const int n = batch.Size(), p = o.NumParams();
    const TransitionBatch all = Slice(batch, 0, n);
    Eigen::MatrixXf actions;
    o.PolicyActions(actions);
    REQUIRE(actions.cols() == n);
    int first = 0, episodes = 0;
    for (int t = 0; t < n; ++t) {
      if (!all.terminated[t] && !all.truncated[t]) continue;
      if (episodes++ == 0) first = t + 1;
    }
    REQUIRE(episodes >= 3);
    const VectorXd r = RandomVec(n, 11), v = RandomVec(p, 12);

    // J and its derivatives on the batch, on its first episode and on the others
    struct Values {
      double objective = 0.0;
      VectorXd grad, dot;
    };
    const auto values = [&](int rows_begin, int rows) {
      Values x;
      const VectorXd rr = r.segment(rows_begin, rows);
      x.objective = o.Objective(rr, 0.9);
      o.Gradient(rr, 0.9, x.grad);
      o.RewardGradientOfDot(rr, 0.9, v, x.dot);
      return x;
    };
    const Values whole = values(0, n);
    const TransitionBatch head = Slice(batch, 0, first), tail = Slice(batch, first, n - first);
    REQUIRE(o.UseEpisodes(ToRewardBatch(head), actions.leftCols(first)));
    CHECK(o.BatchSize() == first);
    const Values one = values(0, first);
    REQUIRE(o.UseEpisodes(ToRewardBatch(tail), actions.rightCols(n - first)));
    CHECK(o.BatchSize() == n - first);
    const Values rest = values(first, n - first);
    o.UseAgentBatch();
    CHECK(o.BatchSize() == n);
    CHECK(o.Objective(r, 0.9) == whole.objective);

    // J is a mean over episodes: E·J = 1·J_first + (E − 1)·J_rest
    const double e = episodes;
    CHECK(e * whole.objective ==
          Approx(one.objective + (e - 1) * rest.objective).epsilon(1e-4).margin(1e-6));
    const VectorXd grad = one.grad + (e - 1) * rest.grad;
    CHECK((e * whole.grad - grad).norm() < 1e-4 * grad.norm() + 1e-6);
    VectorXd dot(n);
    dot << one.dot, (e - 1) * rest.dot;
    CHECK((e * whole.dot - dot).norm() < 1e-4 * dot.norm() + 1e-6);

    // a batch must end with an episode end; Update serves the agent's batch again
    CHECK_THROWS_AS(
        o.UseEpisodes(ToRewardBatch(Slice(batch, 0, first - 1)), actions.leftCols(first - 1)),
        UserError);
    REQUIRE(o.UseEpisodes(ToRewardBatch(head), actions.leftCols(first)));
    rig.agent->Update(RewardPipeline());
    CHECK(o.BatchSize() == 0);
  }

  // PPO's oracle does not
  Rig ppo(TinyConfig("ppo_discrete"));
  CHECK_FALSE(ppo.oracle->ServesEpisodes());
  const RewardBatch batch = ppo.oracle->Batch();
  Eigen::MatrixXf actions;
  ppo.oracle->PolicyActions(actions);
  CHECK_FALSE(ppo.oracle->UseEpisodes(batch, actions));
  CHECK(ppo.oracle->BatchSize() == batch.Size());
}

}  // namespace
}  // namespace rl
