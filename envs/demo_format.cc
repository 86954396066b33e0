#include "envs/demo_format.h"

#include <cmath>
#include <limits>
#include <string_view>
#include <vector>

namespace rl {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// A Gymnasium registration (gymnasium/envs/__init__.py) of an id rewardlab also has.
struct GymnasiumEntry {
  const char* id;
  const char* entry_point;
  double reward_threshold;         // NaN: registered without one
  const char* vector_entry_point;  // null: none
};

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
const GymnasiumEntry kGymnasium[] = {
    {"CartPole-v1", "gymnasium.envs.classic_control.cartpole:CartPoleEnv", 475.0,
     "gymnasium.envs.classic_control.cartpole:CartPoleVectorEnv"},
    {"MountainCar-v0", "gymnasium.envs.classic_control.mountain_car:MountainCarEnv", -110.0,
     nullptr},
    {"MountainCarContinuous-v0",
     "gymnasium.envs.classic_control.continuous_mountain_car:Continuous_MountainCarEnv", 90.0,
     nullptr},
    {"Pendulum-v1", "gymnasium.envs.classic_control.pendulum:PendulumEnv", kNone, nullptr},
    {"Acrobot-v1", "gymnasium.envs.classic_control.acrobot:AcrobotEnv", -100.0, nullptr},
    {"Reacher-v4", "gymnasium.envs.mujoco.reacher_v4:ReacherEnv", -3.75, nullptr},
    {"InvertedPendulum-v4", "gymnasium.envs.mujoco.inverted_pendulum_v4:InvertedPendulumEnv", 950.0,
     nullptr},
    {"InvertedDoublePendulum-v4",
     "gymnasium.envs.mujoco.inverted_double_pendulum_v4:InvertedDoublePendulumEnv", 9100.0,
     nullptr},
    {"HalfCheetah-v4", "gymnasium.envs.mujoco.half_cheetah_v4:HalfCheetahEnv", 4800.0, nullptr},
    {"Hopper-v4", "gymnasium.envs.mujoco.hopper_v4:HopperEnv", 3800.0, nullptr},
    {"Swimmer-v4", "gymnasium.envs.mujoco.swimmer_v4:SwimmerEnv", 360.0, nullptr},
    {"Walker2d-v4", "gymnasium.envs.mujoco.walker2d_v4:Walker2dEnv", kNone, nullptr},
    {"Ant-v4", "gymnasium.envs.mujoco.ant_v4:AntEnv", 6000.0, nullptr},
};

void Dump(const ordered_json& j, std::string& out) {
  if (j.is_object()) {
    out += '{';
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      out += first ? "" : ", ";
      first = false;
      out += ordered_json(key).dump(-1, ' ', true) + ": ";
      Dump(value, out);
    }
    out += '}';
  } else if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      out += i == 0 ? "" : ", ";
      Dump(j[i], out);
    }
    out += ']';
  } else if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    const double x = j.get<double>();
    out += std::isnan(x) ? "NaN" : (x > 0 ? "Infinity" : "-Infinity");
  } else {
    out += j.dump(-1, ' ', true);
  }
}

// One bound: a number, or Python's non-finite tokens as ParsePythonJson leaves them.
double Bound(const json& v) {
  if (v.is_number()) return v.get<double>();
  const std::string s = v.get<std::string>();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  throw std::invalid_argument("bound '" + s + "' is not a number");
}

// Flattens nested bound lists (a Box of any shape), or repeats a scalar `dim` times.
void Flatten(const json& v, int dim, std::vector<double>& out) {
  if (!v.is_array()) {
    out.assign(dim, Bound(v));
    return;
  }
  for (const json& e : v) {
    if (e.is_array()) {
      std::vector<double> inner;
      Flatten(e, 0, inner);
      out.insert(out.end(), inner.begin(), inner.end());
    } else {
      out.push_back(Bound(e));
    }
  }
}

// Equal up to float32 rounding (Minari stores a float32 Box's bounds as their float32 values).
bool SameBound(double a, double b) {
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b));
}

std::string Short(const Space& space) {
  return space.IsDiscrete() ? "Discrete(" + std::to_string(space.n) + ")"
                            : "Box(" + std::to_string(space.Dim()) + ")";
}

