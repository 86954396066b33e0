// Options of the `gail` reward module (rewards/gail/gail.h; algorithms.md §4; docs/gail.md).
#ifndef REWARDLAB_REWARDS_GAIL_GAIL_CONFIG_H_
#define REWARDLAB_REWARDS_GAIL_GAIL_CONFIG_H_

#include <string>
#include <vector>

#include "core/config.h"
#include "rewards/module_config.h"

namespace rl {

// Options of the `gail` module; defaults follow the paper's discriminator (algorithms.md §4.1,
// §4.2) with §4.6's one discriminator update per agent update.
struct GailConfig : ModuleConfig<GailConfig> {
  static constexpr const char* kType = "gail";  // the YAML `type`
  std::string demos;                            // Minari dataset folder of expert demonstrations
  int num_demos = 0;                            // expert episodes used; 0 = all
  int stride = 20;                              // keep every stride-th expert transition
  std::string inputs = "state_action";          // state_action | state_next_state
  std::vector<int> hidden = {100, 100};         // discriminator hidden widths
  std::string activation = "leaky_relu";        // hidden nonlinearity (leaky slope 0.1)
  bool spectral_norm = true;                    // W/σ(W) on the hidden layers
  bool normalize_inputs = true;                 // running mean/std standardisation of inputs
  double lr = 5e-4;                             // Adam learning rate of the discriminator
  int batch_size = 64;                          // expert and policy transitions per update (each)
  int d_steps = 1;                              // discriminator updates per fit
  int fit_every = 0;                            // env steps between fits; 0 = every agent update
  double label_smoothing = 0.0;                 // expert label 1 - label_smoothing
  double ent_coef = 0.001;                      // Bernoulli entropy bonus weight
  std::string penalty = "wgan";                 // none | wgan | dragan | nagard
  std::string penalty_form = "two_sided";       // two_sided | one_sided
  double penalty_target = 1.0;                  // k
  double penalty_scale = 10.0;                  // λ
  double penalty_noise = 10.0;                  // std of dragan/nagard perturbations
  std::string reward = "minimax";               // minimax | airl
  bool absorbing = true;                        // DAC absorbing states (agent must model them)
  std::string preconditioning = "none";         // none | reward_gradient | dynamics
  double dynamics_target = 9.0;                 // k_f of the dynamics variant
  double forward_lr = 3e-4;                     // Adam learning rate of the forward model
  bool gamma2c = true;                          // log γ²C (trains the forward model)

  template <class V>
  void Fields(V& v) {
    SharedFields(v, WeightSign::kNonNegative, ">= 0: the reward imitates the expert");
    v("demos", demos,
      "expert demonstrations: a Minari dataset folder of the env (`rewardlab demos RUN_DIR "
      "--episodes N --out DIR`)");
    v("num_demos", num_demos, "expert episodes used, the first ones; 0 = all",
      Check::Range(0, 1 << 24));
    v("stride", stride,
      "keep every stride-th transition of an expert episode, from a random offset (GAIL's "
      "subsampling)",
      Check::Range(1, 1 << 20));
    v("inputs", inputs,
      "what the discriminator reads: state_action (s, a) or state_next_state (s, s')",
      Check::OneOf({"state_action", "state_next_state"}));
    v("hidden", hidden, "hidden layer widths of the discriminator", Check::Range(1, 1 << 16));
    v("activation", activation, "hidden nonlinearity (leaky_relu has slope 0.1, as the paper)",
      Check::OneOf({"leaky_relu", "relu", "tanh"}));
    v("spectral_norm", spectral_norm, "spectral normalisation of the hidden layers");
    v("normalize_inputs", normalize_inputs,
      "standardise discriminator inputs with running mean and std of its training batches (no "
      "clipping); the penalty is taken in that space");
    v("lr", lr, "Adam learning rate of the discriminator", Check::Positive());
    v("batch_size", batch_size,
      "expert transitions and as many policy transitions per discriminator update",
      Check::Range(1, 1 << 20));
    v("d_steps", d_steps,
      "discriminator updates per fit (SAC: per agent update; PPO: per rollout, raise it)",
      Check::Range(1, 1 << 20));
    v("fit_every", fit_every, "env steps between fits; 0 = before every agent update",
      Check::Range(0, 1 << 30));
    v("label_smoothing", label_smoothing,
      "one-sided label smoothing: the expert label is 1 - label_smoothing",
      Check::RangeOpenHigh(0, 1));
    v("ent_coef", ent_coef,
      "weight of the Bernoulli entropy of sigmoid(D) subtracted from the loss", Check::Min(0));
    v("penalty", penalty,
      "gradient penalty points: none, wgan (expert-policy interpolates, one ε per sample), dragan "
      "(expert + noise) or nagard (policy + noise)",
      Check::OneOf({"none", "wgan", "dragan", "nagard"}));
    v("penalty_form", penalty_form, "two_sided (‖∇ₓD‖ − k)² or one_sided max(0, ‖∇ₓD‖ − k)²",
      Check::OneOf({"two_sided", "one_sided"}));
    v("penalty_target", penalty_target, "k, the target input-gradient norm", Check::Min(0));
    v("penalty_scale", penalty_scale, "λ, the weight of the gradient penalty", Check::Min(0));
    v("penalty_noise", penalty_noise,
      "std of the Gaussian perturbation of dragan and nagard points (normalised space)",
      Check::Positive());
    v("reward", reward,
      "minimax: -log(1 - sigmoid(D) + 1e-8) >= 0; airl: log sigmoid(D) - log(1 - sigmoid(D)) = D",
      Check::OneOf({"minimax", "airl"}));
    v("absorbing", absorbing,
      "absorbing states for true terminations (DAC): inputs get an indicator bit, the agent "
      "bootstraps terminal transitions into an absorbing self-loop whose reward D learns, expert "
      "episodes that terminated are wrapped the same way (needs agent.type: sac; false for ppo)");
    v("preconditioning", preconditioning,
      "pessimistic reward preconditioning r·ψ, ψ = exp(−g / running std of g) per transition: "
      "none, reward_gradient (g = max(0, ‖∇ₓD‖ − penalty_target)²) or dynamics (g = max(0, "
      "‖∇f‖ − dynamics_target)² of a learned forward model f(s, a) → s', ψ >= 0.7)",
      Check::OneOf({"none", "reward_gradient", "dynamics"}));
    v("dynamics_target", dynamics_target,
      "k_f, the forward model's input-gradient norm above which dynamics preconditioning lowers "
      "the reward (the authors' default 9, swept 5-10)",
      Check::Min(0));
    v("forward_lr", forward_lr,
      "Adam learning rate of the forward model f(s, a) → s' (the authors use the actor's)",
      Check::Positive());
    v("gamma2c", gamma2c,
      "log the Lipschitz diagnostic γ²·‖∇f‖²·max(1, ‖∇π‖²) (trains the forward model; needs "
      "an agent with a deterministic action to differentiate, sac)");
  }
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_GAIL_GAIL_CONFIG_H_
