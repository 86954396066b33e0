#include "rewards/starc/reward_spec.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <tuple>
#include <vector>

#include "core/config_node.h"
#include "core/error.h"
#include "core/rng.h"
#include "rewards/registry.h"
#include "rewards/tabular_reward.h"

namespace rl {
namespace {

std::string Trim(const std::string& text) {
  const size_t a = text.find_first_not_of(" \t\r");
  const size_t b = text.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : text.substr(a, b - a + 1);
}

// A finite double that is the whole of `text`.
bool ParseDouble(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size() && std::isfinite(out);
}

// A non-negative integer that is the whole of `text`.
bool ParseUint(const std::string& text, uint64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return !text.empty() && ec == std::errc() && ptr == end;
}

std::string Where(const std::string& spec) { return "reward spec '" + spec + "': "; }

double ParseScale(const std::string& spec, const std::string& text) {
  double k = 0.0;
  if (!ParseDouble(text, k)) {
    throw UserError(Where(spec) + "'" + text + "' is not a finite number (write e.g. env*3)");
  }
  return k;
}

uint64_t ParseSeed(const std::string& spec, const std::string& text) {
  uint64_t seed = 0;
  if (!ParseUint(text, seed)) {
    throw UserError(Where(spec) + "seed '" + text + "' is not a non-negative integer");
  }
  return seed;
}

Eigen::VectorXd RandomPotential(int num_states, uint64_t seed) {
  Rng rng(seed, RngStream::kCli, 1);
  Eigen::VectorXd phi(num_states);
  for (int s = 0; s < num_states; ++s) phi[s] = rng.Normal();
  return phi;
}

// One integer field of a CSV row in [0, n).
int ParseIndex(const std::string& where, const char* name, const std::string& text, int n) {
  uint64_t v = 0;
  if (!ParseUint(text, v) || v >= static_cast<uint64_t>(n)) {
    throw UserError(where + name + " = '" + text + "' is not an index in [0, " + std::to_string(n) +
                    ")");
  }
  return static_cast<int>(v);
}

}  // namespace

const char* RewardSpecHelp() {
  return "env, env*K, scale:K, shaped:distance, shaped:random:SEED, random:SEED, FILE.csv "
         "(rows s,a,s_next,r), or a reward pipeline: pipeline:[{type: ...}, ...] "
         "(inline YAML) or FILE.yaml (a reward: list)";
}

TransitionRewardTable LoadRewardSpec(const std::string& spec, const GridWorld& env,
                                     const RewardSpecOptions& options) {
  const TabularMdp mdp = ExportTabular(env);
  const TransitionRewardTable own = TransitionRewards(env);
  if (spec == "env") return own;
  if (spec.starts_with("env*")) return ScaleReward(own, ParseScale(spec, spec.substr(4)));
  if (spec.starts_with("scale:")) return ScaleReward(own, ParseScale(spec, spec.substr(6)));
  if (spec == "shaped:distance") {
    return ShapeWithPotential(mdp, own, GoalDistancePotential(env), options.gamma);
  }
  if (spec.starts_with("shaped:random:")) {
    const Eigen::VectorXd phi = RandomPotential(env.NumStates(), ParseSeed(spec, spec.substr(14)));
    return ShapeWithPotential(mdp, own, phi, options.gamma);
  }
  if (spec.starts_with("random:")) {
    Rng rng(ParseSeed(spec, spec.substr(7)), RngStream::kCli, 0);
    return RandomReward(mdp, rng);
  }
  if (spec.ends_with(".csv")) return ReadRewardCsv(spec, env);
  if (spec.starts_with("pipeline:") || spec.ends_with(".yaml") || spec.ends_with(".yml")) {
    // a reward pipeline: inline YAML, or a file holding the list or a config with `reward:`
    ConfigNode node = spec.starts_with("pipeline:") ? ParseYaml(spec.substr(9), "<reward spec>")
                                                    : LoadConfigFile(spec);
    if (node.IsMap() && node.Find("reward")) {
      ConfigNode list = *node.Find("reward");  // copied first: assigning a child to its parent
      node = std::move(list);
    }
    const RewardPipeline pipeline =
        MakeRewardPipeline(node, {&env, options.gamma, 0, 0, options.load_state_values});
    return TabulateReward(pipeline, env);
  }
  throw UserError("unknown reward spec '" + spec + "'; expected " + RewardSpecHelp());
}

TransitionRewardTable ReadRewardCsv(const std::string& path, const GridWorld& env) {
  std::ifstream in(path);
  if (!in) throw UserError(path + ": cannot open the reward CSV (check the path)");
  const int n = env.NumStates();
  TransitionRewardTable r(GridWorld::kNumActions, Eigen::MatrixXd::Zero(n, n));
  std::map<std::tuple<int, int, int>, int> seen;  // (s, a, s') -> line of its row
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields(1);
    for (char ch : line) {
      if (ch == ',')
        fields.emplace_back();
      else
        fields.back() += ch;
    }
    for (std::string& f : fields) f = Trim(f);
    if (seen.empty() && fields == std::vector<std::string>{"s", "a", "s_next", "r"}) continue;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    if (fields.size() != 4) {
      throw UserError(where + "expected 4 fields s,a,s_next,r, got " +
                      std::to_string(fields.size()));
    }
    const int s = ParseIndex(where, "s", fields[0], n);
    const int a = ParseIndex(where, "a", fields[1], GridWorld::kNumActions);
    const int t = ParseIndex(where, "s_next", fields[2], n);
    double value = 0.0;
    if (!ParseDouble(fields[3], value)) {
      throw UserError(where + "r = '" + fields[3] + "' is not a finite number");
    }
    const auto [it, fresh] = seen.emplace(std::make_tuple(s, a, t), line_no);
    if (!fresh) {
      throw UserError(where + "a second row for (s, a, s_next) = (" + fields[0] + ", " + fields[1] +
                      ", " + fields[2] + "); the first is line " + std::to_string(it->second));
    }
    r[a](s, t) = value;
  }
  return r;
}

}  // namespace rl
