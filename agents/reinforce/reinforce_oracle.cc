// REINFORCE's policy-gradient oracle over the completed episodes (the objective in reinforce.h).
#include <cmath>
#include <string>

#include "agents/reinforce/reinforce.h"
#include "agents/reinforce/reinforce_oracle_testing.h"
#include "core/error.h"

namespace rl {

RewardBatch Reinforce::Batch() const { return ToRewardBatch(Served()); }

const TransitionBatch& Reinforce::Served() const { return served_other_ ? other_ : Gathered(); }

const MatF& Reinforce::ServedDraws() const {
  if (served_other_) return other_draws_;
  Gathered();
  return batch_draws_;
}

const std::vector<int>& Reinforce::ServedEnds() const {
  if (served_other_) return other_ends_;
  Gathered();
  return episode_ends_;
}

void Reinforce::PolicyActions(Eigen::MatrixXf& actions) const { actions = ServedDraws(); }

bool Reinforce::UseEpisodes(const RewardBatch& episodes,
                            const Eigen::Ref<const Eigen::MatrixXf>& policy_actions) {
  const int steps = episodes.Size();
  if (steps == 0 || policy_actions.cols() != steps || policy_actions.rows() != act_dim_ ||
      episodes.obs.rows() != obs_dim_) {
    throw UserError("REINFORCE oracle: UseEpisodes got " + std::to_string(steps) +
                    " transitions with " + std::to_string(policy_actions.cols()) +
                    " policy actions of width " + std::to_string(policy_actions.rows()) +
                    "; expected one of width " + std::to_string(act_dim_) + " each");
  }
  if (!episodes.terminated[steps - 1] && !episodes.truncated[steps - 1]) {
    throw UserError("REINFORCE oracle: UseEpisodes needs whole episodes; the last one has no end");
  }
  other_.obs = episodes.obs;
  other_.action = episodes.action;
  other_.next_obs = episodes.next_obs;
  other_.env_reward = episodes.env_reward;
  other_.terms = episodes.terms;
  other_.terminated.assign(episodes.terminated, episodes.terminated + steps);
  other_.truncated.assign(episodes.truncated, episodes.truncated + steps);
  other_draws_ = policy_actions;
  other_ends_.clear();
  for (int t = 0; t < steps; ++t) {
    if (other_.terminated[t] || other_.truncated[t]) other_ends_.push_back(t + 1);
  }
  served_other_ = true;
  return true;
}

void Reinforce::EvaluateBatch() {
  const TransitionBatch& batch = Served();
  if (batch.Size() == 0) {
    throw UserError(
        "REINFORCE oracle: no completed episode in the batch yet (call it between "
        "ReadyToUpdate() and Update())");
  }
  Policy().Evaluate(batch.obs, ServedDraws(), eval_);
}

void Reinforce::Advantages(const OracleVec& rewards, double gamma, Eigen::VectorXd& adv,
                           Eigen::VectorXd& ret) {
  const TransitionBatch& batch = Served();
  const int steps = batch.Size();
  if (rewards.size() != steps) {
    throw UserError("REINFORCE oracle: " + std::to_string(rewards.size()) +
                    " rewards for a batch of " + std::to_string(steps) + " steps");
  }
  // bootstrap values V(final obs) of truncated episodes, with the value baseline
  const bool bootstrap = value_ && config_.bootstrap_truncated;
  ret.resize(steps);
  int begin = 0;
  for (const int end : ServedEnds()) {
    double g = 0.0;
    if (bootstrap && batch.truncated[end - 1] && !batch.terminated[end - 1]) {
      MatF v;
      value_->Forward(batch.next_obs.col(end - 1), v);
      g = v(0, 0);
    }
    for (int t = end - 1; t >= begin; --t) {
      g = rewards[t] + gamma * g;
      ret[t] = g;
    }
    begin = end;
  }
  adv = ret;
  if (config_.baseline == "mean") adv.array() -= ret.mean();
  if (value_) {
    MatF v;
    value_->Forward(batch.obs, v);
    adv -= v.row(0).transpose().cast<double>();
  }
}

void Reinforce::ObjectiveWeights(const OracleVec& rewards, double gamma, VecF& w, VecF& c) {
  Eigen::VectorXd adv, ret;
  Advantages(rewards, gamma, adv, ret);
  const double episodes = static_cast<double>(ServedEnds().size());
  w = (adv / episodes).cast<float>();
  c = VecF::Constant(Served().Size(), static_cast<float>(config_.ent_coef / episodes));
}

double Reinforce::Objective(const OracleVec& rewards, double gamma) {
  VecF w, c;
  ObjectiveWeights(rewards, gamma, w, c);
  EvaluateBatch();
  return eval_.logp.cast<double>().dot(w.cast<double>()) +
         eval_.entropy.cast<double>().dot(c.cast<double>());
}

void Reinforce::ScoreDots(const OracleVec& u, Eigen::VectorXd& out) {
  EvaluateBatch();
  Policy().ScoreDots(eval_, u, out);
}

void Reinforce::Gradient(const OracleVec& rewards, double gamma, Eigen::VectorXd& grad) {
  VecF w, c, g;
  ObjectiveWeights(rewards, gamma, w, c);
  EvaluateBatch();
  Policy().Gradient(eval_, w, c, g);
  grad = g.cast<double>();
}

void Reinforce::HessianVector(const OracleVec& rewards, double gamma, const OracleVec& v,
                              Eigen::VectorXd& hv) {
  if (AnalyticHessian()) {
    HessianVectorLinearSoftmax(rewards, gamma, v, hv);
  } else {
    HessianVectorFd(rewards, gamma, v, hv);
  }
}

bool ReinforceAnalyticHessian(const Reinforce& agent) { return agent.AnalyticHessian(); }

void ReinforceHessianVectorFd(Reinforce& agent, const OracleVec& rewards, double gamma,
                              const OracleVec& v, Eigen::VectorXd& hv) {
  agent.HessianVectorFd(rewards, gamma, v, hv);
}

void Reinforce::HessianVectorFd(const OracleVec& rewards, double gamma, const OracleVec& v,
                                Eigen::VectorXd& hv) {
  FiniteDifferenceHvp(
      Policy(), [&](Eigen::VectorXd& grad) { Gradient(rewards, gamma, grad); }, v, hv);
}

void Reinforce::HessianVectorLinearSoftmax(const OracleVec& rewards, double gamma,
                                           const OracleVec& v, Eigen::VectorXd& hv) {
  // logits z_t = W s_t + b; ż_t = V_W s_t + v_b; Hv = Σ_t [∂z_t/∂θ]ᵀ (∇²_z j_t) ż_t with
  //   ∇²_z log p_a = −(diag p − p pᵀ),
  //   ∇²_z H = −p_j (δ_jk − p_k)(l_j + H + 1) − p_j ∂H/∂z_k,  ∂H/∂z_k = −p_k (l_k + H)
  VecF w, c;
  ObjectiveWeights(rewards, gamma, w, c);
  const int steps = Served().Size(), classes = spec_.action.n;
  // the linear layer's input: s, or f(s) with features
  Eigen::MatrixXd obs = Served().obs.cast<double>();
  if (features_) {
    MatF f;
    features_->Compute(Served().obs, f);
    obs = f.cast<double>();
  }
  const int in = static_cast<int>(obs.rows());
  const Eigen::MatrixXd weight = policy_.Weight(0).cast<double>();
  const Eigen::VectorXd bias = policy_.Bias(0).cast<double>();
  const Eigen::Map<const Eigen::MatrixXd> v_w(v.data(), classes, in);
  const auto v_b = v.segment(classes * in, classes);
  Eigen::MatrixXd dz(classes, steps);
  for (int t = 0; t < steps; ++t) {
    const Eigen::VectorXd z = weight * obs.col(t) + bias;
    const double zmax = z.maxCoeff();
    const double lse = zmax + std::log((z.array() - zmax).exp().sum());
    const Eigen::VectorXd logp = z.array() - lse;
    const Eigen::VectorXd p = logp.array().exp();
    const double h = -(p.array() * logp.array()).sum();
    const Eigen::VectorXd zdot = v_w * obs.col(t) + v_b;
    const double pz = p.dot(zdot);
    const Eigen::VectorXd dh = -(p.array() * (logp.array() + h));  // ∂H/∂z
    const Eigen::VectorXd hess_logp = -(p.array() * (zdot.array() - pz));
    const Eigen::VectorXd hess_h =
        -(p.array() * (logp.array() + h + 1.0) * (zdot.array() - pz)) - p.array() * dh.dot(zdot);
    dz.col(t) = w[t] * hess_logp + c[t] * hess_h;
  }
  hv.resize(NumParams());
  Eigen::Map<Eigen::MatrixXd>(hv.data(), classes, in) = dz * obs.transpose();
  hv.segment(classes * in, classes) = dz.rowwise().sum();
}

void Reinforce::RewardGradientOfDot(const OracleVec& rewards, double gamma, const OracleVec& u,
                                    Eigen::VectorXd& out) {
  // ⟨∇J, u⟩ = (1/E) Σ_t s_t (G_t − b_t) + entropy terms, s_t = g_t·u, G = L r within episodes:
  // ∂/∂r_k = (1/E) [(Lᵀ s)_k − (mean baseline) (Σ_t s_t)(Lᵀ 1)_k / T]
  const int steps = Served().Size();
  if (rewards.size() != steps) {
    throw UserError("REINFORCE oracle: " + std::to_string(rewards.size()) +
                    " rewards for a batch of " + std::to_string(steps) + " steps");
  }
  Eigen::VectorXd s;
  ScoreDots(u, s);
  const bool mean = config_.baseline == "mean";
  const double s_sum = s.sum();
  out.resize(steps);
  int begin = 0;
  for (const int end : ServedEnds()) {
    double acc = 0.0, ones = 0.0;
    for (int k = begin; k < end; ++k) {
      acc = gamma * acc + s[k];
      ones = gamma * ones + 1.0;
      out[k] = acc - (mean ? s_sum * ones / steps : 0.0);
    }
    begin = end;
  }
  out /= static_cast<double>(ServedEnds().size());
}

}  // namespace rl
