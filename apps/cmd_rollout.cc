// `rewardlab rollout ID --actions FILE`: replays an action sequence and writes one CSV row per
// step.
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "apps/commands.h"
#include "core/error.h"
#include "core/rng.h"
#include "envs/action_file.h"
#include "envs/mujoco/mujoco_env.h"
#include "envs/registry.h"

namespace rl {
namespace {

struct RolloutArgs {
  std::string id;
  std::string actions_file;
  std::string init_state;
  uint64_t seed = 0;
  std::string out;
  std::vector<std::string> sets;
};

// Stops with one line when an observation is not finite (e.g. a huge --init-state overflowed).
void CheckFinite(const std::string& id, const Vec& obs, const std::string& when,
                 const RolloutArgs& args) {
  for (int i = 0; i < obs.size(); ++i) {
    if (std::isfinite(obs[i])) continue;
    throw UserError(id + ": observation obs_" + std::to_string(i) + " is " + FormatNumber(obs[i]) +
                    " after " + when +
                    (args.init_state.empty()
                         ? " (the actions drove the state out of range)"
                         : " (the --init-state values are outside the range the physics can "
                           "integrate; use smaller ones)"));
  }
}

void RunRollout(const RolloutArgs& args) {
  std::unique_ptr<Env> env = MakeEnv(args.id, OptionsFromOverrides(args.sets));
  const EnvSpec& spec = env->Spec();
  const std::vector<Vec> actions = ReadActionFile(args.actions_file, spec);

  // the reset: an explicit physical state, or slot 0 of a VecEnv seeded with --seed
  ResetOptions reset;
  if (!args.init_state.empty()) {
    Vec state = ParseNumberList(args.init_state, "--init-state");
    if (state.size() != static_cast<int>(spec.state_names.size())) {
      std::string names;
      for (const auto& n : spec.state_names) names += (names.empty() ? "" : ",") + n;
      throw UserError("--init-state has " + std::to_string(state.size()) + " values; " + spec.id +
                      " expects " + std::to_string(spec.state_names.size()) + " (" + names + ")");
    }
    reset.init_state = std::move(state);
  }
  env->SetRng(Rng(args.seed, RngStream::kEnv, 0));
  Vec obs(spec.observation.Dim());
  env->Reset(obs, reset);
  CheckFinite(spec.id, obs, "the reset", args);

  // header, then one row per step until the episode ends or the actions run out
  std::ostringstream csv;
  csv << "step";
  for (int i = 0; i < obs.size(); ++i) csv << ",obs_" << i;
  csv << ",reward,terminated,truncated";
  for (const auto& t : spec.reward_terms) csv << ",term_" << t;
  csv << "\n";
  StepResult r;
  env->ResizeFor(r);
  const auto* mujoco = dynamic_cast<const MujocoEnv*>(env.get());
  for (size_t step = 0; step < actions.size(); ++step) {
    const int64_t divergences = mujoco != nullptr ? mujoco->Divergences() : 0;
    env->Step(actions[step], r);
    CheckFinite(spec.id, r.obs, "step " + std::to_string(step), args);
    if (mujoco != nullptr && mujoco->Divergences() > divergences) {
      std::fprintf(stderr,
                   "# diverged at step %zu: %s's physics became unstable, so the episode is "
                   "truncated there (the last CSV row)\n",
                   step, spec.id.c_str());
    }
    csv << step;
    for (int i = 0; i < r.obs.size(); ++i) csv << "," << FormatNumber(r.obs[i]);
    csv << "," << FormatNumber(r.reward) << "," << r.terminated << "," << r.truncated;
    for (int i = 0; i < r.terms.size(); ++i) csv << "," << FormatNumber(r.terms[i]);
    csv << "\n";
    if (r.terminated || r.truncated) break;
  }
  WriteFileAtomically(args.out, csv.str());
}

}  // namespace

void AddRolloutCommand(CLI::App& app) {
  auto args = std::make_shared<RolloutArgs>();
  CLI::App* cmd =
      app.add_subcommand("rollout", "replay an action sequence and write a CSV of the steps");
  cmd->add_option("id", args->id, "env id")->required();
  cmd->add_option("--actions", args->actions_file,
                  "file with one action per line, components separated by commas "
                  "(a discrete action is its integer index)")
      ->required();
  cmd->add_option("--init-state", args->init_state,
                  "physical state to start from, comma-separated in Gymnasium's order");
  cmd->add_option("--seed", args->seed, "seed of the reset when no --init-state is given");
  cmd->add_option("--out", args->out, "CSV file to write (default: stdout)");
  cmd->add_option("--set", args->sets, "env option override key=value (repeatable)");
  cmd->callback([args] { RunRollout(*args); });
}

}  // namespace rl
