#include "agents/ppo/ppo.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <thread>

#include "core/checkpoint.h"
#include "core/error.h"
#include "nn/serialize.h"

namespace rl {
namespace {

enum Stat { kValueLoss, kPolicyLoss, kEntropy, kOldKl, kKl, kClipFrac, kNumStats };

}  // namespace

Ppo::Ppo(const PpoConfig& config, const EnvSpec& spec, int num_envs, uint64_t seed)
    : config_(config),
      spec_(spec),
      num_envs_(num_envs),
      discrete_(spec.action.IsDiscrete()),
      obs_dim_(spec.observation.Dim()),
      act_dim_(spec.action.Dim()),
      explore_rng_(seed, RngStream::kAgent, 1),
      shuffle_rng_(seed, RngStream::kAgent, 2),
      actor_([&] {
        Rng init(seed, RngStream::kAgent, 0);
        return nn::Mlp(
            nn::LayerSizes(obs_dim_, config.net.hidden, discrete_ ? spec.action.n : act_dim_),
            nn::ActivationFromName(config.net.activation), 0.01f, init, config.net.Options());
      }()),
      critic_([&] {
        Rng init(seed, RngStream::kAgent, 3);
        return nn::Mlp(nn::LayerSizes(obs_dim_, config.net.hidden, 1),
                       nn::ActivationFromName(config.net.activation), 1.0f, init,
                       config.net.Options());
      }()),
      log_std_(VecF::Constant(discrete_ ? 0 : act_dim_, static_cast<float>(config.log_std_init))),
      actor_opt_(actor_.NumParams(), {config.lr, 0.9, 0.999, config.adam_eps}),
      critic_opt_(critic_.NumParams(), actor_opt_.Options()),
      log_std_opt_(static_cast<int>(log_std_.size()), actor_opt_.Options()),
      rollout_(static_cast<int64_t>(config.num_steps) * num_envs, obs_dim_, act_dim_,
               static_cast<int>(spec.reward_terms.size())) {
  if (config.normalize_obs) obs_stats_.emplace(obs_dim_, 1e-4, config.clip_obs);
  if (config.normalize_reward) reward_scaler_.emplace(num_envs, config.gamma);
  const int batch = config.num_steps * num_envs;
  obs_norm_.resize(obs_dim_, batch);
  actions_.resize(act_dim_, batch);
  logp_.resize(batch);
  values_.resize(batch);
  shards_.resize(config.grad_shards);
  if (config.rollout_shards > num_envs) {
    throw UserError("agent.rollout_shards: " + std::to_string(config.rollout_shards) +
                    " shards for env.num_envs = " + std::to_string(num_envs) +
                    " slots; use at most num_envs shards (0: lockstep)");
  }
  shard_scratch_.resize(config.rollout_shards);
  for (int k = 1; k < config.rollout_shards; ++k) {
    shard_rngs_.emplace_back(seed, RngStream::kAgent, 16 + static_cast<uint64_t>(k));
  }
  pool_ = std::make_unique<ThreadPool>(
      config.threads > 0 ? config.threads
                         : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

std::vector<std::string> Ppo::MetricNames() const {
  return {"charts/learning_rate", "losses/value_loss",        "losses/policy_loss",
          "losses/entropy",       "losses/old_approx_kl",     "losses/approx_kl",
          "losses/clipfrac",      "losses/explained_variance"};
}

std::string Ppo::NonFinite(const MetricValues& values) const {
  // every statistic but the explained variance, which is NaN when the returns do not vary
  const std::string metric = NonFiniteMetric("PPO", MetricNames(), values, values.size() - 1);
  if (!metric.empty()) return metric;
  if (!nn::AllFinite(actor_.Params())) return "PPO update left non-finite actor parameters";
  if (!nn::AllFinite(critic_.Params())) return "PPO update left non-finite critic parameters";
  if (!nn::AllFinite(log_std_)) return "PPO update left a non-finite log_std";
  return "";
}

void Ppo::NormalizeObs(const Eigen::Ref<const MatF>& raw, bool update, MatF& out) {
  out.resize(raw.rows(), raw.cols());
  if (!obs_stats_) {
    out = raw;
    return;
  }
  if (update) obs_stats_->Update(raw);
  obs_stats_->Normalize(raw, out);
}

void Ppo::Values(const Eigen::Ref<const MatF>& x, VecF& out) {
  critic_.Forward(x, value_head_);
  out = value_head_.row(0).transpose();
}

bool Ppo::SetGamma(double gamma) {
  config_.gamma = gamma;
  if (reward_scaler_) reward_scaler_->SetGamma(gamma);
  return true;
}

void Ppo::StateValues(const Mat& obs, Vec& values) {
  raw_scratch_ = obs.cast<float>();
  NormalizeObs(raw_scratch_, false, norm_scratch_);
  Values(norm_scratch_, value_scratch_);
  values = value_scratch_.cast<double>();
}

void Ppo::Act(const Mat& obs, ActMode mode, Mat& action) {
  const int n = static_cast<int>(obs.cols());
  action.resize(act_dim_, n);
  if (mode != ActMode::kEval) {
    act_.raw = obs.cast<float>();
    NormalizeObs(act_.raw, mode == ActMode::kExplore, act_.norm);
    Sample(act_, explore_rng_, mode == ActMode::kExplore ? t_ * num_envs_ : -1, action);
    return;
  }

  // evaluation: the deterministic action, nothing stored
  raw_scratch_ = obs.cast<float>();
  NormalizeObs(raw_scratch_, false, norm_scratch_);
  actor_.Forward(norm_scratch_, head_);
  if (discrete_) {
    categorical_.SetLogits(head_);
    index_scratch_.resize(n);
    categorical_.Mode(index_scratch_);
    action.row(0) = index_scratch_.cast<double>().transpose();
  } else {
    action = head_.cast<double>()
                 .cwiseMax(spec_.action.low.replicate(1, n))
                 .cwiseMin(spec_.action.high.replicate(1, n));
  }
}

void Ppo::ActShard(int shard, int t, int first, const Eigen::Ref<const Mat>& obs,
                   Eigen::Ref<Mat> action) {
  if (t_ + t >= config_.num_steps) throw std::logic_error("PPO ActShard past the rollout's end");
  // the normaliser stays as the rollout found it; Update refreshes it from the whole rollout
  ActScratch& s = shard_scratch_[shard];
  s.raw = obs.cast<float>();
  NormalizeObs(s.raw, false, s.norm);
  Rng& rng = shard == 0 ? explore_rng_ : shard_rngs_[shard - 1];
  Sample(s, rng, (t_ + t) * num_envs_ + first, action);
}

void Ppo::Sample(ActScratch& s, Rng& rng, int col, Eigen::Ref<Mat> action) {
  const int n = static_cast<int>(s.norm.cols());
  actor_.Forward(s.norm, s.actor);
  const MatF& head = s.actor.Output();

  // a ~ π(s); the env sees a Box action clipped to its bounds (SB3, CleanRL's ClipAction)
  if (discrete_) {
    s.categorical.SetLogits(head);
    s.index.resize(n);
    s.categorical.Sample(rng, s.index);
    action.row(0) = s.index.cast<double>().transpose();
  } else {
    s.gaussian.Set(head, log_std_);
    s.draw.resize(act_dim_, n);
    s.gaussian.Sample(rng, s.draw);
    action = s.draw.cast<double>()
                 .cwiseMax(spec_.action.low.replicate(1, n))
                 .cwiseMin(spec_.action.high.replicate(1, n));
  }
  if (col < 0) return;

  // exploration keeps the normalised s, a, log π(a|s), V(s) for the rollout (Observe stores s)
  obs_norm_.middleCols(col, n) = s.norm;
  critic_.Forward(s.norm, s.critic);
  values_.segment(col, n) = s.critic.Output().row(0).transpose();
  if (discrete_) {
    s.categorical.LogProb(s.index, logp_.segment(col, n));
    actions_.middleCols(col, n).row(0) = s.index.cast<float>().transpose();
  } else {
    s.gaussian.LogProb(s.draw, logp_.segment(col, n));
    actions_.middleCols(col, n) = s.draw;
  }
}

void Ppo::Observe(const Mat& obs, const Mat& action, const VecStep& step) {
  if (t_ == 0) rollout_progress_ = progress_;
  // the store's column t*N + n: the rollout is cleared every update, so it never wraps early
  rollout_.Add(obs, action, step);
  ++t_;
}

void Ppo::LabelRewards(const RewardPipeline& reward, MatF& rewards) {
  const int steps = config_.num_steps, n = num_envs_;
  VecF flat(steps * n);
  const RewardBatch batch = ToRewardBatch(rollout_);
  const std::vector<uint8_t>& terminated = rollout_.Terminated();
  reward.Label(batch, flat);
  const std::string bad = reward.DescribeNonFinite(batch, flat, "rollout transition");
  if (!bad.empty()) throw NonFiniteError("PPO update: " + bad);
  if (reward_scaler_) {
    Eigen::VectorXd r(n), scaled(n);
    for (int t = 0; t < steps; ++t) {
      r = flat.segment(t * n, n).cast<double>();
      reward_scaler_->Normalize(r, std::span<const uint8_t>(terminated.data() + t * n, n), scaled);
      const double c = config_.clip_reward;
      flat.segment(t * n, n) = scaled.cwiseMax(-c).cwiseMin(c).cast<float>();
    }
  }
  rewards = Eigen::Map<const MatF>(flat.data(), n, steps).transpose();
}

void Ppo::NextValues(MatF& next_values) {
  const int steps = config_.num_steps, n = num_envs_;
  next_values.resize(steps, n);
  // V(final obs) where an episode ended and after the last step; V(s_{t+1}) elsewhere
  const std::vector<uint8_t>& terminated = rollout_.Terminated();
  const std::vector<uint8_t>& truncated = rollout_.Truncated();
  std::vector<int> cols;
  for (int t = 0; t < steps; ++t) {
    for (int i = 0; i < n; ++i) {
      const int c = t * n + i;
      if (t == steps - 1 || terminated[c] || truncated[c])
        cols.push_back(c);
      else
        next_values(t, i) = values_[c + n];
    }
  }
  MatF raw(obs_dim_, cols.size()), norm;
  for (size_t k = 0; k < cols.size(); ++k) raw.col(k) = rollout_.NextObs().col(cols[k]);
  NormalizeObs(raw, false, norm);
  VecF v;
  Values(norm, v);
  for (size_t k = 0; k < cols.size(); ++k) next_values(cols[k] / n, cols[k] % n) = v[k];
}

MetricValues Ppo::Update(const RewardPipeline& reward) {
  const int steps = config_.num_steps, n = num_envs_, batch = steps * n;

  // advantages and returns of the rollout, time-major flat like the storage
  MatF rewards, next_values, adv, ret;
  LabelRewards(reward, rewards);
  NextValues(next_values);
  const MatF values = Eigen::Map<const MatF>(values_.data(), n, steps).transpose();
  MatU8 terminated(steps, n), truncated(steps, n);
  for (int t = 0; t < steps; ++t) {
    for (int i = 0; i < n; ++i) {
      terminated(t, i) = rollout_.Terminated()[t * n + i];
      truncated(t, i) = rollout_.Truncated()[t * n + i];
    }
  }
  ComputeGae({rewards, values, next_values, terminated, truncated},
             static_cast<float>(config_.gamma), static_cast<float>(config_.gae_lambda),
             config_.bootstrap_truncated, adv, ret);
  advantages_ = Eigen::Map<const VecF>(MatF(adv.transpose()).data(), batch);
  returns_ = Eigen::Map<const VecF>(MatF(ret.transpose()).data(), batch);

  // schedules: CleanRL's frac = 1 - (iteration - 1) / num_iterations
  const double frac = 1.0 - rollout_progress_;
  const float lr = static_cast<float>(config_.anneal_lr ? frac * config_.lr : config_.lr);
  const float clip =
      static_cast<float>(config_.anneal_clip ? frac * config_.clip_coef : config_.clip_coef);
  actor_opt_.SetLr(lr);
  critic_opt_.SetLr(lr);
  log_std_opt_.SetLr(lr);

  // epochs of shuffled minibatches
  std::vector<int> idx(batch);
  std::iota(idx.begin(), idx.end(), 0);
  const int mb = std::max(1, batch / config_.num_minibatches);
  std::vector<double> stats(kNumStats, 0.0);
  int minibatches = 0;
  for (int epoch = 0; epoch < config_.update_epochs; ++epoch) {
    for (int i = batch - 1; i > 0; --i) std::swap(idx[i], idx[shuffle_rng_.UniformInt(i + 1)]);
    double last_kl = 0.0;
    for (int start = 0; start < batch; start += mb) {
      std::vector<double> s(kNumStats, 0.0);
      TrainMinibatch(idx, start, std::min(start + mb, batch), clip, s);
      for (int k = 0; k < kNumStats; ++k) stats[k] += s[k];
      last_kl = s[kKl];
      ++minibatches;
    }
    if (config_.target_kl > 0 && last_kl > config_.target_kl) break;
  }
  for (double& s : stats) s /= minibatches;

  // explained variance of the value predictions (population variances, as np.var)
  const double var_ret = (returns_.array() - returns_.mean()).square().mean();
  const VecF resid = returns_ - values_;
  const double var_resid = (resid.array() - resid.mean()).square().mean();
  const double explained = var_ret == 0 ? std::nan("") : 1.0 - var_resid / var_ret;
  // a sharded rollout acted with the normaliser frozen: it learns from the whole rollout now
  if (config_.rollout_shards > 0 && obs_stats_) obs_stats_->Update(rollout_.Obs());
  rollout_.Clear();
  t_ = 0;
  ++rollout_version_;
  return {lr,         stats[kValueLoss], stats[kPolicyLoss], stats[kEntropy], stats[kOldKl],
          stats[kKl], stats[kClipFrac],  explained};
}

void Ppo::TrainMinibatch(const std::vector<int>& idx, int begin, int end, float clip,
                         std::vector<double>& stats) {
  const int m = end - begin;
  // gather the minibatch
  PpoMinibatch& mb = minibatch_;
  mb.obs.resize(obs_dim_, m);
  mb.actions.resize(act_dim_, m);
  mb.logp.resize(m);
  mb.adv.resize(m);
  mb.ret.resize(m);
  mb.old_value.resize(m);
  for (int k = 0; k < m; ++k) {
    const int c = idx[begin + k];
    mb.obs.col(k) = obs_norm_.col(c);
    mb.actions.col(k) = actions_.col(c);
    mb.logp[k] = logp_[c];
    mb.adv[k] = advantages_[c];
    mb.ret[k] = returns_[c];
    mb.old_value[k] = values_[c];
  }
  if (config_.norm_adv && m > 1) {
    const float mean = mb.adv.mean();
    const float std =
        std::sqrt((mb.adv.array() - mean).square().sum() / (m - 1));  // torch: unbiased
    mb.adv = (mb.adv.array() - mean) / (std + 1e-8f);
  }

  // the policy and value halves of every shard in parallel (policy halves first, so two threads
  // split actor and critic), summed in shard order so threads do not change the result
  const int shards = std::min(static_cast<int>(shards_.size()), m);
  const PpoLossOptions options{clip, static_cast<float>(config_.ent_coef),
                               static_cast<float>(config_.vf_coef), config_.clip_vloss, discrete_};
  pool_->ParallelFor(2 * shards, [&](int first, int last) {
    for (int j = first; j < last; ++j) {
      const int k = j % shards, begin = k * m / shards, end = (k + 1) * m / shards;
      if (j < shards) {
        PpoPolicyLoss(actor_, log_std_, mb, begin, end, options, shards_[k]);
      } else {
        PpoValueLoss(critic_, mb, begin, end, options, shards_[k]);
      }
    }
  });
  // per network (policy on one thread, value on the other): the shards' sum in shard order
  float actor_sq = 0.0f, critic_sq = 0.0f, log_std_sq = 0.0f;
  pool_->ParallelFor(2, [&](int first, int last) {
    for (int net = first; net < last; ++net) {
      if (net == 0) {
        actor_grad_ = shards_[0].actor_grad;
        if (!discrete_) log_std_grad_ = shards_[0].log_std_grad;
        for (int k = 1; k < shards; ++k) {
          actor_grad_ += shards_[k].actor_grad;
          if (!discrete_) log_std_grad_ += shards_[k].log_std_grad;
        }
        actor_sq = actor_grad_.squaredNorm();
        if (!discrete_) log_std_sq = log_std_grad_.squaredNorm();
      } else {
        critic_grad_ = shards_[0].critic_grad;
        for (int k = 1; k < shards; ++k) critic_grad_ += shards_[k].critic_grad;
        critic_sq = critic_grad_.squaredNorm();
      }
    }
  });
  std::fill(stats.begin(), stats.end(), 0.0);
  for (int k = 0; k < shards; ++k) {
    const PpoShard& s = shards_[k];
    stats[kValueLoss] += s.value_loss / m;
    stats[kPolicyLoss] += s.policy_loss / m;
    stats[kEntropy] += s.entropy / m;
    stats[kOldKl] += s.old_kl / m;
    stats[kKl] += s.kl / m;
    stats[kClipFrac] += s.clipped / m;
  }

  // one global gradient-norm clip over every parameter, then Adam on each network
  double sq = actor_sq + critic_sq;
  if (!discrete_) sq += log_std_sq;
  const float norm = static_cast<float>(std::sqrt(sq));
  const float max_norm = static_cast<float>(config_.max_grad_norm);
  const float scale = max_norm / (norm + 1e-6f);  // torch.nn.utils.clip_grad_norm_
  pool_->ParallelFor(2, [&](int first, int last) {
    for (int net = first; net < last; ++net) {
      if (net == 0) {
        if (scale < 1.0f) actor_grad_ *= scale;
        actor_opt_.Step(actor_.Params(), actor_grad_);
        if (discrete_) continue;
        if (scale < 1.0f) log_std_grad_ *= scale;
        log_std_opt_.Step(log_std_, log_std_grad_);
      } else {
        if (scale < 1.0f) critic_grad_ *= scale;
        critic_opt_.Step(critic_.Params(), critic_grad_);
      }
    }
  });
}

}  // namespace rl

namespace rl {

void Ppo::Save(const h5::Group& g) const {
  nn::Save(g, "actor", actor_);
  nn::Save(g, "critic", critic_);
  ckpt::Write(g, "log_std", log_std_);
  nn::Save(g, "actor_opt", actor_opt_);
  nn::Save(g, "critic_opt", critic_opt_);
  nn::Save(g, "log_std_opt", log_std_opt_);
  if (obs_stats_) nn::Save(g, "obs_stats", *obs_stats_);
  if (reward_scaler_) {
    nn::Save(g, "reward_stats", const_cast<nn::ReturnNormalizer&>(*reward_scaler_).Stats());
    ckpt::Write(g, "reward_returns", const_cast<nn::ReturnNormalizer&>(*reward_scaler_).Returns());
  }
  ckpt::WriteRng(g, "explore_rng", explore_rng_);
  ckpt::WriteRng(g, "shuffle_rng", shuffle_rng_);
  for (size_t k = 0; k < shard_rngs_.size(); ++k) {
    ckpt::WriteRng(g, "shard_rng_" + std::to_string(k + 1), shard_rngs_[k]);
  }

  // a partly collected rollout (the final checkpoint may fall inside one)
  const h5::Group r = g.CreateGroup("rollout");
  r.WriteIntAttr("t", t_);
  r.WriteDoubleAttr("progress", rollout_progress_);
  ckpt::Write(r, "obs_norm", obs_norm_);
  ckpt::Write(r, "actions", actions_);
  ckpt::Write(r, "logp", logp_);
  ckpt::Write(r, "values", values_);
  rollout_.Save(r.CreateGroup("transitions"));
}

void Ppo::Load(const h5::Group& g) {
  nn::Load(g, "actor", actor_);
  nn::Load(g, "critic", critic_);
  ckpt::ReadInto(g, "log_std", log_std_);
  nn::Load(g, "actor_opt", actor_opt_);
  nn::Load(g, "critic_opt", critic_opt_);
  nn::Load(g, "log_std_opt", log_std_opt_);
  if (obs_stats_) nn::Load(g, "obs_stats", *obs_stats_);
  if (reward_scaler_) {
    nn::Load(g, "reward_stats", reward_scaler_->Stats());
    ckpt::Read(g, "reward_returns", reward_scaler_->Returns());
  }
  ckpt::ReadRng(g, "explore_rng", explore_rng_);
  ckpt::ReadRng(g, "shuffle_rng", shuffle_rng_);
  for (size_t k = 0; k < shard_rngs_.size(); ++k) {
    ckpt::ReadRng(g, "shard_rng_" + std::to_string(k + 1), shard_rngs_[k]);
  }

  const h5::Group r = g.OpenGroup("rollout");
  t_ = static_cast<int>(r.ReadIntAttr("t"));
  rollout_progress_ = r.ReadDoubleAttr("progress");
  if (!r.Has("transitions")) {
    throw UserError(g.FilePath() +
                    ": the PPO rollout was written by an older rewardlab without "
                    "the transition store; resume with the binary that wrote it");
  }
  rollout_.Load(r.OpenGroup("transitions"));
  ++rollout_version_;
  ckpt::Read(r, "obs_norm", obs_norm_);
  ckpt::Read(r, "actions", actions_);
  ckpt::ReadInto(r, "logp", logp_);
  ckpt::ReadInto(r, "values", values_);
  if (obs_norm_.cols() != rollout_.Capacity() || actions_.cols() != rollout_.Capacity() ||
      t_ > config_.num_steps || rollout_.Size() != static_cast<int64_t>(t_) * num_envs_) {
    throw UserError(g.FilePath() + ": the PPO rollout does not fit agent.num_steps / env.num_envs");
  }
}

}  // namespace rl
