#include "rewards/heron/heron.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/checkpoint.h"
#include "envs/env.h"
#include "nn/serialize.h"

namespace rl {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

int InputDim(const HeronConfig& config, int obs_dim, int act_dim, int num_factors) {
  if (config.model.inputs == "obs_action") return obs_dim + act_dim;
  if (config.model.inputs == "obs_factors") return obs_dim + num_factors;
  return obs_dim;
}

}  // namespace

Heron::Heron(const HeronConfig& config, std::vector<HeronFactor> factors, int obs_dim, int act_dim,
             const std::string& name, Rng rng)
    : config_(config),
      factors_(std::move(factors)),
      name_(name),
      obs_dim_(obs_dim),
      act_dim_(act_dim),
      length_(config.compare == "segments" ? config.segment_length : 1),
      center_(config.center_output == "auto" ? config.compare == "transitions"
                                             : config.center_output == "true"),
      model_(InputDim(config, obs_dim, act_dim, static_cast<int>(factors_.size())),
             config.model.hidden, config.lr, rng),
      pool_(config.window + config.fifo, length_,
            InputDim(config, obs_dim, act_dim, static_cast<int>(factors_.size())),
            static_cast<int>(factors_.size())),
      factor_stats_(static_cast<int>(factors_.size())),
      output_stats_(1),
      rng_(rng) {}

void Heron::FactorValues(const RewardBatch& batch, Eigen::MatrixXf& z) const {
  z.resize(static_cast<Eigen::Index>(factors_.size()), batch.Size());
  for (size_t k = 0; k < factors_.size(); ++k) {
    const HeronFactor& f = factors_[k];
    if (f.term >= 0) {
      z.row(k) = f.scale * batch.terms.row(f.term);
    } else {
      Eigen::VectorXf out(batch.Size());
      f.module->Compute(batch, out);
      z.row(k) = f.scale * out.transpose();
    }
  }
}

void Heron::ModelInputs(const RewardBatch& batch, const Eigen::MatrixXf& z,
                        Eigen::MatrixXf& x) const {
  if (config_.model.inputs == "obs") {
    x = batch.obs;
    return;
  }
  const Eigen::Ref<const Eigen::MatrixXf> extra =
      config_.model.inputs == "obs_action" ? batch.action : Eigen::Ref<const Eigen::MatrixXf>(z);
  x.resize(obs_dim_ + extra.rows(), batch.Size());
  x.topRows(obs_dim_) = batch.obs;
  x.bottomRows(extra.rows()) = extra;
}

void Heron::Compute(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> out) const {
  if (config_.model.inputs == "obs_factors") FactorValues(batch, z_);
  ModelInputs(batch, z_, x_);
  model_.Evaluate(x_, out);
  if (config_.normalize_output) {
    const float mean = center_ ? static_cast<float>(output_stats_.Mean()[0]) : 0.0f;
    const float std = static_cast<float>(std::sqrt(output_stats_.Var()[0] + 1e-8));
    out = (out.array() - mean) / std;
  }
}

heron::LabelRule Heron::Rule() const {
  heron::LabelRule rule;
  rule.labeller = config_.labeller == "sum" ? heron::Labeller::kSum : heron::Labeller::kTree;
  for (size_t k = 0; k < factors_.size(); ++k) {
    rule.sign.push_back(config_.factors[k].better == "lower" ? -1.0f : 1.0f);
    rule.margin.push_back(
        static_cast<float>(config_.factors[k].margin * std::sqrt(factor_stats_.Var()[k])));
  }
  return rule;
}

int Heron::AddItems(int fresh, int num_slots) {
  const int w = batch_.Size();
  int added = 0;
  Eigen::VectorXf z_sum;
  for (int i = w - fresh; i < w; ++i) {
    // an item ends at a multiple of L steps into its episode or at a termination
    const int step = batch_.episode_step[i];
    if ((step + 1) % length_ != 0 && !batch_.terminated[i]) continue;
    const int len = step - (step / length_) * length_ + 1;
    const int first = i - (len - 1) * num_slots;
    if (first < 0 || batch_.episode[first] != batch_.episode[i]) continue;
    item_x_.resize(x_.rows(), len);
    z_sum.setZero(z_.rows());
    for (int t = 0; t < len; ++t) {
      item_x_.col(t) = x_.col(first + t * num_slots);
      z_sum += z_.col(first + t * num_slots);
    }
    pool_.Add(item_x_, z_sum);
    ++added;
  }
  return added;
}