std::string Num(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return json(x).dump();
}

}  // namespace

std::string PythonJsonText(const ordered_json& j) {
  std::string out;
  Dump(j, out);
  return out;
}

json ParsePythonJson(const std::string& text) {
  // quote the non-finite tokens that Python writes outside strings
  std::string fixed;
  fixed.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      fixed += c;
      if (c == '\\' && i + 1 < text.size()) fixed += text[++i];
      if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    for (std::string_view token : {"-Infinity", "Infinity", "NaN"}) {
      if (std::string_view(text).substr(i, token.size()) == token) {
        fixed.append(1, '"').append(token).append(1, '"');
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) fixed += c;
  }
  return json::parse(fixed);
}

ordered_json MinariSpace(const Space& space) {
  ordered_json j;
  if (space.IsDiscrete()) {
    j["type"] = "Discrete";
    j["dtype"] = "int64";
    j["start"] = 0;
    j["n"] = space.n;
    return j;
  }
  j["type"] = "Box";
  j["dtype"] = "float64";
  j["shape"] = ordered_json::array({space.Dim()});
  j["low"] = std::vector<double>(space.low.data(), space.low.data() + space.low.size());
  j["high"] = std::vector<double>(space.high.data(), space.high.data() + space.high.size());
  return j;
}

std::string CompareSpace(const json& m, const Space& space, const std::string& what,
                         const std::string& env_id) {
  const std::string env = " but " + env_id + " has " + Short(space);
  try {
    const std::string type = m.at("type").get<std::string>();
    if (type != (space.IsDiscrete() ? "Discrete" : "Box")) return what + " is a " + type + env;
    if (space.IsDiscrete()) {
      const int n = m.at("n").get<int>(), start = m.value("start", 0);
      if (n != space.n || start != 0) {
        return what + " is Discrete(" + std::to_string(n) +
               (start != 0 ? ", start=" + std::to_string(start) : "") + ")" + env;
      }
      return "";
    }
    int dim = 1;
    for (const json& d : m.at("shape")) dim *= d.get<int>();
    if (dim != space.Dim()) return what + " is Box(" + std::to_string(dim) + ")" + env;
    // bounds, where the dataset states them
    for (const char* side : {"low", "high"}) {
      if (!m.contains(side)) continue;
      std::vector<double> b;
      Flatten(m.at(side), dim, b);
      const Vec& want = std::string(side) == "low" ? space.low : space.high;
      if (static_cast<int>(b.size()) != dim) {
        return what + "'s " + side + " has " + std::to_string(b.size()) + " entries for shape " +
               std::to_string(dim);
      }
      for (int i = 0; i < dim; ++i) {
        if (SameBound(b[i], want[i])) continue;
        return what + "'s " + side + "[" + std::to_string(i) + "] is " + Num(b[i]) + " but " +
               env_id + "'s is " + Num(want[i]);
      }
    }
    return "";
  } catch (const std::exception& e) {
    return what + " is not a Minari space (" + e.what() + ")";
  }
}

ordered_json GymnasiumEnvSpec(const EnvSpec& spec) {
  const GymnasiumEntry* entry = nullptr;
  for (const GymnasiumEntry& e : kGymnasium) {
    if (spec.id == e.id) entry = &e;
  }
  ordered_json j;
  j["id"] = spec.id;
  j["entry_point"] = entry ? ordered_json(entry->entry_point) : ordered_json(nullptr);
  j["reward_threshold"] = entry && !std::isnan(entry->reward_threshold)
                              ? ordered_json(entry->reward_threshold)
                              : ordered_json(nullptr);
  j["nondeterministic"] = false;
  j["max_episode_steps"] =
      spec.max_episode_steps > 0 ? ordered_json(spec.max_episode_steps) : ordered_json(nullptr);
  j["order_enforce"] = true;
  j["disable_env_checker"] = false;
  j["kwargs"] = ordered_json::object();
  j["additional_wrappers"] = ordered_json::array();
  j["vector_entry_point"] = entry && entry->vector_entry_point
                                ? ordered_json(entry->vector_entry_point)
                                : ordered_json(nullptr);
  return j;
}

}  // namespace rl
