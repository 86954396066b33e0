#include "rewards/gail/gail.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/checkpoint.h"
#include "envs/env.h"

namespace rl {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

gail::DiscriminatorOptions OptionsOf(const GailConfig& c) {
  gail::DiscriminatorOptions o;
  o.hidden = c.hidden;
  o.activation = nn::ActivationFromName(c.activation);
  o.spectral_norm = c.spectral_norm;
  o.normalize_inputs = c.normalize_inputs;
  o.lr = c.lr;
  o.label_smoothing = static_cast<float>(c.label_smoothing);
  o.ent_coef = static_cast<float>(c.ent_coef);
  o.penalty = c.penalty == "wgan"     ? gail::PenaltyPoints::kWgan
              : c.penalty == "dragan" ? gail::PenaltyPoints::kDragan
              : c.penalty == "nagard" ? gail::PenaltyPoints::kNagard
                                      : gail::PenaltyPoints::kNone;
  o.penalty_form =
      c.penalty_form == "one_sided" ? nn::PenaltyForm::kOneSided : nn::PenaltyForm::kTwoSided;
  o.penalty_target = static_cast<float>(c.penalty_target);
  o.penalty_scale = static_cast<float>(c.penalty_scale);
  o.penalty_noise = static_cast<float>(c.penalty_noise);
  return o;
}

// width of the action part: a Discrete index is one-hot
int ActionWidth(const Space& action) { return action.IsDiscrete() ? action.n : action.Dim(); }

// (s, a) or (s, s'), each part followed by an indicator bit with absorbing states
int InputWidth(const GailConfig& c, const EnvSpec& spec) {
  const int obs = spec.observation.Dim();
  const int second = c.inputs == "state_action" ? ActionWidth(spec.action) : obs;
  return obs + second + (c.absorbing ? 2 : 0);
}

gail::DiscriminatorOptions OptionsOf(const GailConfig& c, const EnvSpec& spec) {
  gail::DiscriminatorOptions o = OptionsOf(c);
  const int dim = InputWidth(c, spec);
  if (c.absorbing) o.raw_rows = {spec.observation.Dim(), dim - 1};
  return o;
}

}  // namespace

Gail::Gail(const GailConfig& config, const DemoDataset& demos, const EnvSpec& spec,
           const std::string& name, Rng rng, double gamma)
    : config_(config),
      name_(name),
      obs_dim_(spec.observation.Dim()),
      act_width_(ActionWidth(spec.action)),
      discrete_(spec.action.IsDiscrete()),
      rng_(rng),
      disc_(InputWidth(config, spec), OptionsOf(config, spec), rng_),
      gamma_(gamma),
      precond_({.min_psi = config.preconditioning == "dynamics" ? gail::kDynamicsMinPsi : 0.0}) {
  // the forward model draws its init from a generator of its own, so the diagnostic leaves the
  // discriminator's draws as they are
  if (!discrete_ && (config_.preconditioning == "dynamics" || config_.gamma2c)) {
    Rng init(rng_.State()[0] ^ 0x9e3779b97f4a7c15ull);
    forward_.emplace(obs_dim_, act_width_, config_.forward_lr, init);
  }
  // every stride-th transition of each episode, from a random offset, as the agent's inputs;
  // a terminated episode's absorbing self-loop is kept whatever the stride
  std::vector<Eigen::MatrixXf> parts;
  Eigen::Index n = 0;
  for (const DemoEpisode& e : demos.episodes) {
    const std::vector<int> kept = SubsampleTransitions(e, config_.stride, rng_);
    const int steps = e.Steps();
    const Eigen::MatrixXf obs = e.obs.cast<float>(), actions = e.actions.cast<float>();
    const Eigen::VectorXf rewards = e.rewards.cast<float>();
    const Eigen::MatrixXf terms(0, steps);
    const bool wrap = config_.absorbing && e.Terminated();
    Eigen::MatrixXf all;
    Inputs({obs.leftCols(steps), actions, obs.rightCols(steps), rewards, terms,
            e.terminations.data(), e.truncations.data()},
           all);
    Eigen::MatrixXf& part = parts.emplace_back(all.rows(), kept.size() + (wrap ? 1 : 0));
    for (size_t k = 0; k < kept.size(); ++k) part.col(k) = all.col(kept[k]);
    if (wrap) SelfLoopInput(part.col(part.cols() - 1));
    n += part.cols();
  }
  expert_.resize(disc_.InputDim(), n);
  Eigen::Index c = 0;
  for (const Eigen::MatrixXf& part : parts) {
    expert_.middleCols(c, part.cols()) = part;
    c += part.cols();
  }
}

