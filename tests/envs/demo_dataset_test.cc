// Demonstration datasets in Minari's layout: the writer's files and metadata keys, a round trip
// keeping every value and flag, one-line refusals of broken datasets, and GAIL's subsampling.
#include "envs/demo_dataset.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/h5.h"
#include "envs/registry.h"
#include "tests/support/errors.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using testing::ErrorOf;

// A synthetic Pendulum-v1 episode of `steps` steps ending terminated or truncated.
DemoEpisode Episode(int steps, bool terminated, double shift) {
  DemoEpisode e;
  e.obs.resize(3, steps + 1);
  e.actions.resize(1, steps);
  e.rewards.resize(steps);
  for (int t = 0; t <= steps; ++t) e.obs.col(t) << std::cos(t + shift), std::sin(t), 0.1 * t;
  for (int t = 0; t < steps; ++t) {
    e.actions(0, t) = std::sin(0.3 * t + shift);
    e.rewards[t] = -0.01 * t - shift;
  }
  e.terminations.assign(steps, 0);
  e.truncations.assign(steps, 0);
  (terminated ? e.terminations : e.truncations).back() = 1;
  return e;
}

const EnvSpec& Pendulum() {
  static const EnvSpec spec = MakeEnv("Pendulum-v1")->Spec();
  return spec;
}

// Writes three episodes (one terminated) to `dir`.
std::vector<DemoEpisode> WriteThree(const std::string& dir) {
  std::vector<DemoEpisode> episodes = {Episode(5, false, 0.0), Episode(3, true, 1.0),
                                       Episode(7, false, 2.0)};
  episodes[0].seed = 11;
  episodes[1].seed = std::numeric_limits<uint64_t>::max() - 1;  // past int64, as Minari's autoseed
  DemoDatasetInfo info{"rewardlab/Pendulum-v1/test-v0", "rewardlab test", {{"note", "x"}}};
  WriteDemoDataset(dir, Pendulum(), episodes, info);
  return episodes;
}

TEST_CASE("a written demo dataset reads back exactly, flags and seeds kept", "[unit][minari]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.Path() / "demos").string();
  const std::vector<DemoEpisode> want = WriteThree(dir);
  // only the finished folder is there: no temporary beside it
  CHECK(std::distance(fs::directory_iterator(tmp.Path()), fs::directory_iterator{}) == 1);
  const DemoDataset got = LoadDemos(dir, Pendulum());
  CHECK(got.dataset_id == "rewardlab/Pendulum-v1/test-v0");
  CHECK(got.total_episodes == 3);
  REQUIRE(got.episodes.size() == 3);
  for (size_t k = 0; k < 3; ++k) {
    CHECK(got.episodes[k].obs == want[k].obs);
    CHECK(got.episodes[k].actions == want[k].actions);
    CHECK(got.episodes[k].rewards == want[k].rewards);
    CHECK(got.episodes[k].terminations == want[k].terminations);
    CHECK(got.episodes[k].truncations == want[k].truncations);
    CHECK(got.episodes[k].id == static_cast<int64_t>(k));
    CHECK(got.episodes[k].seed == want[k].seed);
  }
  CHECK(got.episodes[1].Terminated());
  CHECK_FALSE(got.episodes[2].Terminated());
  CHECK(LoadDemos(dir, Pendulum(), {.num_demos = 2}).episodes.size() == 2);
}

TEST_CASE("metadata.json has the keys Minari reads, spaces and env_spec as JSON strings",
          "[unit][minari]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.Path() / "demos").string();
  WriteThree(dir);
  const auto m = nlohmann::json::parse(testing::ReadText(fs::path(dir) / "data/metadata.json"));
  CHECK(m["total_episodes"] == 3);
  CHECK(m["total_steps"] == 15);
  CHECK(m["data_format"] == "hdf5");
  CHECK(m["dataset_id"] == "rewardlab/Pendulum-v1/test-v0");
  CHECK(m["minari_version"] == "0.5.0");
  CHECK(m["algorithm_name"] == "rewardlab test");
  CHECK(m["rewardlab"]["note"] == "x");
  const auto obs = nlohmann::json::parse(m["observation_space"].get<std::string>());
  CHECK(obs["type"] == "Box");
  CHECK(obs["dtype"] == "float64");
  CHECK(obs["shape"] == nlohmann::json({3}));
  CHECK(obs["high"] == nlohmann::json({1.0, 1.0, 8.0}));
  const auto act = nlohmann::json::parse(m["action_space"].get<std::string>());
  CHECK(act["low"] == nlohmann::json({-2.0}));
  const auto env = nlohmann::json::parse(m["env_spec"].get<std::string>());
  CHECK(env["id"] == "Pendulum-v1");
  CHECK(env["entry_point"] == "gymnasium.envs.classic_control.pendulum:PendulumEnv");
  CHECK(env["max_episode_steps"] == 200);
  CHECK(env["additional_wrappers"] == nlohmann::json::array());
  // Python's json.dumps separators, which Minari's Gymnasium-compatibility edits rely on
  CHECK_THAT(m["env_spec"].get<std::string>(), Contains("\"order_enforce\": true, "));
  // the HDF5 side: attributes and the empty infos group of every episode
  const h5::File f = h5::File::OpenReadOnly(dir + "/data/main_data.hdf5");
  CHECK(f.OpenGroup("episode_2").ReadIntAttr("total_steps") == 7);
  CHECK(f.OpenGroup("episode_0").ReadIntAttr("seed") == 11);
  CHECK(f.OpenGroup("episode_1").ReadDoubleAttr("rewards_sum") == Approx(-3.03));
  CHECK(f.IsGroup("episode_0/infos"));
  CHECK(f.Shape("episode_2/observations") == h5::Dims{8, 3});
}

