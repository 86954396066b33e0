// Reward-free exploration study (algorithms.md §5.5): sub-optimality of the planned policy vs the
// number of exploration episodes K, for each env, method, horizon H and seed. One exploration run
// per (env, method, H, seed) is evaluated at every K of a 1-2-5 log grid up to --k-max, over a
// fixed set of test rewards (first-entry goal rewards and dense U[0, 1] / H rewards, drawn once
// per env and H). Writes one CSV row per evaluation; plot with experiments/plot/reward_free.py.
//
//   build/reward_free_study [--out FILE.csv] [--envs Empty-5x5,Empty-8x8] [--methods
//   vtr,rfucrl,random]
//                           [--horizons 10,20,50,100] [--seeds 5] [--k-max 2000] [--goals 20]
//                           [--dense 20] [--slip 0.1] [--beta 1]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "envs/grid/tabular.h"
#include "rewards/reward_free/explorer.h"
#include "rewards/reward_free/planning.h"

namespace rl {
namespace {

// Command-line settings of the study.
struct StudyArgs {
  std::string out = "results/reward_free/subopt.csv";
  std::vector<std::string> envs = {"Empty-5x5", "Empty-8x8"};
  std::vector<std::string> methods = {"vtr", "rfucrl", "random"};
  std::vector<int> horizons = {10, 20, 50, 100};
  int seeds = 5;
  int k_max = 2000;
  int goals = 20;
  int dense = 20;
  double slip = 0.1;
  double beta = 1.0;
};

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) out.push_back(item);
  return out;
}

StudyArgs ParseArgs(int argc, char** argv) {
  StudyArgs args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw UserError("flag " + flag + " needs a value");
    const std::string value = argv[++i];
    if (flag == "--out") {
      args.out = value;
    } else if (flag == "--envs") {
      args.envs = SplitList(value);
    } else if (flag == "--methods") {
      args.methods = SplitList(value);
    } else if (flag == "--horizons") {
      args.horizons.clear();
      for (const std::string& h : SplitList(value)) args.horizons.push_back(std::stoi(h));
    } else if (flag == "--seeds") {
      args.seeds = std::stoi(value);
    } else if (flag == "--k-max") {
      args.k_max = std::stoi(value);
    } else if (flag == "--goals") {
      args.goals = std::stoi(value);
    } else if (flag == "--dense") {
      args.dense = std::stoi(value);
    } else if (flag == "--slip") {
      args.slip = std::stod(value);
    } else if (flag == "--beta") {
      args.beta = std::stod(value);
    } else {
      throw UserError("unknown flag " + flag);
    }
  }
  return args;
}

// The K grid 10, 20, 50, 100, ... up to k_max.
std::vector<int> KGrid(int k_max) {
  std::vector<int> grid;
  for (int decade = 10; decade <= k_max; decade *= 10) {
    for (int f : {1, 2, 5}) {
      if (f * decade <= k_max) grid.push_back(f * decade);
    }
  }
  return grid;
}

// A test reward with its V*_1, and whether it is a goal reward.
struct TestReward {
  RewardFunction reward;
  Eigen::VectorXd v_star;  // (S + 1) V*_1 in the true MDP
  bool goal = false;
};

// Worst and mean sub-optimality over one class of test rewards.
struct Summary {
  double worst = 0.0;
  double sum = 0.0;
  int n = 0;
  void Add(double x) {
    worst = std::max(worst, x);
    sum += x;
    ++n;
  }
  double Mean() const { return n > 0 ? sum / n : 0.0; }
};

int Run(const StudyArgs& args) {
  std::ofstream csv(args.out);
  if (!csv) throw UserError("cannot write " + args.out);
  csv << "env,method,horizon,seed,episodes,worst,mean,worst_goal,mean_goal,worst_dense,"
         "mean_dense,visited_pairs,certificate,seconds\n";
  const std::vector<int> grid = KGrid(args.k_max);
  for (const std::string& env_id : args.envs) {
    GridConfig grid_config = GridDefaults(env_id);
    grid_config.slip = args.slip;
    const TabularMdp mdp = ExportTabular(GridWorld(grid_config));
    for (int horizon : args.horizons) {
      // one fixed test set per (env, H), independent of the exploration seed
      Rng reward_rng(12345, RngStream::kReward, 1000 + horizon);
      std::vector<TestReward> tests;
      for (RewardFunction& f : RandomGoalRewards(mdp, args.goals, reward_rng)) {
        tests.push_back({f, OptimalValue(mdp, f, horizon), true});
      }
      for (RewardFunction& f : RandomDenseRewards(mdp, args.dense, horizon, reward_rng)) {
        tests.push_back({f, OptimalValue(mdp, f, horizon), false});
      }
      for (const std::string& method : args.methods) {
        for (int seed = 0; seed < args.seeds; ++seed) {
          ExplorerConfig config;
          config.horizon = horizon;
          config.episodes = args.k_max;
          config.seed = seed;
          config.beta = args.beta;
          auto explorer = MakeExplorer(method, mdp, config);
          const auto start = std::chrono::steady_clock::now();
          int done = 0;
          for (int k : grid) {
            for (; done < k; ++done) explorer->RunEpisode();
            Summary all, goal, dense;
            for (const TestReward& t : tests) {
              const double gap =
                  SubOptimality(mdp, t.reward, PlanFromData(explorer->Data(), t.reward), &t.v_star);
              all.Add(gap);
              (t.goal ? goal : dense).Add(gap);
            }
            const double seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            csv << env_id << ',' << method << ',' << horizon << ',' << seed << ',' << k << ','
                << all.worst << ',' << all.Mean() << ',' << goal.worst << ',' << goal.Mean() << ','
                << dense.worst << ',' << dense.Mean() << ',' << explorer->Data().VisitedPairs()
                << ',' << explorer->Certificate() << ',' << seconds << '\n';
          }
          csv.flush();
          std::fprintf(stderr, "%s %s H=%d seed=%d done\n", env_id.c_str(), method.c_str(), horizon,
                       seed);
        }
      }
    }
  }
  return 0;
}

}  // namespace
}  // namespace rl

int main(int argc, char** argv) {
  try {
    return rl::Run(rl::ParseArgs(argc, argv));
  } catch (const rl::UserError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return rl::kUserErrorExitCode;
  }
}
