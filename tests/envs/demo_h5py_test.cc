// Minari's layout across programs: a dataset written by a short h5py script as Minari writes one
// (float32 actions, h5py bools, a uint64 seed, Infinity bounds, an infos group) is read, and the
// writer's dataset reads in Python the way Minari reads it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/error.h"
#include "envs/demo_dataset.h"
#include "envs/registry.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;

// Writes a Hopper-v4 dataset of two episodes (4 steps terminated, 6 steps truncated).
constexpr char kWriter[] = R"(import json, os, sys
import h5py, numpy as np
root = sys.argv[1]
os.makedirs(root + "/data")
inf = float("inf")
obs_space = {"type": "Box", "dtype": "float64", "shape": [11], "low": [-inf] * 11,
             "high": [inf] * 11}
low = np.full(3, -1.0, dtype=np.float32)
act_space = {"type": "Box", "dtype": "float32", "shape": [3], "low": low.tolist(),
             "high": (-low).tolist()}
env_spec = {"id": "Hopper-v4", "entry_point": "gymnasium.envs.mujoco.hopper_v4:HopperEnv",
            "reward_threshold": 3800.0, "nondeterministic": False, "max_episode_steps": 1000,
            "order_enforce": True, "disable_env_checker": False, "kwargs": {},
            "additional_wrappers": [], "vector_entry_point": None}
with h5py.File(root + "/data/main_data.hdf5", "w", track_order=True) as f:
    for i, T in enumerate([4, 6]):
        g = f.create_group(f"episode_{i}")
        g.attrs["id"] = i
        g.attrs["seed"] = 2**64 - 5 if i == 0 else 7
        g.attrs["total_steps"] = T
        obs = np.array([[0.5 * t + 0.01 * j + i for j in range(11)] for t in range(T + 1)])
        act = np.array([[0.1 * t - 0.2 * j for j in range(3)] for t in range(T)], dtype=np.float32)
        term, trunc = np.zeros(T, dtype=bool), np.zeros(T, dtype=bool)
        (term if i == 0 else trunc)[-1] = True
        data = {"observations": obs, "actions": act, "rewards": np.arange(T) + 1.0,
                "terminations": term, "truncations": trunc}
        for k, v in data.items():
            g.create_dataset(k, data=v, chunks=True, maxshape=(None, *v.shape[1:]))
        g.create_group("infos").create_dataset("x_position", data=np.arange(T + 1.0))
meta = {"total_episodes": 2, "total_steps": 10, "data_format": "hdf5",
        "observation_space": json.dumps(obs_space), "action_space": json.dumps(act_space),
        "env_spec": json.dumps(env_spec), "dataset_id": "test/hopper/h5py-v0",
        "minari_version": "0.5.3"}
with open(root + "/data/metadata.json", "w") as f:
    json.dump(meta, f)
)";

// Reads a dataset as minari's MinariStorage.read and HDF5Storage.get_episodes do; prints facts.
constexpr char kReader[] = R"(import json, math, sys
import h5py
root = sys.argv[1]
with open(root + "/data/metadata.json") as f:
    m = json.load(f)
obs, spec = json.loads(m["observation_space"]), json.loads(m["env_spec"])
out = {"keys": sorted(m), "obs_low_is_minus_inf": math.isinf(obs["low"][0]) and obs["low"][0] < 0,
       "env_id": spec["id"], "max_episode_steps": spec["max_episode_steps"]}
with h5py.File(root + "/data/main_data.hdf5", "r") as f:
    g = f["episode_0"]
    out["flag_dtype"] = str(g["terminations"].dtype)
    out["terminations"] = g["terminations"][()].tolist()
    out["obs_shape"] = list(g["observations"].shape)
    out["obs_maxshape"] = [-1 if d is None else d for d in g["observations"].maxshape]
    out["id"], out["seed"] = int(g.attrs["id"]), int(g.attrs["seed"])
    out["total_steps"] = int(g.attrs["total_steps"])
    out["infos_is_group"] = isinstance(g["infos"], h5py.Group)
print(json.dumps(out))
)";

