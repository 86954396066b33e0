#include "agents/sac/sac.h"

#include <algorithm>
#include <cmath>

#include "core/checkpoint.h"
#include "core/error.h"
#include "nn/serialize.h"

namespace rl {
namespace {

// Checkpoint names of each critic, its target and its optimiser.
constexpr const char* kCriticNames[2][3] = {{"q1", "q1_target", "q1_opt"},
                                            {"q2", "q2_target", "q2_opt"}};

nn::Mlp MakeNet(int in, const NetConfig& net, int out, float gain, uint64_t seed, uint64_t index) {
  Rng rng(seed, RngStream::kAgent, index);
  return nn::Mlp(nn::LayerSizes(in, net.hidden, out), nn::ActivationFromName(net.activation), gain,
                 rng, net.Options());
}

const EnvSpec& RequireBox(const EnvSpec& spec) {
  if (spec.action.IsDiscrete()) {
    throw UserError("agent 'sac' needs a Box action space; " + spec.id + " has " +
                    spec.action.ToString() + " (use agent.type: ppo)");
  }
  return spec;
}

nn::TanhGaussianOptions PolicyOptions(const SacConfig& c, const EnvSpec& spec) {
  nn::TanhGaussianOptions o;
  o.log_std_min = static_cast<float>(c.log_std_min);
  o.log_std_max = static_cast<float>(c.log_std_max);
  o.low = spec.action.low.cast<float>();
  o.high = spec.action.high.cast<float>();
  return o;
}

}  // namespace

Sac::Sac(const SacConfig& config, const EnvSpec& spec, int /*num_envs*/, uint64_t seed)
    : config_(config),
      spec_(RequireBox(spec)),
      obs_dim_(spec.observation.Dim()),
      act_dim_(spec.action.Dim()),
      seed_(seed),
      explore_rng_(seed, RngStream::kAgent, 1),
      sample_rng_(seed, RngStream::kAgent, 2),
      actor_(MakeNet(obs_dim_, config.net, 2 * act_dim_, 0.01f, seed, 10)),
      q_{MakeNet(obs_dim_ + act_dim_, config.net, 1, 1.0f, seed, 11),
         MakeNet(obs_dim_ + act_dim_, config.net, 1, 1.0f, seed, 12)},
      q_target_(q_),
      actor_opt_(actor_.NumParams(), {config.policy_lr}),
      q_opt_{nn::Adam(q_[0].NumParams(), {config.q_lr}),
             nn::Adam(q_[1].NumParams(), {config.q_lr})},
      alpha_opt_(1, {config.q_lr}),
      log_alpha_(Eigen::VectorXf::Constant(
          1, config.autotune ? 0.0f : std::log(static_cast<float>(config.alpha)))),
      target_entropy_(static_cast<float>(-config.target_entropy_scale * act_dim_)),
      policy_(PolicyOptions(config, spec)),
      next_policy_(PolicyOptions(config, spec)),
      buffer_(config.buffer_size, obs_dim_, act_dim_, static_cast<int>(spec.reward_terms.size())) {
  if (config.threads != 1) pool_ = std::make_unique<ThreadPool>(2);
  grad_actor_.resize(actor_.NumParams());
  for (int i = 0; i < 2; ++i) {
    grad_q_[i].resize(q_[i].NumParams());
    grad_actor_shard_[i].resize(actor_.NumParams());
  }
}

void Sac::UseAbsorbingStates() {
  if (absorbing_) return;
  if (steps_ > 0) throw std::logic_error("Sac::UseAbsorbingStates after training started");
  absorbing_ = true;
  // the critics read the indicator bit after s, drawn from the same streams as before
  for (int i = 0; i < 2; ++i) {
    q_[i] = MakeNet(obs_dim_ + 1 + act_dim_, config_.net, 1, 1.0f, seed_, 11 + i);
    q_opt_[i] = nn::Adam(q_[i].NumParams(), {config_.q_lr});
    grad_q_[i].resize(q_[i].NumParams());
  }
  q_target_ = q_;
  abs_obs_ = Eigen::MatrixXf::Zero(obs_dim_ + 1, 1);
  abs_obs_(obs_dim_, 0) = 1.0f;
  abs_action_ = Eigen::MatrixXf::Zero(act_dim_, 1);
}

PolicyInputGradNorms Sac::PolicyInputGrad() {
  return [this](const Eigen::Ref<const Eigen::MatrixXf>& obs, Eigen::Ref<Eigen::VectorXf> out) {
    // a = low + (tanh μ + 1)(high − low)/2, so d(Σ a)/dμ = (1 − tanh² μ)(high − low)/2
    actor_.ForwardInference(obs, probe_cache_);
    const auto mu = probe_cache_.Output().topRows(act_dim_).array();
    const Eigen::ArrayXf half = ((spec_.action.high - spec_.action.low) / 2.0).cast<float>();
    probe_dy_.setZero(2 * act_dim_, obs.cols());
    probe_dy_.topRows(act_dim_) = (1.0f - mu.tanh().square()).colwise() * half;
    actor_.BackwardInput(probe_cache_, probe_dy_, probe_dx_);
    out = probe_dx_.colwise().norm().transpose();
  };
}

const Eigen::MatrixXf& Sac::CriticObs(const Eigen::MatrixXf& obs, const std::vector<uint8_t>* bits,
                                      Eigen::MatrixXf& aug) const {
  if (!absorbing_) return obs;
  aug.resize(obs_dim_ + 1, obs.cols());
  aug.topRows(obs_dim_) = obs;
  for (Eigen::Index k = 0; k < obs.cols(); ++k) aug(obs_dim_, k) = bits && (*bits)[k] ? 1.0f : 0.0f;
  return aug;
}

float Sac::AbsorbingValue() {
  ForBoth([&](int i) { q_target_[i].Forward(abs_obs_, abs_action_, abs_value_[i]); });
  return std::min(abs_value_[0](0, 0), abs_value_[1](0, 0));
}

std::pair<int, int> Sac::Shard(int i) const {
  const int half = config_.batch_size / 2;
  return i == 0 ? std::pair{0, half} : std::pair{half, config_.batch_size - half};
}

void Sac::ActorForward(const Eigen::MatrixXf& x, Eigen::MatrixXf& head) {
  head.resize(2 * act_dim_, x.cols());
  ForBoth([&](int i) {
    const auto [first, count] = Shard(i);
    actor_.Forward(x.middleCols(first, count), actor_cache_[i]);
    head.middleCols(first, count) = actor_cache_[i].Output();
  });
}

std::vector<std::string> Sac::MetricNames() const {
  return {"losses/qf1_values", "losses/qf2_values", "losses/qf1_loss", "losses/qf2_loss",
          "losses/qf_loss",    "losses/actor_loss", "losses/alpha",    "losses/alpha_loss"};
}

std::string Sac::NonFinite(const MetricValues& values) const {
  const std::string metric = NonFiniteMetric("SAC", MetricNames(), values, values.size());
  if (!metric.empty()) return metric;
  if (!nn::AllFinite(actor_.Params())) return "SAC update left non-finite actor parameters";
  for (int i = 0; i < 2; ++i) {
    if (!nn::AllFinite(q_[i].Params()) || !nn::AllFinite(q_target_[i].Params())) {
      return std::string("SAC update left non-finite ") + kCriticNames[i][0] + " parameters";
    }
  }
  if (!nn::AllFinite(log_alpha_)) return "SAC update left a non-finite log_alpha";
  return "";
}

void Sac::Act(const Mat& obs, ActMode mode, Mat& action) {
  const int n = static_cast<int>(obs.cols());
  action.resize(act_dim_, n);
  // uniform random actions until learning starts
  if (mode == ActMode::kExplore && steps_ < config_.learning_starts) {
    for (int j = 0; j < n; ++j) {
      for (int i = 0; i < act_dim_; ++i) {
        action(i, j) = explore_rng_.Uniform(spec_.action.low[i], spec_.action.high[i]);
      }
    }
    return;
  }
  obs_scratch_ = obs.cast<float>();
  actor_.Forward(obs_scratch_, head_);
  policy_.Set(head_.topRows(act_dim_), head_.bottomRows(act_dim_));
  act_scratch_.resize(act_dim_, n);
  // kSample samples like kExplore after learning starts, without the uniform warm-up
  if (mode == ActMode::kEval) {
    policy_.Mode(act_scratch_);
  } else {
    logp_scratch_.resize(n);
    policy_.Sample(explore_rng_, act_scratch_, logp_scratch_);
  }
  action = act_scratch_.cast<double>();
}

void Sac::Observe(const Mat& obs, const Mat& action, const VecStep& step) {
  buffer_.Add(obs, action, step);
  steps_ += obs.cols();
  ++vec_steps_;
}

std::array<double, 4> Sac::UpdateCritics(const Eigen::VectorXf& rewards) {
  const int b = config_.batch_size;
  const float alpha = std::exp(log_alpha_[0]);
  const float gamma = static_cast<float>(config_.gamma);

  // soft target: r + γ (1 − terminated) (min Q'(s', a') − α log π(a'|s')), a' ~ π(s')
  ActorForward(batch_.next_obs, next_head_);
  next_policy_.Set(next_head_.topRows(act_dim_), next_head_.bottomRows(act_dim_));
  next_actions_.resize(act_dim_, b);
  next_logp_.resize(b);
  next_policy_.Sample(sample_rng_, next_actions_, next_logp_);
  const Eigen::MatrixXf& next_obs = CriticObs(batch_.next_obs, nullptr, next_aug_);
  ForBoth([&](int i) { q_target_[i].Forward(next_obs, next_actions_, q_out_[i]); });
  target_q_.resize(b);
  // with absorbing states, terminal transitions and self-loops bootstrap into s_abs
  const float v_abs = absorbing_ ? AbsorbingValue() : 0.0f;
  for (int k = 0; k < b; ++k) {
    const float next = std::min(q_out_[0](0, k), q_out_[1](0, k)) - alpha * next_logp_[k];
    const bool into_absorbing = absorbing_ && (batch_.terminated[k] || batch_.absorbing[k]);
    target_q_[k] = rewards[k] + (into_absorbing         ? gamma * v_abs
                                 : batch_.terminated[k] ? 0.0f
                                                        : gamma * next);
  }

  // each critic regresses on the target (mean squared error)
  std::array<double, 4> out{};
  const Eigen::MatrixXf& obs = CriticObs(batch_.obs, &batch_.absorbing, obs_aug_);
  ForBoth([&](int i) {
    q_[i].Forward(obs, batch_.action, q_cache_[i]);
    const Eigen::MatrixXf& v = q_cache_[i].Output();
    dq_[i].resize(1, b);
    double loss = 0.0;
    for (int k = 0; k < b; ++k) {
      const float diff = v(0, k) - target_q_[k];
      loss += diff * diff;
      dq_[i](0, k) = 2.0f * diff / b;
    }
    out[i] = v.mean();
    out[2 + i] = loss / b;
    grad_q_[i].setZero();
    q_[i].Backward(q_cache_[i], dq_[i], grad_q_[i]);
    q_opt_[i].Step(q_[i].Params(), grad_q_[i]);
  });
  return out;
}

std::array<double, 2> Sac::UpdateActor() {
  const int b = config_.batch_size;
  const float alpha = std::exp(log_alpha_[0]);

  // actor loss: mean(α log π(a|s) − min Q(s, a)), a ~ π(s) reparameterised
  ActorForward(batch_.obs, head_);
  policy_.Set(head_.topRows(act_dim_), head_.bottomRows(act_dim_));
  pi_actions_.resize(act_dim_, b);
  logp_.resize(b);
  policy_.Sample(sample_rng_, pi_actions_, logp_);
  const Eigen::MatrixXf& obs = CriticObs(batch_.obs, &batch_.absorbing, obs_aug_);
  ForBoth([&](int i) { q_[i].Forward(obs, pi_actions_, q_cache_[i]); });
  const Eigen::MatrixXf& v1 = q_cache_[0].Output();
  const Eigen::MatrixXf& v2 = q_cache_[1].Output();
  // absorbing self-loop rows have no policy to improve: they weigh 0
  const auto real = [&](int k) { return !absorbing_ || !batch_.absorbing[k]; };
  int n = b;
  if (absorbing_)
    n -= static_cast<int>(std::count(batch_.absorbing.begin(), batch_.absorbing.end(), 1));
  if (n == 0) return {0.0, 0.0};
  dq_[0].setZero(1, b);
  dq_[1].setZero(1, b);
  dlogp_.setConstant(b, alpha / n);
  double actor_loss = 0.0;
  for (int k = 0; k < b; ++k) {
    if (!real(k)) {
      dlogp_[k] = 0.0f;
      continue;
    }
    const bool first = v1(0, k) <= v2(0, k);
    actor_loss += alpha * logp_[k] - (first ? v1(0, k) : v2(0, k));
    dq_[first ? 0 : 1](0, k) = -1.0f / n;
  }
  actor_loss /= n;

  // dL/da through the smaller critic's input (the critics' parameters are not trained here)
  ForBoth([&](int i) { q_[i].BackwardInput(q_cache_[i], dq_[i], dx_[i]); });
  dactions_ = dx_[0].bottomRows(act_dim_) + dx_[1].bottomRows(act_dim_);
  dmean_.resize(act_dim_, b);
  draw_.resize(act_dim_, b);
  policy_.Backward(dactions_, dlogp_, dmean_, draw_);
  dhead_.resize(2 * act_dim_, b);
  dhead_ << dmean_, draw_;
  // each shard's gradient on its own thread, summed in shard order
  ForBoth([&](int i) {
    const auto [first, count] = Shard(i);
    grad_actor_shard_[i].setZero();
    actor_.Backward(actor_cache_[i], dhead_.middleCols(first, count), grad_actor_shard_[i]);
  });
  grad_actor_ = grad_actor_shard_[0] + grad_actor_shard_[1];
  actor_opt_.Step(actor_.Params(), grad_actor_);

  // entropy temperature: mean(−α (log π(a|s) + target entropy)) with the updated actor
  double alpha_loss = 0.0;
  if (config_.autotune) {
    ActorForward(batch_.obs, head_);
    policy_.Set(head_.topRows(act_dim_), head_.bottomRows(act_dim_));
    policy_.Sample(sample_rng_, pi_actions_, logp_);
    double mean_term = (logp_.array() + target_entropy_).mean();
    if (n < b) {
      mean_term = 0.0;
      for (int k = 0; k < b; ++k) {
        if (real(k)) mean_term += (logp_[k] + target_entropy_) / n;
      }
    }
    alpha_loss = -alpha * mean_term;
    alpha_grad_.setConstant(1, static_cast<float>(-alpha * mean_term));
    alpha_opt_.Step(log_alpha_, alpha_grad_);
  }
  return {actor_loss, alpha_loss};
}

void Sac::GradientStep(const RewardPipeline& reward) {
  ++updates_;
  if (absorbing_) {
    buffer_.SampleAbsorbing(config_.batch_size, sample_rng_, batch_);
  } else {
    buffer_.Sample(config_.batch_size, sample_rng_, batch_);
  }
  rewards_.resize(config_.batch_size);
  const RewardBatch batch = ToRewardBatch(batch_);
  reward.Label(batch, rewards_);
  const std::string bad = reward.DescribeNonFinite(batch, rewards_, "sampled transition");
  if (!bad.empty()) throw NonFiniteError("SAC update: " + bad);
  last_critic_ = UpdateCritics(rewards_);

  // delayed actor updates, as many as were skipped
  if (updates_ % config_.policy_frequency == 0) {
    for (int k = 0; k < config_.policy_frequency; ++k) {
      const auto a = UpdateActor();
      last_actor_[0] = a[0];
      last_actor_[1] = a[1];
    }
  }
  if (updates_ % config_.target_network_frequency == 0) {
    const float tau = static_cast<float>(config_.tau);
    ForBoth([&](int i) { nn::Polyak(q_target_[i].Params(), q_[i].Params(), tau); });
  }
}

MetricValues Sac::Update(const RewardPipeline& reward) {
  for (int k = 0; k < config_.gradient_steps; ++k) GradientStep(reward);
  const auto& q = last_critic_;
  return {q[0],
          q[1],
          q[2],
          q[3],
          (q[2] + q[3]) / 2.0,
          last_actor_[0],
          std::exp(static_cast<double>(log_alpha_[0])),
          last_actor_[1]};
}

}  // namespace rl

