// Hostile configs: every field at its type's extremes, YAML bombs, and the configs that used to
// abort with std::bad_alloc. Each is accepted or refused with one UserError naming the key (or
// file:line); nothing else escapes, nothing hangs, nothing allocates past the memory limit.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "agents/registry.h"
#include "core/config_node.h"
#include "envs/registry.h"
#include "experiments/config_limits.h"
#include "experiments/experiment_config.h"
#include "experiments/sweep/manifest.h"
#include "experiments/sweep/plan.h"
#include "rewards/registry.h"
#include "tests/fault/files_fault_support.h"
#include "tests/support/cli.h"
#include "tests/support/errors.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

// The memory limit of every check below, so results do not depend on the machine.
constexpr const char* kLimit = "4G";

// What resolving a config did: "" when accepted, else the UserError's message.
struct Outcome {
  bool user_error = false;
  std::string message;
};

Outcome Resolve(const ConfigNode& root) {
  try {
    ResolveExperimentConfig(root, {});
    return {};
  } catch (const UserError& e) {
    return {true, e.what()};
  }
}

// Sets `value` at dotted `key` under `node`, creating maps on the way.
void SetPath(ConfigNode& node, const std::string& key, ConfigNode value) {
  const size_t dot = key.find('.');
  if (dot == std::string::npos) {
    node.Set(key, std::move(value));
    return;
  }
  const std::string head = key.substr(0, dot);
  if (node.Find(head) == nullptr || !node.Find(head)->IsMap()) {
    ConfigNode map;
    map.kind = ConfigNode::Kind::kMap;
    node.Set(head, std::move(map));
  }
  SetPath(*node.Find(head), key.substr(dot + 1), std::move(value));
}

// The extreme values of every field type, as YAML, plus a list of 100000 ones.
std::vector<ConfigNode> ExtremeValues() {
  std::vector<ConfigNode> values;
  for (const char* text : {"0",
                           "-1",
                           "9223372036854775807",
                           "9223372036854775808",
                           "-9223372036854775809",
                           ".inf",
                           "-.inf",
                           ".nan",
                           "1e308",
                           "-1e308",
                           "1e400",
                           "4.9e-324",
                           "not-a-number",
                           "[1e308]",
                           "[-1]",
                           "[0]",
                           "[.inf]",
                           "[2147483648]",
                           "{a: 1}",
                           "''"}) {
    values.push_back(ParseYaml(std::string("v: ") + text, "fuzz.yaml").map[0].second);
  }
  ConfigNode huge;
  huge.kind = ConfigNode::Kind::kSeq;
  huge.loc = {"fuzz.yaml", 1};
  huge.seq.assign(100000, ConfigNode::Scalar("1", {"fuzz.yaml", 1}));
  values.push_back(std::move(huge));
  return values;
}

// One section under test: a valid base config and the fields to vary (dotted keys from the same
// Fields() lists `config describe` prints).
struct Target {
  std::string base;            // YAML of a valid experiment
  std::vector<FieldDoc> rows;  // the fields
  std::string reward_type;     // when set, fields live in reward[0] of this type
};

std::vector<Target> Targets() {
  std::vector<Target> targets;
  const std::string cartpole = "env: {id: CartPole-v1}\nagent: {type: ppo}\n";
  const std::string pendulum = "env: {id: Pendulum-v1}\nagent: {type: sac}\n";
  const std::string hopper = "env: {id: Hopper-v4}\nagent: {type: sac}\n";
  const ExperimentConfig defaults;
  targets.push_back({cartpole, Describe(defaults), ""});
  targets.push_back({cartpole, FindAgent("ppo").describe(), ""});
  targets.push_back({pendulum, FindAgent("sac").describe(), ""});
  targets.push_back({cartpole, FindEnv("CartPole-v1").describe(), ""});
  targets.push_back({pendulum, FindEnv("Pendulum-v1").describe(), ""});
  targets.push_back({hopper, FindEnv("Hopper-v4").describe(), ""});
  // a module SAC cannot serve (barfi needs a policy-gradient oracle) runs with PPO
  const std::string pendulum_ppo = "env: {id: Pendulum-v1}\nagent: {type: ppo}\n";
  for (const RewardEntry& r : RewardRegistry()) {
    ConfigNode root = ParseYaml(pendulum, "base.yaml");
    root.Set("reward", ParseYaml("[{type: " + r.type + "}]", "fuzz.yaml"));
    const bool sac = Resolve(root).message.find("key 'agent.type'") == std::string::npos;
    targets.push_back({sac ? pendulum : pendulum_ppo, r.describe(), r.type});
  }
  return targets;
}

