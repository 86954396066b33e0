// The writer of Minari dataset folders, and GAIL's subsampling. The layout follows Minari's
// HDF5Storage.update_episodes and MinariStorage.new (docs/demos.md lists the lines).
#include "envs/demo_dataset.h"

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/error.h"
#include "core/h5.h"
#include "envs/demo_format.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

// The Minari version whose dataset layout this is (`data_format` appeared in 0.5.0).
constexpr char kMinariVersion[] = "0.5.0";

// Flushes a file or folder to disk; throws UserError naming it.
void Fsync(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  const bool ok = fd >= 0 && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok) throw UserError(path.string() + ": cannot flush to disk");
}

// A 1-D dataset of h5py's bool type (an int8 enum FALSE = 0, TRUE = 1), chunked and growable
// like the datasets Minari creates.
void WriteBools(const h5::Group& g, const std::string& name, const std::vector<uint8_t>& v) {
  h5::Handle type(H5Tenum_create(H5T_NATIVE_INT8), H5Tclose);
  const int8_t no = 0, yes = 1;
  H5Tenum_insert(type.Id(), "FALSE", &no);
  H5Tenum_insert(type.Id(), "TRUE", &yes);
  const hsize_t dims[1] = {v.size()}, max_dims[1] = {H5S_UNLIMITED};
  const hsize_t chunk[1] = {std::max<hsize_t>(1, v.size())};
  h5::Handle space(H5Screate_simple(1, dims, max_dims), H5Sclose);
  h5::Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.Id(), 1, chunk);
  h5::Handle ds(
      H5Dcreate2(g.Id(), name.c_str(), type.Id(), space.Id(), H5P_DEFAULT, dcpl.Id(), H5P_DEFAULT),
      H5Dclose);
  const std::vector<int8_t> data(v.begin(), v.end());
  if (!ds.Valid() || H5Dwrite(ds.Id(), type.Id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0) {
    throw UserError(g.FilePath() + ": cannot write " + g.Name() + "/" + name);
  }
}

// Rows of a (dim x rows) matrix as a growable dataset: 2-D (rows x dim) for a Box, 1-D int64
// indices for a Discrete space (Minari's shapes).
void WriteRows(const h5::Group& g, const std::string& name, const Mat& m, const Space& space) {
  if (space.IsDiscrete()) {
    std::vector<int64_t> idx(m.cols());
    for (Eigen::Index t = 0; t < m.cols(); ++t) idx[t] = std::llround(m(0, t));
    g.CreateAppendable<int64_t>(name).AppendRows(idx);
    return;
  }
  // column-major (dim x rows) is row-major (rows x dim)
  g.CreateAppendable<double>(name, m.rows())
      .AppendRows(std::span<const double>(m.data(), static_cast<size_t>(m.size())));
}

// Refuses an episode the writer would store inconsistently.
void CheckEpisode(const DemoEpisode& e, size_t k, const EnvSpec& spec) {
  const int t = e.Steps();
  const bool ok = t >= 1 && e.obs.cols() == t + 1 && e.actions.cols() == t &&
                  e.obs.rows() == spec.observation.Dim() && e.actions.rows() == spec.action.Dim() &&
                  static_cast<int>(e.terminations.size()) == t &&
                  static_cast<int>(e.truncations.size()) == t;
  if (!ok) throw UserError("demos: episode " + std::to_string(k) + " has inconsistent sizes");
}

