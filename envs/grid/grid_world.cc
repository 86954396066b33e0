#include "envs/grid/grid_world.h"

#include <cmath>
#include <string>
#include <type_traits>

#include "core/error.h"
#include "envs/grid/grid_map.h"

namespace rl {
namespace {

// Applies each field's Check to a config built in code (ReadConfig checks configs read from YAML).
struct FieldChecker {
  std::string prefix;
  template <class T>
  void operator()(std::string_view name, const T& field, std::string_view, const Check& c = {}) {
    bool ok = true;
    std::string text;
    if constexpr (std::is_arithmetic_v<T>) {
      ok = std::isfinite(static_cast<double>(field)) && c.Accepts(static_cast<double>(field));
      text = config_detail::Text(field);
    } else {
      ok = c.Accepts(field);
      text = "'" + field + "'";
    }
    if (!ok) {
      throw UserError(prefix + std::string(name) + " = " + text + " is not allowed; it must be " +
                      (c.ToString().empty() ? "finite" : c.ToString()));
    }
  }
};

constexpr int kRowStep[GridWorld::kNumActions] = {-1, 0, 1, 0};  // up, right, down, left
constexpr int kColStep[GridWorld::kNumActions] = {0, 1, 0, -1};

}  // namespace

GridConfig GridDefaults(const std::string& layout) {
  GridConfig c;
  c.layout = layout;
  if (layout == "CliffWalking") {
    c.goal_reward = 0.0;
    c.step_reward = -1.0;
    c.hazard_reward = -100.0;
  }
  return c;
}

GridWorld::GridWorld(const GridConfig& config) : config_(config) {
  FieldChecker checker{"Grid options: "};
  config_.Fields(checker);
  const GridLayout& layout = FindLayout(config_.layout);

  // the map: the user's own (checked, with the row and column of a fault) or the layout's
  if (!config_.map.empty() && !config_.map_file.empty()) {
    throw UserError("Grid options: map and map_file are both set; keep one of them");
  }
  std::vector<std::string> lines;
  if (!config_.map_file.empty()) {
    lines = ParseGridMap(ReadGridMapFile(config_.map_file), config_.map_file);
  } else if (!config_.map.empty()) {
    lines = ParseGridMap(config_.map, "env.options.map");
  } else {
    lines = ParseGridMap(std::string(layout.text), "grid layout " + config_.layout);
  }
  text_.clear();
  for (const std::string& line : lines) text_ += (text_.empty() ? "" : "\n") + line;

  // states numbered row-major
  rows_ = static_cast<int>(lines.size());
  cols_ = static_cast<int>(lines[0].size());
  index_.assign(rows_ * cols_, -1);
  for (int r = 0; r < rows_; ++r) {
    for (int c = 0; c < cols_; ++c) {
      const char ch = lines[r][c];
      if (ch == '#') continue;
      index_[r * cols_ + c] = NumStates();
      if (ch == 'S') starts_.push_back(NumStates());
      cells_.push_back({r, c});
      tiles_.push_back(ch);
    }
  }

  // spec: the id derives from the layout so the registry and the env agree
  const int n = NumStates();
  spec_.id = "Grid-" + config_.layout;
  if (config_.observation == "onehot") {
    spec_.observation = Space::Box(n, 0.0, 1.0);
  } else {
    spec_.observation = Space::Box(Vec::Zero(2), Eigen::Vector2d(cols_ - 1, rows_ - 1));
  }
  spec_.action = Space::Discrete(kNumActions);
  spec_.dt = 0.0;
  const bool own_map = !config_.map.empty() || !config_.map_file.empty();
  spec_.max_episode_steps = config_.max_steps > 0 ? config_.max_steps
                            : own_map             ? 4 * rows_ * cols_
                                                  : layout.max_steps;
  spec_.reward_terms = {"goal", "step", "hazard"};
  spec_.state_names = {"cell"};
  state_ = starts_[0];
}

int GridWorld::StateAt(int row, int col) const {
  if (row < 0 || row >= rows_ || col < 0 || col >= cols_) return -1;
  return index_[row * cols_ + col];
}

int GridWorld::Move(int s, int dir) const {
  const int next = StateAt(cells_[s].row + kRowStep[dir], cells_[s].col + kColStep[dir]);
  return next < 0 ? s : next;
}

void GridWorld::TransitionTerms(int next, Eigen::Ref<Vec> terms) const {
  const char t = tiles_[next];
  terms[0] = t == 'G' ? config_.goal_reward : t == 'g' ? config_.small_goal_reward : 0.0;
  terms[1] = config_.step_reward;
  terms[2] = t == 'L' ? config_.hazard_reward : 0.0;
}

void GridWorld::Observe(int s, Eigen::Ref<Vec> obs) const {
  if (config_.observation == "onehot") {
    obs.setZero();
    obs[s] = 1.0;
  } else {
    obs[0] = cells_[s].col;
    obs[1] = cells_[s].row;
  }
}

int GridWorld::StateOfObs(const Eigen::Ref<const Vec>& obs) const {
  int s = -1;
  if (obs.size() == spec_.observation.Dim()) {
    if (config_.observation == "onehot") {
      Eigen::Index i = 0;
      if (obs.maxCoeff(&i) == 1.0 && obs.sum() == 1.0) s = static_cast<int>(i);
    } else if (obs[0] == std::floor(obs[0]) && obs[1] == std::floor(obs[1])) {
      s = StateAt(static_cast<int>(obs[1]), static_cast<int>(obs[0]));
    }
  }
  if (s < 0) throw UserError(spec_.id + ": the observation is not that of a state");
  return s;
}

Vec GridWorld::PhysicalState() const { return Vec::Constant(1, state_); }

void GridWorld::DoReset(const Vec* init_state, Eigen::Ref<Vec> obs) {
  if (init_state) {
    const double x = (*init_state)[0];
    if (x != std::floor(x) || x < 0 || x >= NumStates()) {
      throw UserError(spec_.id + ": init-state cell " + std::to_string(x) +
                      " is not a state index in 0.." + std::to_string(NumStates() - 1) +
                      " (non-wall cells, row-major)");
    }
    const int s = static_cast<int>(x);
    if (IsTerminal(s)) {
      throw UserError(spec_.id + ": init-state cell " + std::to_string(s) + " at (row " +
                      std::to_string(cells_[s].row) + ", col " + std::to_string(cells_[s].col) +
                      ") is terminal ('" + std::string(1, tiles_[s]) + "')");
    }
    state_ = s;
  } else {
    state_ = starts_[rng_.UniformInt(starts_.size())];
  }
  Observe(state_, obs);
}

void GridWorld::DoStep(const Eigen::Ref<const Vec>& action, StepResult& out) {
  // stepping on past termination stays in the absorbing state and pays nothing (as ExportTabular)
  if (IsTerminal(state_)) {
    out.terms.setZero();
    out.terminated = true;
    Observe(state_, out.obs);
    return;
  }
  // slip: u < slip/2 turns left, u < slip turns right; no draw at all when slip is 0
  int dir = static_cast<int>(action[0]);
  if (config_.slip > 0.0) {
    const double u = rng_.Uniform();
    if (u < 0.5 * config_.slip)
      dir = (dir + 3) % kNumActions;
    else if (u < config_.slip)
      dir = (dir + 1) % kNumActions;
  }
  state_ = Move(state_, dir);
  TransitionTerms(state_, out.terms);
  out.terminated = IsTerminal(state_);
  Observe(state_, out.obs);
}

}  // namespace rl