TEST_CASE("every config field at its type's extremes is accepted or named in one UserError",
          "[fault][config]") {
  setenv("REWARDLAB_MEMORY_LIMIT", kLimit, 1);
  const std::vector<ConfigNode> values = ExtremeValues();
  int accepted = 0, refused = 0;
  for (const Target& target : Targets()) {
    const ConfigNode base = ParseYaml(target.base, "base.yaml");
    REQUIRE(Resolve(base).message.empty());
    for (const FieldDoc& row : target.rows) {
      if (row.key == "env.id" || row.key == "agent.type" || row.type == "map") continue;
      if (row.key.ends_with(".type") && !target.reward_type.empty()) continue;
      std::string key = row.key;
      if (const size_t i = key.find("[i]"); i != std::string::npos) key.replace(i, 3, "[0]");
      for (const ConfigNode& value : values) {
        ConfigNode root = base;
        if (target.reward_type.empty()) {
          SetPath(root, key, value);
        } else {
          // pbrs and progress_bonus default to a gridworld potential; Pendulum takes a linear one
          const std::string potential = target.reward_type == "pbrs" ? "\npotential: {type: linear, weights: [1, 0, 0]}"
                                        : target.reward_type == "progress_bonus"
                                            ? "\nprogress: {type: linear, weights: [1, 0, 0]}"
                                            : "";
          ConfigNode item = ParseYaml("type: " + target.reward_type + potential, "fuzz.yaml");
          SetPath(item, key.substr(std::string("reward[0].").size()), value);
          ConfigNode list;
          list.kind = ConfigNode::Kind::kSeq;
          list.seq.push_back(std::move(item));
          root.Set("reward", std::move(list));
        }
        const std::string shown =
            value.IsSeq() && value.seq.size() > 1 ? "[1 x 100000]" : value.ToYaml();
        INFO(key << " = " << shown);
        Outcome outcome;
        try {
          outcome = Resolve(root);
        } catch (const std::exception& e) {
          FAIL("not a UserError: " << e.what());
        }
        if (outcome.user_error) {
          ++refused;
          INFO(outcome.message);
          // cross-field checks name the env section and the field, or a sibling key of the
          // same reward entry (potential weights vs indices)
          const std::string field = key.substr(key.rfind('.') + 1);
          const std::string entry = key.substr(0, key.find('.') + 1);
          CHECK_THAT(outcome.message,
                     Contains(key) ||
                         (Contains("key 'env.options'") && Contains(": " + field + " ")) ||
                         (Contains("key '" + entry) && Contains("reward[")));
          CHECK(outcome.message.find('\n') == std::string::npos);
        } else {
          ++accepted;
        }
      }
    }
  }
  // both outcomes occur: the sweep is not vacuous
  CHECK(accepted > 50);
  CHECK(refused > 500);
  unsetenv("REWARDLAB_MEMORY_LIMIT");
}

using testing::ErrorOf;