void Gail::SelfLoopInput(Eigen::Ref<Eigen::VectorXf> x) const {
  x.setZero();
  x[obs_dim_] = 1.0f;
  x[x.size() - 1] = 1.0f;
}

void Gail::Inputs(const RewardBatch& batch, Eigen::MatrixXf& x) const {
  const int n = batch.Size();
  const int bit = config_.absorbing ? 1 : 0;
  const int second = obs_dim_ + bit;  // first row of the action or next-state part
  const bool actions = config_.inputs == "state_action";
  x.resize(disc_.InputDim(), n);
  x.topRows(obs_dim_) = batch.obs;
  if (actions && discrete_) {
    x.middleRows(second, act_width_).setZero();
    for (int j = 0; j < n; ++j) {
      const int a = static_cast<int>(batch.action(0, j));
      if (a >= 0 && a < act_width_) x(second + a, j) = 1.0f;
    }
  } else if (actions) {
    x.middleRows(second, act_width_) = batch.action;
  } else {
    x.middleRows(second, obs_dim_) = batch.next_obs;
  }
  if (!bit) return;

  // indicator bits: the self-loop is all absorbing; in (s, s') a true termination leads there
  const int last = static_cast<int>(x.rows()) - 1;
  x.row(obs_dim_).setZero();
  x.row(last).setZero();
  for (int j = 0; j < n; ++j) {
    if (batch.absorbing && batch.absorbing[j]) {
      SelfLoopInput(x.col(j));
    } else if (!actions && batch.terminated[j]) {
      x.col(j).segment(second, obs_dim_).setZero();
      x(last, j) = 1.0f;
    }
  }
}

void Gail::RewardOfLogits(Eigen::Ref<Eigen::VectorXf> logits) const {
  if (config_.reward == "airl") return;  // log σ(D) − log(1 − σ(D)) = D exactly
  // −log(1 − σ(D) + 1e-8) with 1 − σ(D) = σ(−D) = 1 / (1 + e^D)
  logits = logits.unaryExpr([](float d) { return -std::log(1.0f / (1.0f + std::exp(d)) + 1e-8f); });
}

void Gail::Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const {
  Inputs(batch, x_);
  disc_.Logits(x_, out);
  RewardOfLogits(out);
  if (config_.preconditioning == "none") return;
  psi_.resize(batch.Size());
  Psi(batch, x_, psi_);
  out.array() *= psi_.array();
}

std::vector<double> Gail::Fit(const FitContext& context) {
  std::vector<double> metrics(MetricNames().size(), kNan);
  const TransitionStore* store = context.agent_store;
  if (!store || store->Size() == 0) return metrics;
  if (fits_ > 0 && context.step - last_fit_step_ < config_.fit_every) return metrics;
  last_fit_step_ = context.step;
  ++fits_;

  // d_steps updates on balanced minibatches: expert inputs uniformly, the agent's store uniformly
  const int b = config_.batch_size;
  const int64_t n = expert_.cols();
  expert_batch_.resize(expert_.rows(), b);
  gail::UpdateStats sum;
  for (int k = 0; k < config_.d_steps; ++k) {
    for (int j = 0; j < b; ++j) expert_batch_.col(j) = expert_.col(rng_.UniformInt(n));
    if (config_.absorbing) {
      store->SampleAbsorbing(b, rng_, policy_batch_);
    } else {
      store->Sample(b, rng_, policy_batch_);
    }
    Inputs(ToRewardBatch(policy_batch_), policy_x_);
    const gail::UpdateStats s = disc_.Update(expert_batch_, policy_x_, rng_);
    sum.bce += s.bce;
    sum.expert_accuracy += s.expert_accuracy;
    sum.policy_accuracy += s.policy_accuracy;
    sum.grad_norm += s.grad_norm;
    sum.penalty += s.penalty;
  }

  // the forward model and preconditioner, then the rewards the agent now sees on the last policy
  // minibatch
  const std::array<double, 3> lipschitz = FitLipschitz(context);
  policy_reward_.resize(b);
  Compute(ToRewardBatch(policy_batch_), policy_reward_);
  const double d = config_.d_steps;
  metrics = {sum.bce / d,
             sum.expert_accuracy / d,
             sum.policy_accuracy / d,
             sum.grad_norm / d,
             sum.penalty / d,
             policy_reward_.cast<double>().mean(),
             static_cast<double>(policy_reward_.maxCoeff()),
             lipschitz[0],
             lipschitz[1],
             lipschitz[2]};
  return metrics;
}

