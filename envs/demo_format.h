// The JSON pieces of a Minari dataset's metadata.json (docs/demos.md): spaces serialised as
// minari/serialization.py does, the env spec as Gymnasium's EnvSpec.to_json, and Python's json
// text (", " and ": " separators; Infinity, -Infinity and NaN for non-finite floats).
#ifndef REWARDLAB_ENVS_DEMO_FORMAT_H_
#define REWARDLAB_ENVS_DEMO_FORMAT_H_

#include <nlohmann/json.hpp>
#include <string>

#include "envs/env.h"

namespace rl {

// The text Python's json.dumps writes for `j` (keys in their stored order).
std::string PythonJsonText(const nlohmann::ordered_json& j);
// Parses JSON that may hold Python's Infinity, -Infinity and NaN tokens outside strings (they
// become the strings "Infinity", "-Infinity" and "NaN"); throws nlohmann::json::parse_error.
nlohmann::json ParsePythonJson(const std::string& text);

// A space as Minari serialises it: Box {type, dtype, shape, low, high} (float64, our envs' type)
// or Discrete {type, dtype, start, n}.
nlohmann::ordered_json MinariSpace(const Space& space);
// "" when the serialised space `minari` (a parsed Minari space) describes `space`; else why not,
// e.g. "observation_space is Box(11) but Pendulum-v1 observes Box(3)". `what` names the space.
std::string CompareSpace(const nlohmann::json& minari, const Space& space, const std::string& what,
                         const std::string& env_id);

// The env spec as Gymnasium 1.x's EnvSpec.to_json writes it (id, entry_point, reward_threshold,
// nondeterministic, max_episode_steps, order_enforce, disable_env_checker, kwargs,
// additional_wrappers, vector_entry_point); Gymnasium's entry point for ids it registers.
nlohmann::ordered_json GymnasiumEnvSpec(const EnvSpec& spec);

}  // namespace rl

#endif  // REWARDLAB_ENVS_DEMO_FORMAT_H_