std::vector<double> Heron::Fit(const FitContext& context) {
  const std::vector<std::string> names = MetricNames();
  std::vector<double> metrics(names.size(), kNan);
  if (!context.window || context.window->Size() == 0) return metrics;
  if (fits_ > 0 && context.step - last_fit_step_ < config_.fit_every) return metrics;
  const TransitionStore& window = *context.window;
  const int w = static_cast<int>(window.Size());
  const int64_t since = context.step - last_fit_step_;
  if (since > w && !warned_window_) {
    std::fprintf(
        stderr,
        "%s: %lld env steps since the last fit but the window holds %d; set window >= "
        "the env steps between fits (PPO: n_steps x num_envs; SAC: fit_every + train_freq)\n",
        name_.c_str(), static_cast<long long>(since), w);
    warned_window_ = true;
  }
  const int fresh = static_cast<int>(std::min<int64_t>(since, w));
  last_fit_step_ = context.step;
  ++fits_;

  // factors and model inputs of the window, in time order; new items into the pool
  window.Segment(0, w, batch_);
  const RewardBatch recent = ToRewardBatch(batch_);
  FactorValues(recent, z_);
  ModelInputs(recent, z_, x_);
  const int added = AddItems(fresh, window.NumSlots());
  model_.UpdateInputs(x_.rightCols(fresh));
  Eigen::MatrixXf new_z(z_.rows(), added);
  for (int i = 0; i < added; ++i)
    new_z.col(i) = pool_.Factors().col(pool_.Slot(pool_.Size() - added + i));
  factor_stats_.Update(new_z);

  // pairs of distinct items among the newest ones and the FIFO, labelled
  const int pool = std::min(pool_.Size(), added + config_.fifo);
  std::vector<heron::Pair> pairs;
  if (pool >= 2) {
    pairs.resize(config_.pairs);
    for (heron::Pair& p : pairs) {
      const int i = static_cast<int>(rng_.UniformInt(pool));
      int j = static_cast<int>(rng_.UniformInt(pool - 1));
      j += j >= i;
      p = {pool_.Slot(pool_.Size() - pool + i), pool_.Slot(pool_.Size() - pool + j)};
    }
  }
  heron::LabelCounts counts;
  std::vector<heron::Preference> labelled = heron::Label(pool_.Factors(), pairs, Rule(), counts);
  const int held = static_cast<int>(std::lround(config_.holdout * labelled.size()));
  const std::span<const heron::Preference> train(labelled.data(), labelled.size() - held);
  const std::span<const heron::Preference> test(labelled.data() + train.size(), held);

  // Bradley–Terry epochs over shuffled minibatches of the training pairs
  std::vector<heron::Preference> order(train.begin(), train.end());
  double loss = kNan;
  for (int epoch = 0; epoch < config_.epochs && !order.empty(); ++epoch) {
    for (int i = static_cast<int>(order.size()) - 1; i > 0; --i)
      std::swap(order[i], order[rng_.UniformInt(i + 1)]);
    double sum = 0.0;
    for (size_t start = 0; start < order.size(); start += config_.batch_size) {
      const size_t b = std::min<size_t>(config_.batch_size, order.size() - start);
      sum += b * model_.Step(pool_, std::span<const heron::Preference>(order.data() + start, b));
    }
    loss = sum / order.size();
  }

  // the output statistics follow the new model on the new transitions
  out_.resize(fresh);
  model_.Evaluate(x_.rightCols(fresh), out_);
  output_stats_.Update(Eigen::Map<const Eigen::MatrixXf>(out_.data(), 1, fresh));
  WarnOnce(counts);

  // bt_loss, accuracy, tie_rate, pairs, decided_level_k..., output_mean, output_std
  const double drawn = static_cast<double>(std::max<int64_t>(counts.drawn, 1));
  const double decided = static_cast<double>(counts.drawn - counts.ties);
  size_t m = 0;
  metrics[m++] = loss;
  metrics[m++] = model_.Accuracy(pool_, test);
  metrics[m++] = counts.drawn > 0 ? counts.ties / drawn : kNan;
  metrics[m++] = static_cast<double>(train.size());
  for (size_t k = 0; k < factors_.size(); ++k)
    metrics[m++] = decided > 0 ? counts.decided_at[k] / decided : kNan;
  metrics[m++] = output_stats_.Mean()[0];
  metrics[m++] = std::sqrt(output_stats_.Var()[0]);
  return metrics;
}

void Heron::WarnOnce(const heron::LabelCounts& counts) {
  // a lower-is-better factor that is never positive is probably a cost term (costs are negative)
  if (!warned_sign_) {
    warned_sign_ = true;
    for (size_t k = 0; k < factors_.size(); ++k) {
      if (config_.factors[k].better != "lower" || z_.cols() == 0) continue;
      if (z_.row(k).maxCoeff() <= 0.0f && z_.row(k).minCoeff() < 0.0f) {
        std::fprintf(stderr,
                     "%s: factor '%s' has better: lower but was never positive in %d "
                     "transitions; env terms are rewards (costs are negative), so lower prefers "
                     "larger costs; did you mean better: higher?\n",
                     name_.c_str(), factors_[k].name.c_str(), static_cast<int>(z_.cols()));
      }
    }
  }
  // the lower levels carry no signal when level 1 decides nearly everything (judged over the
  // first kLevelFits fits: the very first ones may see only short episodes)
  constexpr int kLevelFits = 5;
  decided_ += counts.drawn - counts.ties;
  decided_first_ += counts.decided_at.empty() ? 0 : counts.decided_at[0];
  if (!warned_level_ && fits_ >= kLevelFits && factors_.size() > 1 && config_.labeller == "tree" &&
      decided_ > 0) {
    warned_level_ = true;
    if (decided_first_ > 0.95 * decided_) {
      std::fprintf(stderr,
                   "%s: level 1 ('%s') decided %.1f%% of the pairs labelled in the first %d fits; "
                   "the lower factors carry almost no signal: raise its margin or re-rank\n",
                   name_.c_str(), factors_[0].name.c_str(), 100.0 * decided_first_ / decided_,
                   kLevelFits);
    }
  }
}