namespace rl {

void Sac::Save(const h5::Group& g) const {
  nn::Save(g, "actor", actor_);
  for (int i = 0; i < 2; ++i) {
    nn::Save(g, kCriticNames[i][0], q_[i]);
    nn::Save(g, kCriticNames[i][1], q_target_[i]);
    nn::Save(g, kCriticNames[i][2], q_opt_[i]);
  }
  nn::Save(g, "actor_opt", actor_opt_);
  nn::Save(g, "alpha_opt", alpha_opt_);
  ckpt::Write(g, "log_alpha", log_alpha_);
  ckpt::WriteRng(g, "explore_rng", explore_rng_);
  ckpt::WriteRng(g, "sample_rng", sample_rng_);
  g.WriteIntAttr("steps", steps_);
  g.WriteIntAttr("updates", updates_);
  g.WriteIntAttr("vec_steps", vec_steps_);
  g.WriteDoubleAttr("last_actor_loss", last_actor_[0]);
  g.WriteDoubleAttr("last_alpha_loss", last_actor_[1]);

  buffer_.Save(g.CreateGroup("replay"));
}

void Sac::Load(const h5::Group& g) {
  nn::Load(g, "actor", actor_);
  for (int i = 0; i < 2; ++i) {
    nn::Load(g, kCriticNames[i][0], q_[i]);
    nn::Load(g, kCriticNames[i][1], q_target_[i]);
    nn::Load(g, kCriticNames[i][2], q_opt_[i]);
  }
  nn::Load(g, "actor_opt", actor_opt_);
  nn::Load(g, "alpha_opt", alpha_opt_);
  ckpt::ReadInto(g, "log_alpha", log_alpha_);
  ckpt::ReadRng(g, "explore_rng", explore_rng_);
  ckpt::ReadRng(g, "sample_rng", sample_rng_);
  steps_ = g.ReadIntAttr("steps");
  updates_ = g.ReadIntAttr("updates");
  vec_steps_ = g.ReadIntAttr("vec_steps");
  last_actor_[0] = g.ReadDoubleAttr("last_actor_loss");
  last_actor_[1] = g.ReadDoubleAttr("last_alpha_loss");

  buffer_.Load(g.OpenGroup("replay"));
}

}  // namespace rl
