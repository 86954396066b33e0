// The reader of Minari dataset folders (LoadDemos): metadata.json against the env, then every
// episode group of data/main_data.hdf5 with its row counts, values and flags checked.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/h5.h"
#include "envs/demo_dataset.h"
#include "envs/demo_format.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Builds the one-line errors of one dataset: "<dir>: <what>".
struct Refuse {
  std::string dir;
  UserError operator()(const std::string& what) const { return UserError(dir + ": " + what); }
};

// A metadata entry that Minari stores as a JSON string (spaces, env_spec); an object is taken too.
json Nested(const json& m, const char* key, const Refuse& refuse) {
  const json& v = m.at(key);
  if (!v.is_string()) return v;
  try {
    return ParsePythonJson(v.get<std::string>());
  } catch (const json::exception& e) {
    throw refuse(std::string("metadata.json's ") + key + " is not valid JSON (" + e.what() + ")");
  }
}

// Checks metadata.json against the env and returns it.
json ReadMetadata(const fs::path& path, const EnvSpec& spec, const Refuse& refuse) {
  json m;
  try {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    m = ParsePythonJson(text.str());
  } catch (const json::exception& e) {
    throw refuse("data/metadata.json is not valid JSON (" + std::string(e.what()) + ")");
  }
  if (!m.is_object()) throw refuse("data/metadata.json is not a JSON object");
  const json format = m.value("data_format", json("hdf5"));
  if (format != "hdf5") {
    throw refuse("data_format is " + format.dump() +
                 "; rewardlab reads Minari's 'hdf5' format only (copy the dataset to it with "
                 "Minari: minari.create_dataset_from_buffers(..., data_format='hdf5'))");
  }
  const std::string fix = "; use demonstrations recorded in " + spec.id;
  const bool has_env_spec = m.contains("env_spec") && !m["env_spec"].is_null();
  if (has_env_spec) {
    const json env_spec = Nested(m, "env_spec", refuse);
    const std::string id = env_spec.is_object() ? env_spec.value("id", "") : "";
    if (id != spec.id) throw refuse("a dataset of " + id + ", not of " + spec.id + fix);
  }
  const bool spaces = m.contains("observation_space") && m.contains("action_space");
  if (!spaces && !has_env_spec) {
    throw refuse(
        "metadata.json has neither observation_space and action_space nor env_spec; write them as "
        "Minari does (docs/demos.md)");
  }
  for (const auto& [key, space] : {std::pair{"observation_space", &spec.observation},
                                   std::pair{"action_space", &spec.action}}) {
    if (!m.contains(key)) continue;
    const std::string why = CompareSpace(Nested(m, key, refuse), *space, key, spec.id);
    if (!why.empty()) throw refuse(why + fix);
  }
  if (!m.contains("total_episodes") || !m["total_episodes"].is_number_integer()) {
    throw refuse(
        "metadata.json has no integer total_episodes (Minari reads episode_0 .. "
        "episode_{total_episodes-1})");
  }
  return m;
}

// An integer `seed` attribute (h5py stores seeds past int64 as uint64).
std::optional<uint64_t> ReadSeed(const h5::Group& g, const Refuse& refuse) {
  if (!g.HasAttr("seed")) return std::nullopt;
  h5::Handle attr(H5Aopen(g.Id(), "seed", H5P_DEFAULT), H5Aclose);
  h5::Handle type(H5Aget_type(attr.Id()), H5Tclose);
  if (H5Tget_class(type.Id()) != H5T_INTEGER) {
    throw refuse(g.Name().substr(1) + "'s seed attribute is not an integer");
  }
  if (H5Tget_sign(type.Id()) == H5T_SGN_NONE) {
    uint64_t seed = 0;
    if (H5Aread(attr.Id(), H5T_NATIVE_UINT64, &seed) < 0) throw refuse("cannot read a seed");
    return seed;
  }
  int64_t seed = 0;
  if (H5Aread(attr.Id(), H5T_NATIVE_INT64, &seed) < 0) throw refuse("cannot read a seed");
  if (seed < 0) throw refuse(g.Name().substr(1) + "'s seed is negative");
  return static_cast<uint64_t>(seed);
}

