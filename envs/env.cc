#include "envs/env.h"

#include <cmath>
#include <string>

#include "core/error.h"

namespace rl {

void Env::SetMaxEpisodeSteps(int steps) {
  if (steps > 0) spec_.max_episode_steps = steps;
}

void Env::ResizeFor(StepResult& out) const {
  out.obs.resize(spec_.observation.Dim());
  out.terms.resize(static_cast<int>(spec_.reward_terms.size()));
}

void Env::Reset(Eigen::Ref<Vec> obs, const ResetOptions& options) {
  const Vec* init = nullptr;
  if (options.init_state) {
    init = &*options.init_state;
    const size_t want = spec_.state_names.size();
    if (static_cast<size_t>(init->size()) != want) {
      throw UserError(spec_.id + ": init-state has " + std::to_string(init->size()) +
                      " values, expected " + std::to_string(want) + " (" +
                      [&] {
                        std::string s;
                        for (const auto& n : spec_.state_names) s += (s.empty() ? "" : ",") + n;
                        return s;
                      }() +
                      ")");
    }
    if (!init->allFinite()) throw UserError(spec_.id + ": init-state must be finite");
  }
  elapsed_ = 0;
  DoReset(init, obs);
}

void Env::RestoreState(const Vec& snapshot, int elapsed, const Rng& rng, Eigen::Ref<Vec> obs) {
  DoRestore(snapshot, obs);
  elapsed_ = elapsed;
  rng_ = rng;
}

void Env::DoRestore(const Vec& snapshot, Eigen::Ref<Vec> obs) {
  ResetOptions options;
  options.init_state = snapshot;
  Reset(obs, options);
}

void Env::Step(const Eigen::Ref<const Vec>& action, StepResult& out) {
  // check the action: size, finiteness, a valid index for Discrete
  const Space& a = spec_.action;
  if (action.size() != a.Dim()) {
    throw UserError(spec_.id + ": action has " + std::to_string(action.size()) +
                    " components, expected " + std::to_string(a.Dim()));
  }
  if (!action.allFinite()) throw UserError(spec_.id + ": action is not finite");
  if (a.IsDiscrete() && !a.Contains(action)) {
    throw UserError(spec_.id + ": action " + std::to_string(action[0]) + " is not an index in 0.." +
                    std::to_string(a.n - 1));
  }

  // dynamics, then the reward as the in-order sum of its terms, heuristic (aux) terms left out
  out.truncated = false;
  DoStep(action, out);
  double sum = 0.0;
  for (int i = 0; i < spec_.NumSummedTerms(); ++i) sum += out.terms[i];
  out.reward = sum;

  // time limit as Gymnasium's TimeLimit: the step reaching the limit is truncated
  ++elapsed_;
  out.truncated = out.truncated || elapsed_ >= spec_.max_episode_steps;
}

}  // namespace rl
