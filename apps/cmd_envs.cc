// `rewardlab envs` and `rewardlab check-env ID`.
#include <iostream>
#include <memory>

#include "apps/commands.h"
#include "envs/check_env.h"
#include "envs/registry.h"

namespace rl {
namespace {

void ListEnvs() {
  for (const EnvEntry& e : EnvRegistry()) {
    std::unique_ptr<Env> env = e.make(ConfigNode{}, "env.options");
    const EnvSpec& s = env->Spec();
    std::string terms;
    for (int i = 0; i < static_cast<int>(s.reward_terms.size()); ++i) {
      terms += (i == 0                    ? ""
                : i == s.NumSummedTerms() ? "  heuristic terms (not summed) "
                                          : ",") +
               s.reward_terms[i];
    }
    std::cout << e.id << "\n    " << e.summary << "\n    obs " << s.observation.ToString()
              << "  action " << s.action.ToString() << "  limit " << s.max_episode_steps
              << "  terms " << terms << "\n";
  }
}

}  // namespace

void AddEnvCommands(CLI::App& app) {
  CLI::App* envs =
      app.add_subcommand("envs", "list every registered env with its spaces and reward terms");
  envs->callback(ListEnvs);

  auto* check = app.add_subcommand("check-env", "run the env contract under random actions");
  auto id = std::make_shared<std::string>();
  auto seed = std::make_shared<uint64_t>(0);
  auto steps = std::make_shared<int>(2000);
  auto sets = std::make_shared<std::vector<std::string>>();
  check->add_option("id", *id, "env id")->required();
  check->add_option("--seed", *seed, "seed of the env and the random actions");
  check->add_option("--steps", *steps, "random steps to take")->check(CLI::Range(1, 100000000));
  check->add_option("--set", *sets, "env option override key=value (repeatable)");
  check->callback([=] {
    const auto results = CheckEnv(*id, OptionsFromOverrides(*sets), {*seed, *steps});
    int failed = 0;
    for (const CheckResult& r : results) {
      std::cout << (r.passed ? "PASS " : "FAIL ") << r.name << ": " << r.detail << "\n";
      failed += !r.passed;
    }
    std::cout << *id << ": " << results.size() - failed << " passed, " << failed << " failed\n";
    if (failed) throw CLI::RuntimeError(1);
  });
}

}  // namespace rl