// A flag dataset: h5py's bool (an integer enum), an integer or a float type, values 0 or 1.
std::vector<uint8_t> ReadFlags(const h5::Group& g, const std::string& key, const Refuse& refuse) {
  const std::string where = g.Name().substr(1) + "/" + key;
  h5::Handle ds(H5Dopen2(g.Id(), key.c_str(), H5P_DEFAULT), H5Dclose);
  h5::Handle type(H5Dget_type(ds.Id()), H5Tclose);
  std::vector<double> v;
  if (H5Tget_class(type.Id()) == H5T_ENUM) {
    // read the enum's raw integers, then convert them from its base type
    h5::Handle mem(H5Tget_native_type(type.Id(), H5T_DIR_ASCEND), H5Tclose);
    h5::Handle base(H5Tget_super(mem.Id()), H5Tclose);
    size_t n = 1;
    for (uint64_t d : g.Shape(key)) n *= d;
    std::vector<double> buf(std::max<size_t>(n, 1));
    if (H5Dread(ds.Id(), mem.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0 ||
        H5Tconvert(base.Id(), H5T_NATIVE_DOUBLE, n, buf.data(), nullptr, H5P_DEFAULT) < 0) {
      throw refuse("cannot read " + where + " (an enum that is not h5py's bool)");
    }
    v.assign(buf.begin(), buf.begin() + n);
  } else {
    v = g.Read<double>(key);
  }
  std::vector<uint8_t> flags(v.size());
  for (size_t t = 0; t < v.size(); ++t) {
    if (v[t] != 0.0 && v[t] != 1.0) {
      throw refuse(where + " row " + std::to_string(t) + " is " + std::to_string(v[t]) +
                   "; flags are booleans");
    }
    flags[t] = v[t] != 0.0;
  }
  return flags;
}

// Observations or actions as a (dim x rows) matrix, checked finite (and indices for Discrete).
Mat ReadRows(const h5::Group& g, const std::string& key, const Space& space,
             const std::string& env_id, const Refuse& refuse) {
  const std::string where = g.Name().substr(1) + "/" + key;
  const h5::Dims dims = g.Shape(key);
  const int dim = space.Dim();
  const bool ok =
      (dims.size() == 1 && dim == 1) || (dims.size() == 2 && dims[1] == static_cast<uint64_t>(dim));
  if (!ok) {
    std::string shape;
    for (uint64_t d : dims) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
    throw refuse(where + " has shape (" + shape + ") but " + env_id + "'s have " +
                 std::to_string(dim) + " entries per step");
  }
  const std::vector<double> v = g.Read<double>(key);
  const Mat m = Eigen::Map<const Mat>(v.data(), dim, static_cast<Eigen::Index>(dims[0]));
  for (Eigen::Index t = 0; t < m.cols(); ++t) {
    for (int i = 0; i < dim; ++i) {
      const double x = m(i, t);
      if (!std::isfinite(x)) {
        throw refuse(where + " row " + std::to_string(t) + " column " + std::to_string(i) + " is " +
                     (std::isnan(x) ? "nan" : "inf") +
                     "; demonstrations must be finite (re-record them or drop that episode)");
      }
      if (space.IsDiscrete() && (x != std::floor(x) || x < 0 || x >= space.n)) {
        throw refuse(where + " row " + std::to_string(t) + " is " + std::to_string(x) +
                     ", not an index of Discrete(" + std::to_string(space.n) + ")");
      }
    }
  }
  return m;
}

DemoEpisode ReadEpisode(const h5::File& f, int64_t k, int64_t total, const EnvSpec& spec,
                        const Refuse& refuse) {
  const std::string name = "episode_" + std::to_string(k);
  if (!f.Has(name) || !f.IsGroup(name)) {
    throw refuse("no group " + name + " in data/main_data.hdf5 (total_episodes is " +
                 std::to_string(total) + ")");
  }
  const h5::Group g = f.OpenGroup(name);
  for (const char* key : {"observations", "actions", "rewards", "terminations", "truncations"}) {
    if (!g.Has(key)) throw refuse(name + " has no dataset '" + key + "'");
  }
  DemoEpisode e;
  e.obs = ReadRows(g, "observations", spec.observation, spec.id, refuse);
  e.actions = ReadRows(g, "actions", spec.action, spec.id, refuse);
  const Eigen::Index steps = e.actions.cols();
  if (steps < 1) throw refuse(name + " has no steps");
  if (e.obs.cols() != steps + 1) {
    throw refuse(name + " has " + std::to_string(e.obs.cols()) + " observations for " +
                 std::to_string(steps) +
                 " actions; Minari stores T+1 observations (the reset's, then one per step)");
  }
  const std::vector<double> rewards = g.Read<double>("rewards");
  e.rewards = Eigen::Map<const Vec>(rewards.data(), static_cast<Eigen::Index>(rewards.size()));
  e.terminations = ReadFlags(g, "terminations", refuse);
  e.truncations = ReadFlags(g, "truncations", refuse);
  for (const auto& [key, size] :
       {std::pair{"rewards", rewards.size()}, std::pair{"terminations", e.terminations.size()},
        std::pair{"truncations", e.truncations.size()}}) {
    if (static_cast<Eigen::Index>(size) != steps) {
      throw refuse(name + " has " + std::to_string(size) + " " + key + " for " +
                   std::to_string(steps) + " actions; each step has one");
    }
  }
  for (Eigen::Index t = 0; t < steps; ++t) {
    if (!std::isfinite(e.rewards[t])) {
      throw refuse(name + "/rewards row " + std::to_string(t) +
                   " is not finite; demonstrations must be finite (re-record them)");
    }
    if (t + 1 < steps && (e.terminations[t] || e.truncations[t])) {
      throw refuse(name + " ends at step " + std::to_string(t) + " but goes on to step " +
                   std::to_string(steps - 1) +
                   "; an episode ends at its first terminated or truncated step");
    }
  }
  if (g.HasAttr("total_steps") && g.ReadIntAttr("total_steps") != steps) {
    throw refuse(name + "'s total_steps is " + std::to_string(g.ReadIntAttr("total_steps")) +
                 " but it has " + std::to_string(steps) + " steps");
  }
  e.id = g.HasAttr("id") ? g.ReadIntAttr("id") : k;
  e.seed = ReadSeed(g, refuse);
  return e;
}

}  // namespace

