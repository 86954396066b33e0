#include "agents/ppo/ppo_loss.h"

#include <algorithm>
#include <cmath>

namespace rl {

void PpoPolicyLoss(const nn::Mlp& actor, const Eigen::VectorXf& log_std, const PpoMinibatch& mb,
                   int begin, int end, const PpoLossOptions& options, PpoShard& s) {
  const int n = end - begin;
  const float m = static_cast<float>(mb.obs.cols());
  const float clip = options.clip;
  const auto obs = mb.obs.middleCols(begin, n);
  const auto actions = mb.actions.middleCols(begin, n);

  // policy: new log-probs and entropies
  actor.Forward(obs, s.actor_cache);
  const Eigen::MatrixXf& head = s.actor_cache.Output();
  s.new_logp.resize(n);
  s.entropies.resize(n);
  if (options.discrete) {
    s.categorical.SetLogits(head);
    s.class_actions = actions.row(0).transpose().cast<int>();
    s.categorical.LogProb(s.class_actions, s.new_logp);
    s.categorical.Entropy(s.entropies);
  } else {
    s.gaussian.Set(head, log_std);
    s.gaussian.LogProb(actions, s.new_logp);
    s.entropies.setConstant(s.gaussian.Entropy());
  }

  // clipped surrogate: d loss / d log π = -A·ratio where the unclipped term is the max, else 0
  s.dlogp.resize(n);
  double policy_loss = 0.0, old_kl = 0.0, kl = 0.0, clipped = 0.0;
  for (int k = 0; k < n; ++k) {
    const float adv = mb.adv[begin + k];
    const float logratio = s.new_logp[k] - mb.logp[begin + k];
    const float ratio = std::exp(logratio);
    const float l1 = -adv * ratio;
    const float l2 = -adv * std::clamp(ratio, 1.0f - clip, 1.0f + clip);
    policy_loss += std::max(l1, l2);
    s.dlogp[k] = l1 >= l2 ? -adv * ratio / m : 0.0f;
    old_kl += -logratio;
    kl += (ratio - 1.0f) - logratio;
    clipped += std::abs(ratio - 1.0f) > clip;
  }
  s.policy_loss = policy_loss;
  s.old_kl = old_kl;
  s.kl = kl;
  s.clipped = clipped;
  s.entropy = s.entropies.sum();
  s.dent = Eigen::VectorXf::Constant(n, -options.ent_coef / m);
  s.actor_grad.setZero(actor.NumParams());
  s.dhead.resize(head.rows(), n);
  if (options.discrete) {
    s.categorical.Backward(s.class_actions, s.dlogp, s.dent, s.dhead);
  } else {
    s.log_std_grad.resize(log_std.size());
    s.gaussian.Backward(actions, s.dlogp, s.dent, s.dhead, s.log_std_grad);
  }
  actor.Backward(s.actor_cache, s.dhead, s.actor_grad);
}

void PpoValueLoss(const nn::Mlp& critic, const PpoMinibatch& mb, int begin, int end,
                  const PpoLossOptions& options, PpoShard& s) {
  const int n = end - begin;
  const float m = static_cast<float>(mb.obs.cols());
  const float clip = options.clip;

  // value loss, clipped around the old values as CleanRL
  critic.Forward(mb.obs.middleCols(begin, n), s.critic_cache);
  const Eigen::MatrixXf& v = s.critic_cache.Output();
  s.dvalue.resize(1, n);
  double value_loss = 0.0;
  for (int k = 0; k < n; ++k) {
    const float ret = mb.ret[begin + k], old_v = mb.old_value[begin + k];
    const float diff = v(0, k) - ret;
    if (options.clip_vloss) {
      const float delta = v(0, k) - old_v;
      const float diff_clip = old_v + std::clamp(delta, -clip, clip) - ret;
      const bool unclipped_wins = diff * diff >= diff_clip * diff_clip;
      const bool inside = delta > -clip && delta < clip;
      value_loss += 0.5 * std::max(diff * diff, diff_clip * diff_clip);
      s.dvalue(0, k) = (unclipped_wins ? diff : (inside ? diff_clip : 0.0f)) * options.vf_coef / m;
    } else {
      value_loss += 0.5 * diff * diff;
      s.dvalue(0, k) = diff * options.vf_coef / m;
    }
  }
  s.value_loss = value_loss;
  s.critic_grad.setZero(critic.NumParams());
  critic.Backward(s.critic_cache, s.dvalue, s.critic_grad);
}

}  // namespace rl