// This process's CPU seconds since `start` (std::clock()): the work done, which other processes
// on a loaded machine do not inflate as they do the wall clock.
double CpuSecondsSince(std::clock_t start) {
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

// Runs `f`, which must throw a UserError, within `seconds` of CPU time; returns its message.
std::string FastError(const std::function<void()>& f, double seconds = 5) {
  const std::clock_t start = std::clock();
  const std::string message = ErrorOf(f);
  CHECK(CpuSecondsSince(start) < seconds);
  CHECK(message.find('\n') == std::string::npos);
  return message;
}

TEST_CASE("YAML bombs and odd files fail fast with one line naming the place", "[fault][config]") {
  testing::TempDir tmp;
  auto load = [](const std::string& path) { return [path] { LoadConfigFile(path); }; };

  // a billion laughs: yaml-cpp shares the aliases, the conversion would expand 10^9 nodes
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    bomb += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) bomb += std::string(i ? ", *" : "*") + static_cast<char>(c - 1);
    bomb += "]\n";
  }
  CHECK_THAT(FastError(load(tmp.Write("bomb.yaml", bomb))),
             Contains("bomb.yaml:") && Contains("alias expansion"));

  // long strings aliased: few nodes, much text
  std::string text_bomb = "a: &a " + std::string(1 << 20, 'x') + "\nb: [";
  for (int i = 0; i < 100; ++i) text_bomb += std::string(i ? ", *a" : "*a");
  CHECK_THAT(FastError(load(tmp.Write("text_bomb.yaml", text_bomb + "]\n"))),
             Contains("text_bomb.yaml:") && Contains("alias expansion"));

  // nesting: block maps past the limit, and flow lists deep enough for yaml-cpp's own guard
  std::string deep;
  for (int i = 0; i < 70; ++i) deep += std::string(2 * i, ' ') + "k" + std::to_string(i) + ":\n";
  CHECK_THAT(FastError(load(tmp.Write("deep.yaml", deep + std::string(140, ' ') + "x\n"))),
             Contains("deep.yaml:66") && Contains("nesting deeper than 64"));
  for (int depth : {100, 1000, 5000}) {
    const std::string flow = "a: " + std::string(depth, '[') + std::string(depth, ']') + "\n";
    CHECK_THAT(FastError(load(tmp.Write("flow.yaml", flow))),
               Contains("flow.yaml:1") && Contains("nesting deeper than 64"));
  }

  // special files and folders, directly and through extends
  CHECK_THAT(FastError(load("/dev/zero")), Contains("/dev/zero") && Contains("not a regular file"));
  const std::string zero = tmp.Write("zero.yaml", "name: x\nextends: /dev/zero\n");
  CHECK_THAT(FastError(load(zero)), Contains("zero.yaml:2") && Contains("not a regular file"));
  fs::create_directories(tmp.Path() / "folder");
  const std::string dir = tmp.Write("dir.yaml", "extends: folder\n");
  CHECK_THAT(FastError(load(dir)), Contains("dir.yaml:1") && Contains("is a folder"));
  CHECK_THAT(FastError(load(tmp.Path().string())), Contains("is a folder"));

  // a file past the size limit is refused before it is read
  const fs::path big = tmp.Path() / "big.yaml";
  fs::resize_file(tmp.Write("big.yaml", "name: x\n"), kMaxConfigBytes + 1);
  CHECK_THAT(FastError(load(big.string())), Contains("big.yaml") && Contains("16 MiB"));

  // documents, quotes, emptiness
  CHECK_THAT(FastError(load(tmp.Write("two.yaml", "name: a\n---\nname: b\n"))),
             Contains("two.yaml:2") && Contains("second YAML document"));
  CHECK_THAT(FastError(load(tmp.Write("three.yaml", "---\nname: a\n# c\n---\nname: b\n"))),
             Contains("three.yaml:4") && Contains("second YAML document"));
  CHECK_THAT(FastError(load(tmp.Write("quote.yaml", "name: x\ntotal_steps: 10\nenv: \"abc\n"))),
             Contains("quote.yaml:") && Contains("invalid YAML"));
  CHECK_THAT(FastError(load(tmp.Write("quote1.yaml", "name: 'abc\n"))),
             Contains("quote1.yaml:") && Contains("invalid YAML"));
  CHECK_THAT(FastError(load(tmp.Write("empty.yaml", ""))),
             Contains("empty.yaml: empty config") && Contains("experiments/configs/"));
  CHECK_THAT(FastError(load(tmp.Write("comments.yaml", "# only\n\n  # comments\n"))),
             Contains("comments.yaml: empty config"));
  const std::string parent = tmp.Write("parent.yaml", "");
  CHECK_THAT(FastError(load(tmp.Write("child.yaml", "extends: parent.yaml\n"))),
             Contains("parent.yaml: empty config"));
  // an explicit empty map still means "all defaults"
  CHECK(LoadConfigFile(tmp.Write("defaults.yaml", "{}\n")).IsMap());
}

TEST_CASE("documents that yaml-cpp would loop on are refused in bounded time", "[fault][config]") {
  testing::TempDir tmp;
  // found by fuzz/config_fuzz: yaml-cpp 0.7 loops, allocating, on a ',' at document level
  const std::vector<std::pair<std::string, std::string>> cases = {
      {",a", ":1:"},     {"--- ,a\n", ":1:"},         {"&x ,a\n", ":1:"},
      {"'a' ,b", ":1:"}, {"[1]\n,b\n", ":"},          {"{a: 1}, b", ":1:"},
      {"[a],", ":1:"},   {"name: a\n---\n,b\n", ":"}, {"...\n,a\n", ":"}};
  for (const auto& [text, line] : cases) {
    INFO(text);
    const std::string path = (tmp.Path() / "comma.yaml").string();
    std::ofstream(path, std::ios::binary).write(text.data(), static_cast<long>(text.size()));
    const testing::TimedResult t = testing::RunBounded("config show " + path, 10);
    testing::ExpectOneLineError(t.r, "comma.yaml" + line);
    CHECK(t.seconds < 5);
  }
  const testing::TimedResult t = testing::RunBounded("config show --set name=,a", 10);
  testing::ExpectOneLineError(t.r, "--set");
  // the same ',' inside a map is an ordinary parse error, and a scalar may hold one
  CHECK_NOTHROW(ParseYaml("name: \"a,b\"\n", "ok.yaml"));
  CHECK_NOTHROW(ParseYaml("name: a,b\n", "ok.yaml"));
}

