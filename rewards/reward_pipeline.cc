#include "rewards/reward_pipeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "rewards/env_reward/env_reward.h"

namespace rl {
namespace {

std::vector<WeightedModule> EnvRewardAlone() {
  std::vector<WeightedModule> modules;
  modules.push_back({"env", 1.0, std::make_unique<EnvReward>()});
  return modules;
}

// zeroes the absorbing self-loop rows of `out` unless `module` rewards them itself
void ZeroAbsorbing(const RewardModule& module, const RewardBatch& batch,
                   Eigen::Ref<Eigen::VectorXf> out) {
  if (!batch.absorbing || module.Absorbing()) return;
  for (int b = 0; b < batch.Size(); ++b) {
    if (batch.absorbing[b]) out[b] = 0.0f;
  }
}

// reward = sum_k weight_k * module_k, and each module's unweighted output into row k of
// `outputs` when given (sized num_modules x B); allocates only while `scratch` grows to the
// largest batch seen
void WeightedSum(const std::vector<WeightedModule>& modules, const RewardBatch& batch,
                 Eigen::VectorXf& scratch, Eigen::Ref<Eigen::VectorXf> reward,
                 Eigen::MatrixXf* outputs) {
  // the first module writes in place, so a lone weight-1 module passes its output on unchanged
  if (modules.empty()) reward.setZero();
  for (size_t k = 0; k < modules.size(); ++k) {
    const float w = static_cast<float>(modules[k].weight);
    if (k == 0) {
      modules[k].module->Compute(batch, reward);
      ZeroAbsorbing(*modules[k].module, batch, reward);
      if (outputs) outputs->row(0) = reward.transpose();
      if (w != 1.0f) reward *= w;
    } else {
      if (scratch.size() < batch.Size()) scratch.resize(batch.Size());
      auto out = scratch.head(batch.Size());
      modules[k].module->Compute(batch, out);
      ZeroAbsorbing(*modules[k].module, batch, out);
      if (outputs) outputs->row(k) = out.transpose();
      reward += w * out;
    }
  }
}

}  // namespace

RewardPipeline::RewardPipeline() : RewardPipeline(EnvRewardAlone(), 0, 0, 0) {}

RewardPipeline::RewardPipeline(std::vector<WeightedModule> modules, int obs_dim, int act_dim,
                               int num_terms)
    : modules_(std::move(modules)) {
  int window = 0;
  for (const WeightedModule& m : modules_) {
    names_.push_back(m.name);
    learned_ = learned_ || m.module->Learned();
    window = std::max(window, m.module->WindowSize());
  }
  if (window > 0) window_.emplace(window, obs_dim, act_dim, num_terms);
}

void RewardPipeline::Label(const RewardBatch& batch, Eigen::Ref<Eigen::VectorXf> reward) const {
  WeightedSum(modules_, batch, scratch_, reward, nullptr);
}

void RewardPipeline::Outputs(const RewardBatch& batch, Eigen::MatrixXf& outputs,
                             Eigen::Ref<Eigen::VectorXf> reward) const {
  outputs.resize(Size(), batch.Size());
  WeightedSum(modules_, batch, scratch_, reward, &outputs);
}

std::string RewardPipeline::DescribeNonFinite(const RewardBatch& batch,
                                              const Eigen::Ref<const Eigen::VectorXf>& reward,
                                              std::string_view item) const {
  if (reward.allFinite()) return "";
  int i = 0;
  while (std::isfinite(reward[i])) ++i;
  const auto name = [](double v) {
    if (std::isnan(v)) return std::string("nan");
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%g", v);
    return std::string(buf);
  };
  std::string line = "optimised reward of " + std::string(item) + " " + std::to_string(i) + " is " +
                     name(reward[i]);
  // the first module whose weighted output is not finite, as Outputs computes it
  Eigen::MatrixXf outputs;
  Eigen::VectorXf sum(batch.Size());
  Outputs(batch, outputs, sum);
  for (int k = 0; k < Size(); ++k) {
    const float out = outputs(k, i);
    if (std::isfinite(out * static_cast<float>(modules_[k].weight))) continue;
    return line + " (reward module '" + names_[k] + "' gives " + name(out) + ", weight " +
           name(modules_[k].weight) + ")";
  }
  return line + " (the weighted sum of the modules overflows a float)";
}

int RewardPipeline::AbsorbingModule() const {
  for (int k = 0; k < Size(); ++k) {
    if (modules_[k].module->Absorbing()) return k;
  }
  return -1;
}

int RewardPipeline::AgentGammaModule() const {
  for (int k = 0; k < Size(); ++k) {
    if (modules_[k].module->AgentGamma() >= 0) return k;
  }
  return -1;
}

double RewardPipeline::AgentGamma() const {
  const int k = AgentGammaModule();
  return k < 0 ? -1.0 : modules_[k].module->AgentGamma();
}

std::vector<double> RewardPipeline::Weights() const {
  std::vector<double> w;
  for (const WeightedModule& m : modules_) w.push_back(m.weight);
  return w;
}

void RewardPipeline::Track(const Mat& obs, const Mat& action, const VecStep& step) {
  if (window_) window_->Add(obs, action, step);
}

std::vector<double> RewardPipeline::Fit(int64_t step, PolicyGradientOracle* oracle,
                                        const TransitionStore* agent_store,
                                        PolicyInputGradNorms policy_input_grad_norms) {
  std::vector<double> metrics;
  if (!learned_) return metrics;
  const FitContext context{step, oracle, Window(), agent_store, std::move(policy_input_grad_norms)};
  for (WeightedModule& m : modules_) {
    if (!m.module->Learned()) continue;
    const std::vector<double> values = m.module->Fit(context);
    metrics.insert(metrics.end(), values.begin(), values.end());
  }
  return metrics;
}

std::vector<std::string> RewardPipeline::MetricNames() const {
  std::vector<std::string> names;
  for (const WeightedModule& m : modules_) {
    if (!m.module->Learned()) continue;
    const std::vector<std::string> own = m.module->MetricNames();
    names.insert(names.end(), own.begin(), own.end());
  }
  return names;
}

void RewardPipeline::Save(const h5::Group& g) const {
  const h5::Group modules = g.CreateGroup("modules");
  for (const WeightedModule& m : modules_) m.module->Save(modules.CreateGroup(m.name));
  if (window_) window_->Save(g.CreateGroup("window"));
}

void RewardPipeline::Load(const h5::Group& g) {
  const h5::Group modules = g.OpenGroup("modules");
  for (WeightedModule& m : modules_) m.module->Load(modules.OpenGroup(m.name));
  if (window_) window_->Load(g.OpenGroup("window"));
}

}  // namespace rl