std::vector<std::string> Heron::MetricNames() const {
  std::vector<std::string> names = {name_ + "/bt_loss", name_ + "/accuracy", name_ + "/tie_rate",
                                    name_ + "/pairs"};
  for (size_t k = 0; k < factors_.size(); ++k)
    names.push_back(name_ + "/decided_level_" + std::to_string(k + 1));
  names.push_back(name_ + "/output_mean");
  names.push_back(name_ + "/output_std");
  return names;
}

void Heron::Save(const h5::Group& g) const {
  model_.Save(g.CreateGroup("model"));
  pool_.Save(g.CreateGroup("pool"));
  nn::Save(g, "factor_stats", factor_stats_);
  nn::Save(g, "output_stats", output_stats_);
  ckpt::WriteRng(g, "rng", rng_);
  g.WriteIntAttr("last_fit_step", last_fit_step_);
  g.WriteIntAttr("fits", fits_);
  g.WriteIntAttr("decided", decided_);
  g.WriteIntAttr("decided_first", decided_first_);
  g.WriteIntAttr("warned",
                 (warned_window_ ? 1 : 0) | (warned_level_ ? 2 : 0) | (warned_sign_ ? 4 : 0));
}

void Heron::Load(const h5::Group& g) {
  model_.Load(g.OpenGroup("model"));
  pool_.Load(g.OpenGroup("pool"));
  nn::Load(g, "factor_stats", factor_stats_);
  nn::Load(g, "output_stats", output_stats_);
  ckpt::ReadRng(g, "rng", rng_);
  last_fit_step_ = g.ReadIntAttr("last_fit_step");
  fits_ = g.ReadIntAttr("fits");
  decided_ = g.ReadIntAttr("decided");
  decided_first_ = g.ReadIntAttr("decided_first");
  const int64_t warned = g.ReadIntAttr("warned");
  warned_window_ = warned & 1;
  warned_level_ = warned & 2;
  warned_sign_ = warned & 4;
}

std::unique_ptr<RewardModule> MakeHeron(const HeronConfig& config, const std::string& key,
                                        const RewardContext& context) {
  const EnvSpec& spec = context.env->Spec();
  std::string known;
  for (const std::string& t : spec.reward_terms) known += (known.empty() ? "" : ", ") + t;
  for (const EarlierModule& m : context.earlier) known += (known.empty() ? "" : ", ") + m.name;
  if (config.factors.empty()) {
    throw UserError("key '" + key + ".factors': no factors; rank at least one, most important " +
                    "first, e.g. [{term: " + spec.reward_terms.front() + "}] (" + spec.id +
                    "'s terms and earlier modules: " + known + ")");
  }

  // each factor is an env term or an earlier module, once
  std::vector<HeronFactor> factors;
  for (size_t k = 0; k < config.factors.size(); ++k) {
    const HeronFactorConfig& f = config.factors[k];
    const std::string where = "key '" + key + ".factors[" + std::to_string(k) + "].term': ";
    HeronFactor factor{f.term, -1, nullptr, static_cast<float>(f.scale)};
    const auto term = std::find(spec.reward_terms.begin(), spec.reward_terms.end(), f.term);
    if (term != spec.reward_terms.end()) {
      factor.term = static_cast<int>(term - spec.reward_terms.begin());
    } else {
      for (const EarlierModule& m : context.earlier)
        if (m.name == f.term) factor.module = m.module;
    }
    if (factor.term < 0 && !factor.module) {
      throw UserError(where + "'" + f.term + "' is neither a reward term of " + spec.id +
                      " nor a module listed before this one (" + known + ")");
    }
    for (size_t j = 0; j < k; ++j) {
      if (config.factors[j].term == f.term) {
        throw UserError(where + "'" + f.term + "' is ranked twice (factors[" + std::to_string(j) +
                        "] and factors[" + std::to_string(k) + "]); list each factor once");
      }
    }
    factors.push_back(factor);
  }

  // a segment must fit in an episode
  if (config.compare == "segments" && spec.max_episode_steps > 0 &&
      config.segment_length > spec.max_episode_steps) {
    throw UserError("key '" + key + ".segment_length': " + std::to_string(config.segment_length) +
                    " is longer than " + spec.id + "'s time limit of " +
                    std::to_string(spec.max_episode_steps) + " steps; use at most that");
  }
  return std::make_unique<Heron>(config, std::move(factors), spec.observation.Dim(),
                                 spec.action.Dim(), config.OutputName(),
                                 Rng(context.seed, RngStream::kReward, context.index));
}

}  // namespace rl