DemoDataset LoadDemos(const std::string& dir, const EnvSpec& spec,
                      const LoadDemosOptions& options) {
  const Refuse refuse{dir};
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw refuse(
        "no such dataset folder; record one with `rewardlab demos RUN_DIR --episodes N "
        "--out " +
        dir + "`");
  }
  // the dataset folder, or its data/ folder as Minari's own reader takes it
  fs::path data = fs::path(dir) / "data";
  if (!fs::exists(data / "metadata.json", ec) && fs::exists(fs::path(dir) / "metadata.json", ec)) {
    data = dir;
  }
  if (!fs::exists(data / "metadata.json", ec)) {
    throw refuse(
        "no data/metadata.json: not a Minari dataset folder, or its recording did not finish; "
        "give the folder that holds data/");
  }
  const json m = ReadMetadata(data / "metadata.json", spec, refuse);
  DemoDataset out;
  out.path = dir;
  if (m.contains("dataset_id") && m["dataset_id"].is_string()) out.dataset_id = m["dataset_id"];
  out.total_episodes = m["total_episodes"].get<int64_t>();
  if (out.total_episodes < 1) {
    throw refuse("empty dataset (total_episodes " + std::to_string(out.total_episodes) +
                 "); record demonstrations with `rewardlab demos RUN_DIR --episodes N`");
  }
  if (options.num_demos < 0 || options.num_demos > out.total_episodes) {
    throw refuse("num_demos is " + std::to_string(options.num_demos) + " but the dataset has " +
                 std::to_string(out.total_episodes) +
                 " episodes; ask for at most that many (0 takes all) or record more");
  }
  const fs::path h5_path = data / "main_data.hdf5";
  if (!fs::exists(h5_path, ec)) {
    throw refuse("no data/main_data.hdf5 beside data/metadata.json; the dataset is incomplete");
  }
  const h5::File f = h5::File::OpenReadOnly(h5_path.string());
  const int64_t n = options.num_demos > 0 ? options.num_demos : out.total_episodes;
  for (int64_t k = 0; k < n; ++k) {
    out.episodes.push_back(ReadEpisode(f, k, out.total_episodes, spec, refuse));
  }
  return out;
}

}  // namespace rl
