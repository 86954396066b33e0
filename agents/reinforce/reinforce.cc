#include "agents/reinforce/reinforce.h"

#include <cmath>

#include "core/checkpoint.h"
#include "nn/serialize.h"

namespace rl {
namespace {

std::vector<int> Sizes(int in, const std::vector<int>& hidden, int out) {
  std::vector<int> sizes{in};
  sizes.insert(sizes.end(), hidden.begin(), hidden.end());
  sizes.push_back(out);
  return sizes;
}

nn::Activation ActivationOf(const std::string& name) {
  return name == "relu" ? nn::Activation::kRelu : nn::Activation::kTanh;
}

// Appends `n` floats from `src` to `dst`.
void Put(std::vector<float>& dst, const float* src, int n) { dst.insert(dst.end(), src, src + n); }

// Writes a float or byte vector as a 1-D dataset (possibly empty).
template <class T>
void WriteVector(const h5::Group& g, const std::string& name, const std::vector<T>& v) {
  g.Write<T>(name, std::span<const T>(v.data(), v.size()));
}

}  // namespace

void EpisodeColumns::Append(const EpisodeColumns& o) {
  obs.insert(obs.end(), o.obs.begin(), o.obs.end());
  actions.insert(actions.end(), o.actions.begin(), o.actions.end());
  env_actions.insert(env_actions.end(), o.env_actions.begin(), o.env_actions.end());
  next_obs.insert(next_obs.end(), o.next_obs.begin(), o.next_obs.end());
  rewards.insert(rewards.end(), o.rewards.begin(), o.rewards.end());
  terms.insert(terms.end(), o.terms.begin(), o.terms.end());
  terminated.insert(terminated.end(), o.terminated.begin(), o.terminated.end());
  truncated.insert(truncated.end(), o.truncated.begin(), o.truncated.end());
  steps += o.steps;
}

void EpisodeColumns::Clear() { *this = EpisodeColumns(); }

Reinforce::Reinforce(const ReinforceConfig& config, const EnvSpec& spec, int num_envs,
                     uint64_t seed)
    : config_(config),
      spec_(spec),
      num_envs_(num_envs),
      discrete_(spec.action.IsDiscrete()),
      obs_dim_(spec.observation.Dim()),
      act_dim_(spec.action.Dim()),
      num_terms_(static_cast<int>(spec.reward_terms.size())),
      explore_rng_(seed, RngStream::kAgent, 1),
      policy_([&] {
        Rng init(seed, RngStream::kAgent, 0);
        const std::vector<int> hidden =
            config.policy == "linear" ? std::vector<int>{} : config.net.hidden;
        return nn::Mlp(Sizes(obs_dim_, hidden, discrete_ ? spec.action.n : act_dim_),
                       ActivationOf(config.net.activation), 0.01f, init);
      }()),
      log_std_(VecF::Constant(discrete_ ? 0 : act_dim_, static_cast<float>(config.log_std_init))),
      policy_opt_(policy_.NumParams(), {config.lr, 0.9, 0.999, config.adam_eps}),
      log_std_opt_(static_cast<int>(log_std_.size()), policy_opt_.Options()),
      open_(num_envs) {
  if (config.baseline == "value") {
    Rng init(seed, RngStream::kAgent, 3);
    value_.emplace(Sizes(obs_dim_, config.net.hidden, 1), ActivationOf(config.net.activation), 1.0f,
                   init);
    value_opt_.emplace(value_->NumParams(),
                       nn::AdamOptions{config.value_lr, 0.9, 0.999, config.adam_eps});
  }
}

std::vector<std::string> Reinforce::MetricNames() const {
  return {"losses/policy_loss", "losses/value_loss", "losses/entropy", "charts/batch_episodes",
          "charts/batch_steps"};
}

std::string Reinforce::NonFinite(const MetricValues& values) const {
  const std::string metric = NonFiniteMetric("REINFORCE", MetricNames(), values, values.size());
  if (!metric.empty()) return metric;
  if (!policy_.Params().allFinite()) return "REINFORCE update left non-finite policy parameters";
  if (!log_std_.allFinite()) return "REINFORCE update left a non-finite log_std";
  if (value_ && !value_->Params().allFinite()) {
    return "REINFORCE update left non-finite value-baseline parameters";
  }
  return "";
}

bool Reinforce::ReadyToUpdate() const {
  return static_cast<int>(episode_ends_.size()) >= config_.episodes_per_update;
}

void Reinforce::StateValues(const Mat& obs, Vec& values) {
  if (!value_) {
    throw UserError("this REINFORCE agent has no value function (set agent.baseline: value)");
  }
  MatF out;
  value_->Forward(obs.cast<float>(), out);
  values = out.row(0).transpose().cast<double>();
}

void Reinforce::Act(const Mat& obs, ActMode mode, Mat& action) {
  const int n = static_cast<int>(obs.cols());
  act_obs_ = obs.cast<float>();
  policy_.Forward(act_obs_, act_head_);
  action.resize(act_dim_, n);
  if (discrete_) {
    act_categorical_.SetLogits(act_head_);
    act_classes_.resize(n);
    if (mode == ActMode::kEval) {
      act_categorical_.Mode(act_classes_);
    } else {
      act_categorical_.Sample(explore_rng_, act_classes_);
    }
    action.row(0) = act_classes_.cast<double>().transpose();
    if (mode == ActMode::kExplore) last_actions_ = act_classes_.cast<float>().transpose();
    return;
  }
  // Gaussian: the env sees the draw clipped to the Box; the raw draw is what log π scores
  MatF draw = act_head_;
  if (mode != ActMode::kEval) {
    act_gaussian_.Set(act_head_, log_std_);
    act_gaussian_.Sample(explore_rng_, draw);
  }
  action = draw.cast<double>()
               .cwiseMax(spec_.action.low.replicate(1, n))
               .cwiseMin(spec_.action.high.replicate(1, n));
  if (mode == ActMode::kExplore) last_actions_ = draw;
}

void Reinforce::Observe(const Mat& obs, const Mat& action, const VecStep& step) {
  const MatF obs_f = obs.cast<float>(), env_act = action.cast<float>();
  const MatF next = step.final_obs.cast<float>(), terms = step.terms.cast<float>();
  for (int i = 0; i < num_envs_; ++i) {
    EpisodeColumns& e = open_[i];
    Put(e.obs, obs_f.col(i).data(), obs_dim_);
    Put(e.actions, last_actions_.col(i).data(), act_dim_);
    Put(e.env_actions, env_act.col(i).data(), act_dim_);
    Put(e.next_obs, next.col(i).data(), obs_dim_);
    e.rewards.push_back(static_cast<float>(step.reward[i]));
    Put(e.terms, terms.col(i).data(), num_terms_);
    e.terminated.push_back(step.terminated[i]);
    e.truncated.push_back(step.truncated[i]);
    ++e.steps;
    // a finished episode joins the batch
    if (step.terminated[i] || step.truncated[i]) {
      done_.Append(e);
      episode_ends_.push_back(done_.steps);
      e.Clear();
    }
  }
}

MetricValues Reinforce::Update(const RewardPipeline& reward) {
  const int steps = done_.steps;
  VecF labels(steps);
  const RewardBatch batch = Batch();
  reward.Label(batch, labels);
  const std::string bad = reward.DescribeNonFinite(batch, labels, "episode transition");
  if (!bad.empty()) throw NonFiniteError("REINFORCE update: " + bad);

  // one ascent step on J: Adam minimises −J
  const Eigen::VectorXd r = labels.cast<double>();
  Eigen::VectorXd adv, ret;
  Advantages(r, config_.gamma, adv, ret);
  VecF w, c, grad;
  ObjectiveWeights(r, config_.gamma, w, c);
  EvaluateBatch();
  const StochasticPolicy policy = Policy();
  policy.Gradient(eval_, w, c, grad);
  grad = -grad;
  if (config_.max_grad_norm > 0) nn::ClipGradNorm(grad, static_cast<float>(config_.max_grad_norm));
  const int n = policy_.NumParams();
  policy_opt_.Step(policy_.Params(), grad.head(n));
  if (!discrete_) log_std_opt_.Step(log_std_, grad.tail(act_dim_));

  const double policy_loss = -(eval_.logp.cast<double>().array() * adv.array()).mean();
  const double entropy = eval_.entropy.cast<double>().mean();
  const double value_loss = value_ ? FitValue(ret) : 0.0;
  const double episodes = static_cast<double>(episode_ends_.size());
  done_.Clear();
  episode_ends_.clear();
  return {policy_loss, value_loss, entropy, episodes, static_cast<double>(steps)};
}

double Reinforce::FitValue(const Eigen::VectorXd& ret) {
  const int steps = done_.steps;
  const Eigen::Map<const MatF> obs(done_.obs.data(), obs_dim_, steps);
  const MatF target = ret.cast<float>().transpose();
  nn::MlpCache cache;
  VecF grad(value_->NumParams());
  double loss = 0.0;
  for (int epoch = 0; epoch < config_.value_epochs; ++epoch) {
    value_->Forward(obs, cache);
    const MatF diff = cache.Output() - target;
    if (epoch == 0) loss = 0.5 * diff.cast<double>().squaredNorm() / steps;
    grad.setZero();
    value_->Backward(cache, diff / static_cast<float>(steps), grad);
    value_opt_->Step(value_->Params(), grad);
  }
  return loss;
}

void Reinforce::Save(const h5::Group& g) const {
  nn::Save(g, "policy", policy_);
  ckpt::Write(g, "log_std", log_std_);
  nn::Save(g, "policy_opt", policy_opt_);
  nn::Save(g, "log_std_opt", log_std_opt_);
  if (value_) {
    nn::Save(g, "value", *value_);
    nn::Save(g, "value_opt", *value_opt_);
  }
  ckpt::WriteRng(g, "explore_rng", explore_rng_);
  // the open episodes of every slot, then the completed ones (the batch)
  const auto write = [](const h5::Group& e, const EpisodeColumns& c) {
    e.WriteIntAttr("steps", c.steps);
    WriteVector(e, "obs", c.obs);
    WriteVector(e, "actions", c.actions);
    WriteVector(e, "env_actions", c.env_actions);
    WriteVector(e, "next_obs", c.next_obs);
    WriteVector(e, "rewards", c.rewards);
    WriteVector(e, "terms", c.terms);
    WriteVector(e, "terminated", c.terminated);
    WriteVector(e, "truncated", c.truncated);
  };
  for (int i = 0; i < num_envs_; ++i) write(g.CreateGroup("open_" + std::to_string(i)), open_[i]);
  const h5::Group done = g.CreateGroup("done");
  write(done, done_);
  WriteVector(done, "episode_ends",
              std::vector<int64_t>(episode_ends_.begin(), episode_ends_.end()));
  ckpt::Write(g, "last_actions", last_actions_);
}

void Reinforce::Load(const h5::Group& g) {
  nn::Load(g, "policy", policy_);
  ckpt::ReadInto(g, "log_std", log_std_);
  nn::Load(g, "policy_opt", policy_opt_);
  nn::Load(g, "log_std_opt", log_std_opt_);
  if (value_) {
    nn::Load(g, "value", *value_);
    nn::Load(g, "value_opt", *value_opt_);
  }
  ckpt::ReadRng(g, "explore_rng", explore_rng_);
  const auto read = [&](const h5::Group& e, EpisodeColumns& c) {
    c.steps = static_cast<int>(e.ReadIntAttr("steps"));
    c.obs = e.Read<float>("obs");
    c.actions = e.Read<float>("actions");
    c.env_actions = e.Read<float>("env_actions");
    c.next_obs = e.Read<float>("next_obs");
    c.rewards = e.Read<float>("rewards");
    c.terms = e.Read<float>("terms");
    c.terminated = e.Read<uint8_t>("terminated");
    c.truncated = e.Read<uint8_t>("truncated");
    const size_t s = c.steps;
    if (c.obs.size() != s * obs_dim_ || c.actions.size() != s * act_dim_ ||
        c.next_obs.size() != s * obs_dim_ || c.terms.size() != s * num_terms_ ||
        c.rewards.size() != s || c.terminated.size() != s || c.truncated.size() != s) {
      throw UserError(g.FilePath() + ": the REINFORCE episodes do not fit this env's spaces");
    }
  };
  for (int i = 0; i < num_envs_; ++i) read(g.OpenGroup("open_" + std::to_string(i)), open_[i]);
  const h5::Group done = g.OpenGroup("done");
  read(done, done_);
  const std::vector<int64_t> ends = done.Read<int64_t>("episode_ends");
  episode_ends_.assign(ends.begin(), ends.end());
  if (!ends.empty() && ends.back() != done_.steps) {
    throw UserError(g.FilePath() + ": the REINFORCE batch's episode ends do not fit its steps");
  }
  ckpt::Read(g, "last_actions", last_actions_);
}

}  // namespace rl
