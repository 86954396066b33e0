#include "agents/reinforce/reinforce.h"

#include <algorithm>
#include <cmath>

#include "core/checkpoint.h"
#include "nn/serialize.h"

namespace rl {
namespace {

// Writes an int64 vector as a 1-D dataset (possibly empty).
void WriteIds(const h5::Group& g, const std::string& name, const std::vector<int64_t>& v) {
  g.Write<int64_t>(name, std::span<const int64_t>(v.data(), v.size()));
}

}  // namespace

Reinforce::Reinforce(const ReinforceConfig& config, const EnvSpec& spec, int num_envs,
                     uint64_t seed)
    : config_(config),
      spec_(spec),
      num_envs_(num_envs),
      discrete_(spec.action.IsDiscrete()),
      obs_dim_(spec.observation.Dim()),
      act_dim_(spec.action.Dim()),
      explore_rng_(seed, RngStream::kAgent, 1),
      features_([&]() -> std::optional<FeatureMap> {
        if (config.features.type == "none") return std::nullopt;
        return FeatureMap(config.features, spec.observation, "agent.features");
      }()),
      policy_([&] {
        Rng init(seed, RngStream::kAgent, 0);
        const std::vector<int> hidden =
            config.policy == "linear" ? std::vector<int>{} : config.net.hidden;
        const int in = features_ ? features_->Size() : obs_dim_;
        return nn::Mlp(nn::LayerSizes(in, hidden, discrete_ ? spec.action.n : act_dim_),
                       nn::ActivationFromName(config.net.activation), 0.01f, init,
                       config.net.Options());
      }()),
      log_std_(VecF::Constant(discrete_ ? 0 : act_dim_, static_cast<float>(config.log_std_init))),
      policy_opt_(policy_.NumParams(), {config.lr, 0.9, 0.999, config.adam_eps}),
      log_std_opt_(static_cast<int>(log_std_.size()), policy_opt_.Options()),
      store_(ReinforceStoreCapacity(config, num_envs, spec.max_episode_steps), obs_dim_, act_dim_,
             static_cast<int>(spec.reward_terms.size())),
      draws_(MatF::Zero(act_dim_, store_.Capacity())),
      running_(num_envs, -1) {
  if (store_.Capacity() < num_envs) {
    throw UserError("agent.max_stored_steps = " + std::to_string(store_.Capacity()) +
                    " is below env.num_envs = " + std::to_string(num_envs) +
                    "; raise it (0 sizes it from the env's time limit)");
  }
  if (config.baseline == "value") {
    Rng init(seed, RngStream::kAgent, 3);
    value_.emplace(nn::LayerSizes(obs_dim_, config.net.hidden, 1),
                   nn::ActivationFromName(config.net.activation), 1.0f, init, config.net.Options());
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
  if (!nn::AllFinite(policy_.Params())) return "REINFORCE update left non-finite policy parameters";
  if (!nn::AllFinite(log_std_)) return "REINFORCE update left a non-finite log_std";
  if (value_ && !nn::AllFinite(value_->Params())) {
    return "REINFORCE update left non-finite value-baseline parameters";
  }
  return "";
}

bool Reinforce::ReadyToUpdate() const {
  return static_cast<int>(batch_.size()) >= config_.episodes_per_update;
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
  if (features_) {
    features_->Compute(act_obs_, act_in_);
    policy_.Forward(act_in_, act_head_);
  } else {
    policy_.Forward(act_obs_, act_head_);
  }
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

bool Reinforce::Needed(int64_t id) const {
  return std::find(batch_.begin(), batch_.end(), id) != batch_.end() ||
         std::find(running_.begin(), running_.end(), id) != running_.end();
}

void Reinforce::Observe(const Mat& obs, const Mat& action, const VecStep& step) {
  // slot i goes to storage column Column(size + i) (taken before the Add moves the ring); past the
  // capacity that overwrites the oldest transition, which must be one already learned from
  const int64_t size = store_.Size();
  std::vector<int64_t> columns(num_envs_);
  for (int i = 0; i < num_envs_; ++i) {
    columns[i] = store_.Column(size + i);
    if (size + i >= store_.Capacity() && Needed(store_.Episodes()[columns[i]])) {
      throw UserError("REINFORCE: the batch and running episodes need more than agent." +
                      std::string("max_stored_steps = ") + std::to_string(store_.Capacity()) +
                      " transitions; raise it or set env.max_episode_steps");
    }
  }
  store_.Add(obs, action, step);
  gathered_ = false;
  for (int i = 0; i < num_envs_; ++i) {
    draws_.col(columns[i]) = last_actions_.col(i);
    // a finished episode joins the batch
    const int64_t id = store_.Episodes()[columns[i]];
    const bool ends = step.terminated[i] || step.truncated[i];
    running_[i] = ends ? -1 : id;
    if (ends) batch_.push_back(id);
  }
}

const TransitionBatch& Reinforce::Gathered() const {
  if (gathered_) return batch_data_;
  // each episode's columns in time order, episodes in completion order
  std::vector<int64_t> columns;
  episode_ends_.clear();
  for (const int64_t id : batch_) {
    const std::vector<int64_t> episode = store_.EpisodeColumns(id);
    columns.insert(columns.end(), episode.begin(), episode.end());
    episode_ends_.push_back(static_cast<int>(columns.size()));
  }
  store_.Gather(columns, batch_data_);
  batch_draws_.resize(act_dim_, static_cast<int>(columns.size()));
  for (size_t k = 0; k < columns.size(); ++k) batch_draws_.col(k) = draws_.col(columns[k]);
  gathered_ = true;
  return batch_data_;
}

MetricValues Reinforce::Update(const RewardPipeline& reward) {
  served_other_ = false;
  const int steps = Gathered().Size();
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
  const double episodes = static_cast<double>(batch_.size());
  batch_.clear();
  gathered_ = false;
  return {policy_loss, value_loss, entropy, episodes, static_cast<double>(steps)};
}

double Reinforce::FitValue(const Eigen::VectorXd& ret) {
  const MatF& obs = Gathered().obs;
  const int steps = static_cast<int>(obs.cols());
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
  // the store (batch and running episodes), the draws beside it and the episode ids
  store_.Save(g.CreateGroup("transitions"));
  ckpt::Write(g, "draws", draws_);
  WriteIds(g, "batch_episodes", batch_);
  WriteIds(g, "running_episodes", running_);
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
  if (!g.Has("transitions")) {
    throw UserError(g.FilePath() +
                    ": the REINFORCE episodes were written by an older rewardlab without the "
                    "transition store; resume with the binary that wrote it");
  }
  store_.Load(g.OpenGroup("transitions"));
  ckpt::Read(g, "draws", draws_);
  batch_ = g.Read<int64_t>("batch_episodes");
  running_ = g.Read<int64_t>("running_episodes");
  if (draws_.rows() != act_dim_ || draws_.cols() != store_.Capacity() ||
      static_cast<int>(running_.size()) != num_envs_) {
    throw UserError(g.FilePath() + ": the REINFORCE episodes do not fit this env or env.num_envs");
  }
  gathered_ = false;
  served_other_ = false;
  ckpt::Read(g, "last_actions", last_actions_);
}

}  // namespace rl