// Runs `script` with /usr/bin/python3 on `arg`; returns its stdout, or nullopt without h5py.
std::optional<std::string> RunPython(const testing::TempDir& tmp, const char* script,
                                     const std::string& arg) {
  if (std::system("/usr/bin/python3 -c 'import h5py' >/dev/null 2>&1") != 0) return std::nullopt;
  const std::string path = tmp.Write("script.py", script);
  FILE* pipe = popen(("/usr/bin/python3 " + path + " '" + arg + "' 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  INFO(out);
  REQUIRE(pclose(pipe) == 0);
  return out;
}

TEST_CASE("a Minari-layout dataset written by h5py is read", "[smoke][minari]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.Path() / "h5py_demos").string();
  if (!RunPython(tmp, kWriter, dir)) {
    WARN("skipped: /usr/bin/python3 has no h5py (scripts/install-deps.sh installs python3-h5py)");
    return;
  }
  const DemoDataset d = LoadDemos(dir, MakeEnv("Hopper-v4")->Spec());
  CHECK(d.dataset_id == "test/hopper/h5py-v0");
  REQUIRE(d.episodes.size() == 2);
  for (int i = 0; i < 2; ++i) {
    const DemoEpisode& e = d.episodes[i];
    const int steps = i == 0 ? 4 : 6;
    REQUIRE(e.Steps() == steps);
    REQUIRE(e.obs.cols() == steps + 1);
    CHECK(e.id == i);
    for (int t = 0; t <= steps; ++t) {
      for (int j = 0; j < 11; ++j) CHECK(e.obs(j, t) == 0.5 * t + 0.01 * j + i);
    }
    for (int t = 0; t < steps; ++t) {
      for (int j = 0; j < 3; ++j) CHECK(e.actions(j, t) == static_cast<float>(0.1 * t - 0.2 * j));
      CHECK(e.rewards[t] == t + 1.0);
    }
    CHECK(e.Terminated() == (i == 0));
    CHECK(e.truncations.back() == (i == 1 ? 1 : 0));
  }
  CHECK(d.episodes[0].seed == uint64_t{18446744073709551611u});
  CHECK(d.episodes[1].seed == 7u);
  // the same dataset for another env is refused, naming both
  const std::string e = [&] {
    try {
      LoadDemos(dir, MakeEnv("Walker2d-v4")->Spec());
    } catch (const UserError& err) {
      return std::string(err.what());
    }
    return std::string();
  }();
  CHECK_THAT(e, Catch::Matchers::Contains("a dataset of Hopper-v4, not of Walker2d-v4"));
}

TEST_CASE("a written dataset reads in Python as Minari reads it", "[smoke][minari]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.Path() / "demos").string();
  const EnvSpec spec = MakeEnv("Hopper-v4")->Spec();
  DemoEpisode ep;
  ep.obs = Mat::Constant(11, 3, 0.25);
  ep.actions = Mat::Constant(3, 2, -0.5);
  ep.rewards = Vec::Constant(2, 1.0);
  ep.terminations = {0, 1};
  ep.truncations = {0, 0};
  ep.seed = 42;
  WriteDemoDataset(dir, spec, {ep}, {"rewardlab/Hopper-v4/demos-v0", "rewardlab test", {}});
  const std::optional<std::string> out = RunPython(tmp, kReader, dir);
  if (!out) {
    WARN("skipped: /usr/bin/python3 has no h5py (scripts/install-deps.sh installs python3-h5py)");
    return;
  }
  const auto j = nlohmann::json::parse(*out);
  for (const char* key : {"total_episodes", "total_steps", "data_format", "observation_space",
                          "action_space", "env_spec", "dataset_id", "minari_version"}) {
    CHECK(std::count(j["keys"].begin(), j["keys"].end(), key) == 1);
  }
  CHECK(j["obs_low_is_minus_inf"] == true);
  CHECK(j["env_id"] == "Hopper-v4");
  CHECK(j["max_episode_steps"] == 1000);
  CHECK(j["flag_dtype"] == "bool");
  CHECK(j["terminations"] == nlohmann::json({false, true}));
  CHECK(j["obs_shape"] == nlohmann::json({3, 11}));
  CHECK(j["obs_maxshape"] == nlohmann::json({-1, 11}));
  CHECK(j["id"] == 0);
  CHECK(j["seed"] == 42);
  CHECK(j["total_steps"] == 2);
  CHECK(j["infos_is_group"] == true);
}

}  // namespace
}  // namespace rl
