// Options of the `barfi` reward module (rewards/barfi/barfi.h; algorithms.md §2; docs/barfi.md).
#ifndef REWARDLAB_REWARDS_BARFI_BARFI_CONFIG_H_
#define REWARDLAB_REWARDS_BARFI_BARFI_CONFIG_H_

#include <string>

#include "core/config.h"
#include "envs/feature_map.h"
#include "rewards/module_config.h"

namespace rl {

// Where r_p or r_aux comes from: an env reward term or an earlier module's output.
struct BarfiSignalConfig {
  std::string term;    // env reward term or earlier module name; "" = see the owning key
  double scale = 1.0;  // multiplies the signal

  template <class V>
  void Fields(V& v) {
    v("term", term,
      "an env reward term (`rewardlab envs`) or the name of a module listed before; empty: the "
      "env reward for r_p, no heuristic (0) for r_aux");
    v("scale", scale, "multiplies the signal (e.g. 4 for a too-strong heuristic)");
  }
};

// Options of the `barfi` module.
struct BarfiConfig : ModuleConfig<BarfiConfig> {
  static constexpr const char* kType = "barfi";  // the YAML `type`
  BarfiSignalConfig r_p;                         // primary reward (the designer's objective)
  BarfiSignalConfig r_aux;                       // auxiliary heuristic reward
  FeatureMapConfig features;                     // f(s)
  std::string approx = "first_order";            // first_order (H⁻¹ ≈ −I) | neumann
  int neumann_terms = 5;                         // K
  double neumann_alpha = 5e-4;                   // α
  int guard_iters = 5;                           // power iterations on −H; 0 = no guard
  bool shrink_alpha = false;                     // α ← 1/λmax when α·λmax >= 2
  double reward_l2 = 0.0;                        // λ of −λ‖φ‖² in the outer objective
  bool learn_gamma = false;                      // only false (the agent's γ is fixed)
  double outer_gamma = -1.0;                     // discount of J_p; -1 = the agent's
  std::string optimizer = "adam";                // adam | sgd (ascent on J_p)
  double lr = 5e-3;                              // outer learning rate
  int delta = 3;                                 // episodes between outer steps
  int warmup = 50;                               // agent updates before the first outer step

  template <class V>
  void Fields(V& v) {
    SharedFields(v, WeightSign::kNonNegative, ">= 0: r_phi is what the agent maximises");
    v("r_p", r_p, "the primary reward J_p measures, e.g. {term: forward}");
    v("r_aux", r_aux, "the heuristic reward to blend, e.g. {term: ctrl, scale: 4}");
    v("features", features, "the fixed state features f(s) of psi = f(s) x [1, r_p, r_aux]");
    v("approx", approx,
      "the inverse Hessian of the implicit gradient: first_order (H^-1 = -I) or a Neumann series",
      Check::OneOf({"first_order", "neumann"}));
    v("neumann_terms", neumann_terms, "K, Hessian-vector products of the Neumann series",
      Check::Range(0, 1000));
    v("neumann_alpha", neumann_alpha, "alpha of the Neumann series; needs alpha lambda_max(-H) < 2",
      Check::Positive());
    v("guard_iters", guard_iters,
      "neumann: power iterations estimating alpha lambda_max(-H) at each outer step; 0 = none",
      Check::Range(0, 1000));
    v("shrink_alpha", shrink_alpha,
      "neumann: when the guard finds alpha lambda_max >= 2, use alpha = 1 / lambda_max from then "
      "on");
    v("reward_l2", reward_l2, "penalty reward_l2 ||phi||^2 subtracted from the outer objective",
      Check::Min(0));
    v("learn_gamma", learn_gamma,
      "learn gamma_phi = sigmoid(eta); not implemented (agents discount with their own gamma), "
      "so only false; the metric gamma_grad reports dJ_p/deta");
    v("outer_gamma", outer_gamma, "discount of the outer objective J_p; -1 = the agent's gamma",
      Check::Range(-1, 1));
    v("optimizer", optimizer, "outer optimiser of phi (gradient ascent on J_p)",
      Check::OneOf({"adam", "sgd"}));
    v("lr", lr, "outer learning rate", Check::Positive());
    v("delta", delta,
      "episodes (ended in the agent's batches) between outer steps; at most one per agent update",
      Check::Range(1, 1 << 20));
    v("warmup", warmup, "agent updates on r = r_p + r_aux before the first outer step",
      Check::Range(0, 1 << 30));
  }
};

}  // namespace rl

#endif  // REWARDLAB_REWARDS_BARFI_BARFI_CONFIG_H_