void WriteEpisode(const h5::Group& root, const DemoEpisode& e, size_t k, const EnvSpec& spec) {
  const h5::Group g = root.CreateGroup("episode_" + std::to_string(k));
  g.WriteIntAttr("id", static_cast<int64_t>(k));
  if (e.seed) {
    // a seed past int64 is stored as uint64, as h5py stores such a Python int
    if (*e.seed <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      g.WriteIntAttr("seed", static_cast<int64_t>(*e.seed));
    } else {
      h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
      h5::Handle attr(
          H5Acreate2(g.Id(), "seed", H5T_STD_U64LE, space.Id(), H5P_DEFAULT, H5P_DEFAULT),
          H5Aclose);
      if (!attr.Valid() || H5Awrite(attr.Id(), H5T_NATIVE_UINT64, &*e.seed) < 0) {
        throw UserError(g.FilePath() + ": cannot write " + g.Name() + " seed");
      }
    }
  }
  g.WriteIntAttr("total_steps", e.Steps());
  // Minari's EpisodeMetadataCallback statistics (population std, as numpy's)
  const double mean = e.rewards.mean();
  g.WriteDoubleAttr("rewards_sum", e.rewards.sum());
  g.WriteDoubleAttr("rewards_mean", mean);
  g.WriteDoubleAttr("rewards_std", std::sqrt((e.rewards.array() - mean).square().mean()));
  g.WriteDoubleAttr("rewards_max", e.rewards.maxCoeff());
  g.WriteDoubleAttr("rewards_min", e.rewards.minCoeff());
  WriteRows(g, "observations", e.obs, spec.observation);
  WriteRows(g, "actions", e.actions, spec.action);
  g.CreateAppendable<double>("rewards").AppendRows(
      std::span<const double>(e.rewards.data(), static_cast<size_t>(e.rewards.size())));
  WriteBools(g, "terminations", e.terminations);
  WriteBools(g, "truncations", e.truncations);
  // what Minari's collector writes when it does not record infos: an empty group
  g.CreateGroup("infos");
}

// metadata.json's text: Minari's keys in the order Minari writes them, then ours.
std::string Metadata(const EnvSpec& spec, const std::vector<DemoEpisode>& episodes,
                     const DemoDatasetInfo& info, double megabytes) {
  int64_t steps = 0;
  for (const DemoEpisode& e : episodes) steps += e.Steps();
  ordered_json m;
  m["total_episodes"] = episodes.size();
  m["total_steps"] = steps;
  m["data_format"] = "hdf5";
  m["observation_space"] = PythonJsonText(MinariSpace(spec.observation));
  m["action_space"] = PythonJsonText(MinariSpace(spec.action));
  m["env_spec"] = PythonJsonText(GymnasiumEnvSpec(spec));
  m["dataset_id"] = info.dataset_id;
  m["algorithm_name"] = info.algorithm_name;
  m["minari_version"] = kMinariVersion;
  m["dataset_size"] = std::round(megabytes * 10.0) / 10.0;
  m["rewardlab"] = info.extras;
  return PythonJsonText(m);
}

}  // namespace

void WriteDemoDataset(const std::string& dir, const EnvSpec& spec,
                      const std::vector<DemoEpisode>& episodes, const DemoDatasetInfo& info) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec))) {
    throw UserError(dir + ": exists and is not an empty folder; choose a new dataset folder");
  }
  if (episodes.empty()) throw UserError(dir + ": no episodes to write");
  for (size_t k = 0; k < episodes.size(); ++k) CheckEpisode(episodes[k], k, spec);

  // everything goes into a hidden sibling first; the rename makes the dataset appear whole
  const fs::path target = fs::absolute(fs::path(dir)).lexically_normal();
  const fs::path parent = target.parent_path();
  std::string tmp_name = target.filename().string();
  tmp_name.insert(0, 1, '.').append(".tmp-").append(std::to_string(::getpid()));
  const fs::path tmp = parent / tmp_name;
  try {
    fs::create_directories(parent);
    fs::remove_all(tmp);
    fs::create_directories(tmp / "data");
    const fs::path h5_path = tmp / "data" / "main_data.hdf5";
    {
      h5::File f = h5::File::Create(h5_path.string());
      for (size_t k = 0; k < episodes.size(); ++k) WriteEpisode(f, episodes[k], k, spec);
      f.Close();
    }
    Fsync(h5_path);
    const fs::path meta_path = tmp / "data" / "metadata.json";
    {
      std::ofstream out(meta_path);
      out << Metadata(spec, episodes, info, fs::file_size(h5_path) / 1e6);
      out.close();
      if (!out) throw UserError(meta_path.string() + ": cannot write");
    }
    Fsync(meta_path);
    Fsync(tmp / "data");
    Fsync(tmp);
    fs::rename(tmp, target);  // replaces an empty folder of that name
    Fsync(parent);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    throw UserError(dir + ": cannot write the dataset (" + e.code().message() + ")");
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

std::vector<int> SubsampleTransitions(const DemoEpisode& episode, int stride, Rng& rng) {
  if (stride < 1) throw UserError("stride must be at least 1, got " + std::to_string(stride));
  std::vector<int> kept;
  const int offset = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(stride)));
  for (int t = offset; t < episode.Steps(); t += stride) kept.push_back(t);
  return kept;
}

}  // namespace rl
