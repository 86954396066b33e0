// Gail's Lipschitz machinery (algorithms.md §4.3, §4.4): pessimistic preconditioning of the
// reward and the forward model behind it and behind the γ²C diagnostic.
#include <cmath>
#include <limits>

#include "rewards/gail/gail.h"

namespace rl {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

}  // namespace

void Gail::Excess(const Eigen::Ref<const Eigen::MatrixXf>& s,
                  const Eigen::Ref<const Eigen::MatrixXf>& a,
                  const Eigen::Ref<const Eigen::MatrixXf>& x, Eigen::Ref<Eigen::VectorXf> g) const {
  norms_.resize(x.cols());
  if (config_.preconditioning == "dynamics") {
    forward_->InputGradNorms(s, a, norms_);
    gail::Preconditioner::Excess(norms_, static_cast<float>(config_.dynamics_target), g);
  } else {
    disc_.InputGradNorms(x, norms_);
    gail::Preconditioner::Excess(norms_, static_cast<float>(config_.penalty_target), g);
  }
}

void Gail::Psi(const RewardBatch& batch, const Eigen::MatrixXf& x,
               Eigen::Ref<Eigen::VectorXf> psi) const {
  g_.resize(batch.Size());
  Excess(batch.obs, batch.action, x, g_);
  precond_.Psi(g_, psi);
  // the absorbing self-loop has no dynamics and no action: ψ = 1
  if (!batch.absorbing) return;
  for (int b = 0; b < batch.Size(); ++b) {
    if (batch.absorbing[b]) psi[b] = 1.0f;
  }
}

std::array<double, 3> Gail::FitLipschitz(const FitContext& context) {
  // the real rows of the last policy minibatch (absorbing self-loops have no dynamics)
  const TransitionBatch& p = policy_batch_;
  int n = 0;
  for (int b = 0; b < p.Size(); ++b) n += p.absorbing.empty() || !p.absorbing[b];
  std::array<double, 3> out = {kNan, kNan, kNan};
  if (n == 0) return out;
  real_s_.resize(obs_dim_, n);
  real_a_.resize(p.action.rows(), n);
  real_next_.resize(obs_dim_, n);
  real_x_.resize(policy_x_.rows(), n);
  for (int b = 0, c = 0; b < p.Size(); ++b) {
    if (!p.absorbing.empty() && p.absorbing[b]) continue;
    real_s_.col(c) = p.obs.col(b);
    real_a_.col(c) = p.action.col(b);
    real_next_.col(c) = p.next_obs.col(b);
    real_x_.col(c) = policy_x_.col(b);
    ++c;
  }

  // one forward-model step, then the penalties of the updated models feed the running scale
  if (forward_) out[0] = forward_->Train(real_s_, real_a_, real_next_);
  out[1] = 1.0;
  if (config_.preconditioning != "none") {
    real_g_.resize(n);
    real_psi_.resize(n);
    Excess(real_s_, real_a_, real_x_, real_g_);
    precond_.Observe(real_g_);
    precond_.Psi(real_g_, real_psi_);
    out[1] = real_psi_.cast<double>().mean();
  }

  // γ²C = γ² mod_2² max(1, mod_3²), mod_2 = mean ‖∇f‖, mod_3 = mean ‖∇π‖
  if (forward_ && config_.gamma2c && context.policy_input_grad_norms) {
    real_norms_.resize(n);
    forward_->InputGradNorms(real_s_, real_a_, real_norms_);
    const double mod2 = real_norms_.cast<double>().mean();
    context.policy_input_grad_norms(real_s_, real_norms_);
    const double mod3 = real_norms_.cast<double>().mean();
    out[2] = gail::Gamma2C(gamma_, mod2, mod3);
  }
  return out;
}

}  // namespace rl
