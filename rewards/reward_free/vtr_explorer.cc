#include "rewards/reward_free/vtr_explorer.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace rl {
namespace {

constexpr int kPowerIterations = 50;
constexpr double kPowerTolerance = 1e-9;

double Clip01(double x) { return std::clamp(x, 0.0, 1.0); }

// The largest eigenvalue of the symmetric positive definite `m`, by power iteration from `v`,
// which is left at the top eigenvector estimate.
double LargestEigenvalue(const Eigen::MatrixXd& m, Eigen::VectorXd& v) {
  double value = 0.0;
  for (int i = 0; i < kPowerIterations; ++i) {
    const Eigen::VectorXd w = m * v;
    const double next = v.dot(w);
    v = w / w.norm();
    const bool done = std::abs(next - value) <= kPowerTolerance * next;
    value = next;
    if (done) break;
  }
  return value;
}

}  // namespace

Eigen::VectorXd ProjectToSimplex(const Eigen::VectorXd& x) {
  std::vector<double> sorted(x.data(), x.data() + x.size());
  std::sort(sorted.begin(), sorted.end(), std::greater<>());
  double sum = 0.0;
  double theta = 0.0;
  for (size_t j = 0; j < sorted.size(); ++j) {
    sum += sorted[j];
    const double candidate = (sum - 1.0) / static_cast<double>(j + 1);
    if (sorted[j] - candidate > 0.0) theta = candidate;
  }
  return (x.array() - theta).cwiseMax(0.0).matrix();
}

VtrExplorer::VtrExplorer(const TabularMdp& mdp, const ExplorerConfig& config)
    : TabularExplorer(mdp, config),
      moments_(config.moments),
      alpha2_(1.0 / (static_cast<double>(config.episodes) * config.horizon)) {
  const int s_count = mdp.num_states;
  const int pairs = s_count * mdp.num_actions;
  a_inv_.assign(pairs * moments_, Eigen::MatrixXd::Identity(s_count, s_count) / config.lambda);
  b_.assign(pairs * moments_, Eigen::VectorXd::Zero(s_count));
  p_hat_.assign(pairs * moments_, Eigen::VectorXd::Zero(s_count));
  // a generic start vector, so power iteration never starts orthogonal to the top eigenspace
  Eigen::VectorXd start = Eigen::VectorXd::LinSpaced(s_count, 1.0, 2.0);
  top_.assign(pairs, start.normalized());
  visited_.assign(pairs, false);
  p_tilde_.assign(mdp.num_actions, Eigen::MatrixXd::Constant(s_count, s_count, 1.0 / s_count));
  const double u0 = config.beta * std::sqrt(s_count / config.lambda);
  pseudo_reward_ = Eigen::MatrixXd::Constant(s_count, mdp.num_actions, std::min(1.0, u0));
  values_.assign(config.horizon + 1, Eigen::VectorXd::Zero(s_count));
  backup_.assign(config.horizon, Eigen::MatrixXd::Zero(s_count, mdp.num_actions));
}

void VtrExplorer::PlanEpisode() {
  const int s_count = mdp_.num_states;
  const int a_count = mdp_.num_actions;
  Eigen::MatrixXd bonus(s_count, a_count);
  for (int h = config_.horizon - 1; h >= 0; --h) {
    const Eigen::VectorXd& v = values_[h + 1];
    // the bonus depends on V_{h+1} alone: reuse it while V repeats (saturated early steps)
    if (h == config_.horizon - 1 || v != values_[h + 2]) {
      const double free_norm2 = v.squaredNorm() / config_.lambda;
      for (int s = 0; s < s_count; ++s) {
        for (int a = 0; a < a_count; ++a) {
          const double norm2 =
              visited_[s * a_count + a] ? v.dot(a_inv_[Index(s, a, 0)] * v) : free_norm2;
          bonus(s, a) = config_.beta * std::sqrt(std::max(0.0, norm2));
        }
      }
    }
    Eigen::MatrixXd& q = backup_[h];
    q = pseudo_reward_ + bonus;
    for (int a = 0; a < a_count; ++a) q.col(a) += p_tilde_[a] * v;
    values_[h] = q.cwiseMin(1.0).rowwise().maxCoeff();
  }
  certificate_ = mdp_.initial.dot(values_[0]);
}

void VtrExplorer::Learn(const std::vector<ExplorationStep>& steps) {
  std::vector<bool> touched(visited_.size(), false);
  for (const ExplorationStep& step : steps) {
    Update(step.s, step.a, values_[step.h + 1], step.next);
    touched[step.s * mdp_.num_actions + step.a] = true;
  }
  for (int s = 0; s < mdp_.num_states; ++s) {
    for (int a = 0; a < mdp_.num_actions; ++a) {
      if (touched[s * mdp_.num_actions + a]) RefreshPair(s, a);
    }
  }
}

void VtrExplorer::Update(int s, int a, const Eigen::VectorXd& v, int next) {
  // the moment values V^(2^m), their A^-1 products and norms, all before this update
  std::vector<Eigen::VectorXd> x(moments_), z(moments_);
  std::vector<double> norm(moments_);
  for (int m = 0; m < moments_; ++m) {
    x[m] = m == 0 ? v : Eigen::VectorXd(x[m - 1].array().square());
    z[m] = a_inv_[Index(s, a, m)] * x[m];
    norm[m] = std::sqrt(std::max(0.0, x[m].dot(z[m])));
  }
  std::vector<double> weight(moments_, 1.0);
  for (int m = 0; m + 1 < moments_; ++m) {
    const double mean = Clip01(p_hat_[Index(s, a, m)].dot(x[m]));
    const double second = Clip01(p_hat_[Index(s, a, m + 1)].dot(x[m + 1]));
    const double error =
        std::min(1.0, 2.0 * config_.beta * norm[m]) + std::min(1.0, config_.beta * norm[m + 1]);
    const double sigma2 =
        std::max({second - mean * mean + error, alpha2_, config_.gamma_w * norm[m]});
    weight[m] = 1.0 / sigma2;
  }
  for (int m = 0; m < moments_; ++m) {
    const int i = Index(s, a, m);
    const double w = weight[m];
    a_inv_[i].noalias() -= (w / (1.0 + w * x[m].dot(z[m]))) * z[m] * z[m].transpose();
    b_[i] += w * x[m][next] * x[m];
    p_hat_[i].noalias() = a_inv_[i] * b_[i];
  }
  visited_[s * mdp_.num_actions + a] = true;
}

void VtrExplorer::RefreshPair(int s, int a) {
  const int pair = s * mdp_.num_actions + a;
  p_tilde_[a].row(s) = ProjectToSimplex(p_hat_[Index(s, a, 0)]).transpose();
  const double top = LargestEigenvalue(a_inv_[Index(s, a, 0)], top_[pair]);
  const double u = config_.beta * std::sqrt(mdp_.num_states * top);
  pseudo_reward_(s, a) = std::min(1.0, u);
}

}  // namespace rl