std::vector<std::string> Gail::MetricNames() const {
  return {name_ + "/bce_loss",   name_ + "/expert_accuracy", name_ + "/policy_accuracy",
          name_ + "/grad_norm",  name_ + "/penalty",         name_ + "/reward_mean",
          name_ + "/reward_max", name_ + "/forward_loss",    name_ + "/psi_mean",
          name_ + "/gamma2c"};
}

void Gail::Save(const h5::Group& g) const {
  disc_.Save(g.CreateGroup("discriminator"));
  g.Write<float>("expert_inputs", std::span<const float>(expert_.data(), expert_.size()),
                 {static_cast<uint64_t>(expert_.cols()), static_cast<uint64_t>(expert_.rows())});
  ckpt::WriteRng(g, "rng", rng_);
  g.WriteIntAttr("last_fit_step", last_fit_step_);
  g.WriteIntAttr("fits", fits_);
  if (forward_) forward_->Save(g.CreateGroup("forward_model"));
  precond_.Save(g.CreateGroup("preconditioner"));
}

void Gail::Load(const h5::Group& g) {
  h5::Dims dims;
  const std::vector<float> expert = g.Read<float>("expert_inputs", &dims);
  if (dims.size() != 2 || dims[1] != static_cast<uint64_t>(disc_.InputDim())) {
    throw UserError(g.FilePath() + ": gail checkpoint holds expert inputs of another width than " +
                    std::to_string(disc_.InputDim()) + "; resume with the run's own config");
  }
  disc_.Load(g.OpenGroup("discriminator"));
  expert_ = Eigen::Map<const Eigen::MatrixXf>(expert.data(), static_cast<Eigen::Index>(dims[1]),
                                              static_cast<Eigen::Index>(dims[0]));
  ckpt::ReadRng(g, "rng", rng_);
  last_fit_step_ = g.ReadIntAttr("last_fit_step");
  fits_ = g.ReadIntAttr("fits");
  if (forward_) forward_->Load(g.OpenGroup("forward_model"));
  precond_.Load(g.OpenGroup("preconditioner"));
}

std::unique_ptr<RewardModule> MakeGail(const GailConfig& config, const std::string& key,
                                       const RewardContext& context) {
  const EnvSpec& spec = context.env->Spec();
  if (config.demos.empty()) {
    throw UserError("key '" + key + ".demos': no expert demonstrations; set it to a Minari " +
                    "dataset folder of " + spec.id +
                    " (`rewardlab demos RUN_DIR --episodes N --out DIR` records one)");
  }
  if (spec.action.IsDiscrete() && config.preconditioning == "dynamics") {
    throw UserError("key '" + key + ".preconditioning': the forward model of dynamics " +
                    "preconditioning reads Box actions and " + spec.id + "'s are Discrete; use " +
                    "reward_gradient or none");
  }
  DemoDataset demos;
  try {
    demos = LoadDemos(config.demos, spec, {config.num_demos});
  } catch (const UserError& e) {
    const std::string field =
        std::string(e.what()).find("num_demos") != std::string::npos ? ".num_demos" : ".demos";
    throw UserError("key '" + key + field + "': " + e.what());
  }
  auto module =
      std::make_unique<Gail>(config, demos, spec, config.OutputName(),
                             Rng(context.seed, RngStream::kReward, context.index), context.gamma);
  if (module->ExpertInputs().cols() == 0) {
    throw UserError("key '" + key + ".stride': " + std::to_string(config.stride) + " keeps no " +
                    "transition of the " + std::to_string(demos.episodes.size()) +
                    " expert episodes in " + config.demos + "; use a smaller stride");
  }
  return module;
}

}  // namespace rl
