#include "rewards/potential_shaping/potential.h"

#include <utility>

#include "envs/grid/tabular.h"
#include "envs/grid/value_iteration.h"

namespace rl {
namespace {

// A table over gridworld states, looked up through the observation.
class GridTablePotential : public Potential {
 public:
  GridTablePotential(const GridWorld& env, Eigen::VectorXd table) : env_(env), table_(table) {}
  void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                Eigen::Ref<Eigen::VectorXf> out) const override {
    for (int b = 0; b < obs.cols(); ++b) {
      out[b] = static_cast<float>(table_[env_.StateOfObs(obs.col(b).cast<double>())]);
    }
  }

 private:
  const GridWorld& env_;
  Eigen::VectorXd table_;  // (S)
};

// bias + w . obs[indices].
class LinearPotential : public Potential {
 public:
  LinearPotential(std::vector<int> indices, Eigen::VectorXf weights, float bias)
      : indices_(std::move(indices)), weights_(std::move(weights)), bias_(bias) {}
  void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                Eigen::Ref<Eigen::VectorXf> out) const override {
    out.setConstant(bias_);
    for (size_t i = 0; i < indices_.size(); ++i)
      out += weights_[i] * obs.row(indices_[i]).transpose();
  }

 private:
  std::vector<int> indices_;
  Eigen::VectorXf weights_;  // (indices)
  float bias_;
};

// V(s) of a trained critic (experiments/ restores it from a run's newest checkpoint).
class ValueFunctionPotential : public Potential {
 public:
  explicit ValueFunctionPotential(std::unique_ptr<StateValueFunction> values)
      : values_(std::move(values)) {}
  void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                Eigen::Ref<Eigen::VectorXf> out) const override {
    values_->Evaluate(obs, out);
  }

 private:
  std::unique_ptr<StateValueFunction> values_;
};

// Multiplies another potential by a constant.
class ScaledPotential : public Potential {
 public:
  ScaledPotential(std::unique_ptr<Potential> inner, float scale)
      : inner_(std::move(inner)), scale_(scale) {}
  void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                Eigen::Ref<Eigen::VectorXf> out) const override {
    inner_->Evaluate(obs, out);
    if (scale_ != 1.0f) out *= scale_;
  }

 private:
  std::unique_ptr<Potential> inner_;
  float scale_;
};

const GridWorld& NeedGrid(const Env& env, const std::string& key, const std::string& type) {
  const auto* grid = dynamic_cast<const GridWorld*>(&env);
  if (!grid) {
    throw UserError("key '" + key + ".potential.type': " + type + " needs a gridworld (Grid-*); " +
                    env.Spec().id + " is not one (use linear or value_function)");
  }
  return *grid;
}

std::unique_ptr<Potential> MakeLinear(const PotentialConfig& c, const std::string& key,
                                      const Env& env) {
  const int obs_dim = env.Spec().observation.Dim();
  std::vector<int> indices = c.indices;
  if (indices.empty()) {
    for (int i = 0; i < obs_dim; ++i) indices.push_back(i);
  }
  for (int i : indices) {
    if (i >= obs_dim) {
      throw UserError("key '" + key + ".potential.indices': index " + std::to_string(i) +
                      " is outside " + env.Spec().id + "'s observation (" +
                      std::to_string(obs_dim) + " entries)");
    }
  }
  if (c.weights.size() != indices.size()) {
    throw UserError("key '" + key + ".potential.weights': " + std::to_string(c.weights.size()) +
                    " weights for " + std::to_string(indices.size()) +
                    " observation entries; give one weight per entry");
  }
  Eigen::VectorXf w(indices.size());
  for (size_t i = 0; i < indices.size(); ++i) w[i] = static_cast<float>(c.weights[i]);
  return std::make_unique<LinearPotential>(indices, w, static_cast<float>(c.bias));
}

// Φ(s) = h(s), the env's state-only heuristic.
class HeuristicPotential : public Potential {
 public:
  explicit HeuristicPotential(ObsFunction h) : h_(std::move(h)) {}
  void Evaluate(const Eigen::Ref<const Eigen::MatrixXf>& obs,
                Eigen::Ref<Eigen::VectorXf> out) const override {
    for (int j = 0; j < obs.cols(); ++j) out[j] = static_cast<float>(h_(obs.col(j)));
  }

 private:
  ObsFunction h_;
};

std::unique_ptr<Potential> MakeHeuristic(const std::string& key, const Env& env) {
  ObsFunction h = env.StateHeuristic();
  if (!h) {
    throw UserError("key '" + key + ".potential.type': " + env.Spec().id +
                    " (with these env.options) has no heuristic that is a function of the state " +
                    "alone; set env.options.heuristic to a state-only one (GridWorld good|bad, " +
                    "MountainCar velocity) or blend the heuristic with a module instead");
  }
  return std::make_unique<HeuristicPotential>(std::move(h));
}

std::unique_ptr<Potential> MakeValueFunction(const PotentialConfig& c, const std::string& key,
                                             const Env& env, const StateValueLoader& load) {
  if (c.run.empty()) {
    throw UserError("key '" + key + ".potential.run': value_function needs the run folder of a " +
                    "trained PPO agent");
  }
  if (!load) {
    throw UserError("key '" + key + ".potential.run': value_function potentials are loaded by " +
                    "`rewardlab train` and `eval`; this command cannot load " + c.run);
  }
  return std::make_unique<ValueFunctionPotential>(load(c.run, key + ".potential.run", env));
}

}  // namespace

std::unique_ptr<Potential> MakePotential(const PotentialConfig& c, const std::string& key,
                                         const Env& env, double gamma,
                                         const StateValueLoader& load_state_values) {
  std::unique_ptr<Potential> phi;
  if (c.type == "grid_distance") {
    const GridWorld& grid = NeedGrid(env, key, c.type);
    phi = std::make_unique<GridTablePotential>(grid, GoalDistancePotential(grid));
  } else if (c.type == "optimal_value") {
    const GridWorld& grid = NeedGrid(env, key, c.type);
    phi = std::make_unique<GridTablePotential>(grid, ValueIteration(ExportTabular(grid), gamma).v);
  } else if (c.type == "linear") {
    phi = MakeLinear(c, key, env);
  } else if (c.type == "heuristic") {
    phi = MakeHeuristic(key, env);
  } else {
    phi = MakeValueFunction(c, key, env, load_state_values);
  }
  return std::make_unique<ScaledPotential>(std::move(phi), static_cast<float>(c.scale));
}

}  // namespace rl