TEST_CASE("200k keys parse in linear time", "[fault][config]") {
  testing::TempDir tmp;
  std::string text;
  for (int i = 0; i < 200000; ++i) {
    const std::string n = std::to_string(i);
    text.append("k").append(n).append(": ").append(n).append("\n");
  }
  const std::string path = tmp.Write("keys.yaml", text + "extends: keys_parent.yaml\n");
  tmp.Write("keys_parent.yaml", "k1: 0\nk199999: 0\nparent_only: 1\n");
  // the quadratic duplicate check and merge took minutes here; linear ones take seconds
  const std::clock_t start = std::clock();
  const ConfigNode node = LoadConfigFile(path);
  CHECK(CpuSecondsSince(start) < 10);
  CHECK(node.map.size() == 200001);
  CHECK(node.Find("k199999")->scalar == "199999");
  CHECK_THAT(
      ErrorOf([&] { ParseYaml(text.substr(0, text.find("k20000:")) + "k7: 1\n", "d.yaml"); }),
      Contains("d.yaml:20001: duplicate key 'k7'"));
}

// A config that used to abort with std::bad_alloc, and what its message names.
struct Huge {
  std::string yaml;
  std::string key;
};

TEST_CASE("sizes past memory or hard caps are refused before anything is allocated",
          "[fault][config]") {
  setenv("REWARDLAB_MEMORY_LIMIT", "24G", 1);
  const std::string hopper_sac = "env: {id: Hopper-v4}\nagent:\n  type: sac\n";
  const std::vector<Huge> cases = {
      {hopper_sac + "  buffer_size: 2147483648\n", "agent.buffer_size"},
      {hopper_sac + "  batch_size: 2e9\n", "agent.batch_size"},
      {hopper_sac + "  net: {hidden: [65536, 65536]}\n", "agent.net.hidden"},
      {"env: {id: CartPole-v1}\nagent:\n  type: ppo\n  num_steps: 2e9\n", "agent.num_steps"},
      {"agent:\n  type: ppo\n  net: {hidden: [65536, 65536]}\n", "agent.net.hidden"},
      {"env: {id: Hopper-v4, num_envs: 65536}\nagent:\n  type: ppo\n  num_steps: 2048\n",
       "agent.num_steps"},
      {"env: {id: Hopper-v4}\nagent:\n  type: reinforce\n  max_stored_steps: 2147483648\n",
       "agent.max_stored_steps"},
      {"env: {id: Hopper-v4}\nagent:\n  type: reinforce\n  episodes_per_update: 1048576\n",
       "agent.episodes_per_update"},
      {"agent:\n  type: reinforce\n  net: {hidden: [65536, 65536]}\n", "agent.net.hidden"},
      {"eval: {num_envs: 2e9}\n", "eval.num_envs"},
      {"reward: [{type: env}, {type: rnd, hidden: [65536, 65536]}]\n", "reward[1].hidden"},
      {"reward: [{type: rnd, window: 16777216, hidden: [65536]}]\n", "reward[0].hidden"},
  };
  for (const Huge& c : cases) {
    INFO(c.yaml);
    const std::string message =
        FastError([&] { ResolveExperimentConfig(ParseYaml(c.yaml, "huge.yaml"), {}); }, 10);
    CHECK_THAT(message, Contains("huge.yaml:") && Contains("'" + c.key + "'"));
  }
  const std::string buffer =
      ErrorOf([&] { ResolveExperimentConfig(ParseYaml(cases[0].yaml, "huge.yaml"), {}); });
  CHECK_THAT(buffer, Contains("huge.yaml:4: key 'agent.buffer_size': 2147483648 transitions of "
                              "Hopper-v4 need ") &&
                         Contains("REWARDLAB_MEMORY_LIMIT allows 24 GiB"));
  unsetenv("REWARDLAB_MEMORY_LIMIT");
}

