// `rewardlab compare-rewards ENV_ID REWARD...`: the pairwise STARC distances between reward
// functions of a tabular env (rewards/starc/starc.h; specs in rewards/starc/reward_spec.h).
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "apps/commands.h"
#include "core/error.h"
#include "envs/grid/grid_world.h"
#include "envs/registry.h"
#include "experiments/value_function.h"
#include "rewards/starc/reward_spec.h"
#include "rewards/starc/starc.h"

namespace rl {
namespace {

struct CompareArgs {
  std::string id;
  std::vector<std::string> rewards;
  double gamma = 0.99;
  std::string policy = "uniform";
  std::string weighting = "uniform";
  std::string format = "table";
  std::vector<std::string> sets;
};

std::string Fixed(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4f", x);
  return buf;
}

std::string Table(const CompareArgs& args, const Eigen::MatrixXd& d,
                  const std::vector<bool>& zero) {
  const int n = static_cast<int>(args.rewards.size());
  size_t label = 0;
  for (const std::string& r : args.rewards) label = std::max(label, r.size());
  std::ostringstream out;
  out << "STARC distances on " << args.id << " (gamma " << FormatNumber(args.gamma)
      << ", reference policy " << args.policy << ", weights " << args.weighting << ")\n";
  out << std::string(label, ' ');
  for (const std::string& r : args.rewards) {
    out << "  " << std::string(std::max<size_t>(r.size(), 6) - r.size(), ' ') << r;
  }
  out << "\n";
  for (int i = 0; i < n; ++i) {
    out << args.rewards[i] << std::string(label - args.rewards[i].size(), ' ');
    for (int j = 0; j < n; ++j) {
      const size_t width = std::max<size_t>(args.rewards[j].size(), 6);
      const std::string v = Fixed(d(i, j));
      out << "  " << std::string(width - std::min(width, v.size()), ' ') << v;
    }
    out << "\n";
  }
  for (int i = 0; i < n; ++i) {
    if (zero[i]) {
      out << "note: " << args.rewards[i]
          << " is pure shaping and redistribution (c(R) = 0), so s(R) = 0\n";
    }
  }
  return out.str();
}

std::string Csv(const CompareArgs& args, const Eigen::MatrixXd& d) {
  std::ostringstream out;
  out << "reward";
  for (const std::string& r : args.rewards) out << "," << r;
  out << "\n";
  for (int i = 0; i < d.rows(); ++i) {
    out << args.rewards[i];
    for (int j = 0; j < d.cols(); ++j) out << "," << FormatNumber(d(i, j));
    out << "\n";
  }
  return out.str();
}

void RunCompare(const CompareArgs& args) {
  std::unique_ptr<Env> env = MakeEnv(args.id, OptionsFromOverrides(args.sets));
  const auto* grid = dynamic_cast<const GridWorld*>(env.get());
  if (!grid) {
    throw UserError("compare-rewards needs a tabular env (a Grid-* id); " + args.id +
                    " has no exact tabular model");
  }
  if (args.rewards.size() < 2) {
    throw UserError("compare-rewards needs at least two rewards, e.g. env shaped:distance");
  }
  const TabularMdp mdp = ExportTabular(*grid);
  std::vector<TransitionRewardTable> tables;
  for (const std::string& spec : args.rewards) {
    tables.push_back(LoadRewardSpec(spec, *grid, {args.gamma, LoadStateValues}));
  }

  StarcOptions options;
  options.gamma = args.gamma;
  options.policy = UniformPolicy(mdp);
  if (args.weighting == "occupancy") {
    options.weights = OccupancyWeights(mdp, options.policy, args.gamma);
  }
  const Eigen::MatrixXd d = StarcDistanceMatrix(mdp, tables, options);
  std::vector<bool> zero;
  for (const TransitionRewardTable& t : tables) {
    zero.push_back(StandardizedReward(mdp, t, options).isZero(0.0));
  }
  std::cout << (args.format == "csv" ? Csv(args, d) : Table(args, d, zero)) << std::flush;
}

}  // namespace

void AddCompareRewardsCommand(CLI::App& app) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand(
      "compare-rewards", "pairwise STARC distances between reward functions of a gridworld");
  cmd->add_option("id", args->id, "env id (a Grid-* env)")->required();
  cmd->add_option("rewards", args->rewards, std::string("reward specs: ") + RewardSpecHelp())
      ->required();
  cmd->add_option("--gamma", args->gamma, "discount of canonicalisation and shaping")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--policy", args->policy, "reference policy of the canonicalisation")
      ->check(CLI::IsMember({"uniform"}));
  cmd->add_option("--weighting", args->weighting,
                  "weights of the L2 norm: uniform over (s,a) or the reference policy's occupancy")
      ->check(CLI::IsMember({"uniform", "occupancy"}));
  cmd->add_option("--format", args->format, "output: an aligned table or CSV")
      ->check(CLI::IsMember({"table", "csv"}));
  cmd->add_option("--set", args->sets, "env option override key=value (repeatable)");
  cmd->callback([args] { RunCompare(*args); });
}

}  // namespace rl
