#include "rewards/reward_free/explorer.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"
#include "rewards/reward_free/rf_ucrl_explorer.h"
#include "rewards/reward_free/vtr_explorer.h"

namespace rl {
namespace {

void Require(bool ok, const std::string& message) {
  if (!ok) throw UserError("reward-free explorer: " + message);
}

void CheckConfig(const TabularMdp& mdp, const ExplorerConfig& c) {
  Require(c.horizon > 0, "horizon H must be > 0, got " + std::to_string(c.horizon));
  Require(c.episodes > 0, "episodes K must be > 0, got " + std::to_string(c.episodes));
  Require(c.lambda > 0.0, "lambda must be > 0, got " + std::to_string(c.lambda));
  Require(c.moments >= 1, "moments M must be >= 1, got " + std::to_string(c.moments));
  Require(c.beta >= 0.0, "beta must be >= 0, got " + std::to_string(c.beta));
  Require(c.gamma_w >= 0.0, "gamma_w must be >= 0, got " + std::to_string(c.gamma_w));
  Require(c.delta > 0.0 && c.delta < 1.0,
          "delta must be in (0, 1), got " + std::to_string(c.delta));
  Require(c.c >= 0.0, "c must be >= 0, got " + std::to_string(c.c));
  Require(mdp.num_states > 0 && mdp.num_actions > 0 &&
              static_cast<int>(mdp.P.size()) == mdp.num_actions &&
              mdp.initial.size() == mdp.num_states,
          "the MDP is malformed (S, A, P or the start distribution)");
}

// Uniform random actions.
class RandomExplorer : public TabularExplorer {
 public:
  using TabularExplorer::TabularExplorer;

 protected:
  int Act(int /*h*/, int /*s*/) override {
    return static_cast<int>(rng_.UniformInt(mdp_.num_actions));
  }
};

}  // namespace

TabularExplorer::TabularExplorer(const TabularMdp& mdp, const ExplorerConfig& config)
    : mdp_(mdp),
      config_(config),
      rng_(config.seed, RngStream::kReward, config.rng_index),
      data_(mdp.num_states, mdp.num_actions, config.horizon) {
  CheckConfig(mdp, config);
}

void TabularExplorer::RunEpisode() {
  PlanEpisode();
  steps_.clear();
  int s = Sample(mdp_.initial);
  data_.starts[s] += 1.0;
  for (int h = 0; h < config_.horizon; ++h) {
    const int a = Act(h, s);
    const int next = Sample(mdp_.P[a].row(s).transpose());
    data_.counts[a](s, next) += 1.0;
    steps_.push_back({h, s, a, next});
    s = next;
  }
  ++data_.episodes;
  Learn(steps_);
}

double TabularExplorer::Certificate() const { return std::numeric_limits<double>::quiet_NaN(); }

int TabularExplorer::ArgmaxRandomTie(const Eigen::Ref<const Eigen::VectorXd>& values) {
  const double best = values.maxCoeff();
  int ties = 0;
  for (Eigen::Index i = 0; i < values.size(); ++i) ties += values[i] == best;
  int pick = ties > 1 ? static_cast<int>(rng_.UniformInt(ties)) : 0;
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    if (values[i] == best && pick-- == 0) return static_cast<int>(i);
  }
  return 0;
}

int TabularExplorer::Sample(const Eigen::Ref<const Eigen::VectorXd>& p) {
  const double u = rng_.Uniform();
  double acc = 0.0;
  int last = 0;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    if (p[i] <= 0.0) continue;
    acc += p[i];
    last = static_cast<int>(i);
    if (u < acc) return last;
  }
  return last;  // rounding left u above the total
}

std::vector<std::string> ExplorerNames() { return {"vtr", "rfucrl", "random"}; }

std::unique_ptr<TabularExplorer> MakeExplorer(const std::string& method, const TabularMdp& mdp,
                                              const ExplorerConfig& config) {
  if (method == "vtr") return std::make_unique<VtrExplorer>(mdp, config);
  if (method == "rfucrl") return std::make_unique<RfUcrlExplorer>(mdp, config);
  if (method == "random") return std::make_unique<RandomExplorer>(mdp, config);
  throw UserError("unknown reward-free exploration method '" + method + "'" +
                  DidYouMean(method, ExplorerNames()) + "; choose vtr, rfucrl or random");
}

}  // namespace rl