// Rewrites one dataset of a written dataset (h5::Group::Write replaces it).
void Replace(const std::string& dir, const std::string& name, const std::vector<double>& v,
             const h5::Dims& dims) {
  h5::File f = h5::File::OpenReadWrite(dir + "/data/main_data.hdf5");
  f.Write<double>(name, v, dims);
  f.Close();
}

TEST_CASE("broken datasets are refused in one line naming the dataset", "[unit][minari]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.Path() / "demos").string();
  WriteThree(dir);
  const auto refusal = [](const std::string& d, const EnvSpec& spec, int num_demos = 0) {
    const std::string e = ErrorOf([&] { LoadDemos(d, spec, {.num_demos = num_demos}); });
    INFO(e);
    CHECK(e.find('\n') == std::string::npos);
    CHECK_THAT(e, Contains(d + ": "));
    return e;
  };
  CHECK_THAT(refusal(dir + "/nothere", Pendulum()), Contains("no such dataset folder"));
  CHECK_THAT(refusal(tmp.Path().string(), Pendulum()), Contains("no data/metadata.json"));
  const std::string other = refusal(dir, MakeEnv("Hopper-v4")->Spec());
  CHECK_THAT(other, Contains("Pendulum-v1") && Contains("Hopper-v4"));
  CHECK_THAT(refusal(dir, Pendulum(), 4), Contains("num_demos is 4 but the dataset has 3"));

  SECTION("non-finite values name the episode and row") {
    std::vector<double> obs(8 * 3, 0.0);
    obs[5 * 3 + 1] = std::numeric_limits<double>::quiet_NaN();
    Replace(dir, "episode_2/observations", obs, {8, 3});
    CHECK_THAT(refusal(dir, Pendulum()), Contains("episode_2/observations row 5 column 1 is nan"));
  }
  SECTION("observations must have one row more than actions") {
    Replace(dir, "episode_1/observations", std::vector<double>(9, 0.0), {3, 3});
    CHECK_THAT(refusal(dir, Pendulum()), Contains("episode_1 has 3 observations for 3 actions"));
  }
  SECTION("an empty dataset") {
    testing::TempDir empty;
    fs::create_directories(empty.Path() / "data");
    empty.Write("data/metadata.json",
                "{\"total_episodes\": 0, \"total_steps\": 0, \"data_format\": \"hdf5\", "
                "\"env_spec\": \"{\\\"id\\\": \\\"Pendulum-v1\\\"}\"}");
    CHECK_THAT(refusal(empty.Path().string(), Pendulum()), Contains("empty dataset"));
  }
  SECTION("a missing HDF5 file") {
    fs::remove(fs::path(dir) / "data/main_data.hdf5");
    CHECK_THAT(refusal(dir, Pendulum()), Contains("no data/main_data.hdf5"));
  }
}

TEST_CASE("the writer refuses a folder that holds something and leaves it alone",
          "[unit][minari]") {
  testing::TempDir tmp;
  tmp.Write("keep.txt", "x");
  const std::string e = ErrorOf([&] { WriteThree(tmp.Path().string()); });
  CHECK_THAT(e, Contains("exists and is not an empty folder"));
  CHECK(std::distance(fs::directory_iterator(tmp.Path()), fs::directory_iterator{}) == 1);
}

TEST_CASE("GAIL subsampling keeps every stride-th step from a random offset", "[unit][minari]") {
  const DemoEpisode e = Episode(200, false, 0.0);
  Rng rng(3);
  std::vector<int> offsets(20, 0);
  for (int draw = 0; draw < 400; ++draw) {
    const std::vector<int> kept = SubsampleTransitions(e, 20, rng);
    REQUIRE(kept.size() == 10);
    for (size_t i = 1; i < kept.size(); ++i) CHECK(kept[i] - kept[i - 1] == 20);
    ++offsets[kept[0]];
  }
  for (int count : offsets) CHECK(count > 5);  // every offset in [0, 20) is drawn
  CHECK(SubsampleTransitions(e, 1, rng).size() == 200);
  CHECK_THAT(ErrorOf([&] { SubsampleTransitions(e, 0, rng); }), Contains("stride"));
}

}  // namespace
}  // namespace rl