TEST_CASE("the CLI turns configs past memory into one line, exit 2 and no run folder",
          "[fault][config][smoke]") {
  testing::TempDir tmp;
  const std::vector<std::pair<std::string, std::string>> configs = {
      {"env: {id: Hopper-v4}\nagent: {type: sac, buffer_size: 2147483648}\n", "buffer_size"},
      {"env: {id: Hopper-v4}\nagent: {type: sac, batch_size: 2e9}\n", "batch_size"},
      {"agent: {type: ppo, net: {hidden: [65536, 65536]}}\n", "net.hidden"},
      {"agent: {type: ppo, num_steps: 2e9}\n", "num_steps"},
      {"env: {id: Hopper-v4, num_envs: 65536}\nagent: {type: ppo, num_steps: 2048}\n", "num_steps"},
      {"eval: {num_envs: 2e9}\n", "eval.num_envs"},
  };
  for (size_t i = 0; i < configs.size(); ++i) {
    const std::string path = tmp.Write("c" + std::to_string(i) + ".yaml", configs[i].first);
    const fs::path out = tmp.Path() / ("run" + std::to_string(i));
    const testing::CliResult r =
        testing::RunCli("train " + path + " --out " + out.string(), "REWARDLAB_MEMORY_LIMIT=24G ");
    INFO(r.out);
    CHECK(r.code == 2);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    CHECK_THAT(r.out, Contains("rewardlab: error: ") && Contains(configs[i].second));
    CHECK_FALSE(fs::exists(out));
  }
#if !defined(__SANITIZE_ADDRESS__)
  // within the machine's memory but past the process's limit: std::bad_alloc, still one line
  const std::string mid =
      tmp.Write("mid.yaml", "env: {id: Hopper-v4}\nagent: {type: sac, buffer_size: 20000000}\n");
  const testing::CliResult oom = testing::RunCli(
      "train " + mid + " --out " + (tmp.Path() / "mid").string(), "ulimit -v 1500000; ");
  INFO(oom.out);
  CHECK(oom.code == 2);
  CHECK(std::count(oom.out.begin(), oom.out.end(), '\n') == 1);
  CHECK_THAT(oom.out, Contains("rewardlab: error: out of memory while running `rewardlab train`"));
  CHECK_FALSE(fs::exists(tmp.Path() / "mid"));
#endif
  const testing::CliResult seeds =
      testing::RunCli("sweep " + tmp.Write("s.yaml", "name: s\n") +
                      " --seeds 0:9223372036854775807 --out " + (tmp.Path() / "sw").string());
  INFO(seeds.out);
  CHECK(seeds.code == 2);
  CHECK_THAT(seeds.out, Contains("at most 100000 runs"));
  CHECK_FALSE(fs::exists(tmp.Path() / "sw"));
  const testing::CliResult jobs = testing::RunCli("sweep " + tmp.Path().string() +
                                                  "/s.yaml --seeds 0:2 --jobs 0 --dry-run --out " +
                                                  (tmp.Path() / "sw").string());
  INFO(jobs.out);
  CHECK(jobs.code == 2);
  CHECK_THAT(jobs.out, Contains("--jobs 0: must be >= 1"));
  CHECK_FALSE(fs::exists(tmp.Path() / "sw"));
}

TEST_CASE("a sweep manifest cannot point outside its folder or name an unknown backend",
          "[fault][config]") {
  testing::TempDir tmp;
  const std::string dir = (tmp.Path() / "sweep").string();
  fs::create_directories(dir);
  SweepManifest m;
  m.name = "s";
  m.runs = ExpandRuns({}, {0, 1});
  SaveManifest(dir, m);
  REQUIRE(LoadManifest(dir).runs.size() == 2);
  auto edited = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json doc;
    std::ifstream(ManifestPath(dir)) >> doc;
    edit(doc);
    const std::string copy = (tmp.Path() / "edited").string();
    fs::create_directories(copy);
    std::ofstream(ManifestPath(copy)) << doc.dump();
    return ErrorOf([&] { LoadManifest(copy); });
  };
  for (const char* bad : {"../..", "/tmp/elsewhere", "runs/../../x", "..", ".", ""}) {
    INFO(bad);
    CHECK_THAT(edited([&](nlohmann::json& d) { d["runs"][1]["run_dir"] = bad; }),
               Contains("sweep.json: run_dir") && Contains("inside the sweep folder"));
  }
  CHECK(edited([](nlohmann::json& d) { d["runs"][1]["run_dir"] = "runs/a/../b"; }).empty());
  CHECK_THAT(edited([](nlohmann::json& d) { d["backend"] = "cloud"; }),
             Contains("unknown backend 'cloud'"));
  CHECK_THAT(edited([](nlohmann::json& d) { d["jobs"] = 0; }), Contains("jobs 0"));
  CHECK_THAT(ErrorOf([] { ParseSeedRange("0:9223372036854775807"); }),
             Contains("at most 100000 runs"));
  CHECK_THAT(
      ErrorOf([] {
        ExpandRuns({{"a", std::vector<std::string>(1000, "1")}}, std::vector<uint64_t>(1000, 0));
      }),
      Contains("1000000 runs"));
}

}  // namespace
}  // namespace rl
