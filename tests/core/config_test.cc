#include "core/config.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "tests/support/errors.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

struct NetConfig {
  std::vector<int> hidden = {64, 64};
  std::string activation = "tanh";
  template <class V>
  void Fields(V& v) {
    v("hidden", hidden, "hidden layer sizes", Check::Min(1));
    v("activation", activation, "nonlinearity", Check::OneOf({"tanh", "relu"}));
  }
};

struct AgentConfig {
  double lr = 3e-4;
  int num_steps = 128;
  bool anneal = true;
  int64_t budget = 1000;
  NetConfig net;
  template <class V>
  void Fields(V& v) {
    v("lr", lr, "learning rate", Check::Positive());
    v("num_steps", num_steps, "rollout length", Check::Min(1));
    v("anneal", anneal, "anneal the learning rate");
    v("budget", budget, "env steps");
    v("net", net, "network");
  }
};

using testing::ErrorOf;

TEST_CASE("config reads typed fields and keeps defaults", "[unit]") {
  const ConfigNode n = ParseYaml("lr: 1.0e-3\nnet: {hidden: [32]}\nbudget: 1e6\n", "a.yaml");
  const AgentConfig c = ReadConfig<AgentConfig>(n, "agent");
  CHECK(c.lr == 1e-3);
  CHECK(c.num_steps == 128);
  CHECK(c.net.hidden == std::vector<int>{32});
  CHECK(c.net.activation == "tanh");
  CHECK(c.budget == 1000000);
}

TEST_CASE("config errors name file - line and dotted key", "[unit]") {
  const ConfigNode n = ParseYaml("lr: 0.1\nnet:\n  hiden: [32]\n", "a.yaml");
  const std::string e = ErrorOf([&] { ReadConfig<AgentConfig>(n, "agent"); });
  CHECK_THAT(
      e, Contains("a.yaml:3") && Contains("agent.net.hiden") && Contains("did you mean 'hidden'"));

  const ConfigNode t = ParseYaml("num_steps: many\n", "b.yaml");
  CHECK_THAT(
      ErrorOf([&] { ReadConfig<AgentConfig>(t, "agent"); }),
      Contains("b.yaml:1") && Contains("agent.num_steps") && Contains("expected an integer"));

  const ConfigNode r = ParseYaml("lr: -0.1\n", "c.yaml");
  CHECK_THAT(ErrorOf([&] { ReadConfig<AgentConfig>(r, "agent"); }),
             Contains("c.yaml:1") && Contains("agent.lr") && Contains("> 0"));

  const ConfigNode nan = ParseYaml("lr: .nan\n", "d.yaml");
  CHECK_THAT(ErrorOf([&] { ReadConfig<AgentConfig>(nan, "agent"); }), Contains("NaN"));

  const ConfigNode choice = ParseYaml("net: {activation: relux}\n", "e.yaml");
  CHECK_THAT(ErrorOf([&] { ReadConfig<AgentConfig>(choice, "agent"); }),
             Contains("agent.net.activation") && Contains("did you mean 'relu'"));

  const ConfigNode list = ParseYaml("net: {hidden: [64, 0]}\n", "f.yaml");
  CHECK_THAT(ErrorOf([&] { ReadConfig<AgentConfig>(list, "agent"); }),
             Contains("agent.net.hidden"));

  const ConfigNode boolean = ParseYaml("anneal: maybe\n", "g.yaml");
  CHECK_THAT(ErrorOf([&] { ReadConfig<AgentConfig>(boolean, "agent"); }),
             Contains("true or false"));
}

TEST_CASE("malformed YAML and duplicate keys are reported with their line", "[unit]") {
  CHECK_THAT(ErrorOf([] { ParseYaml("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml"); }),
             Contains("bad.yaml:") && Contains("invalid YAML"));
  CHECK_THAT(ErrorOf([] { ParseYaml("a: 1\nb: 2\na: 3\n", "dup.yaml"); }),
             Contains("dup.yaml:3") && Contains("duplicate key 'a'"));
}

struct Numbers {
  int small = 0;
  int64_t big = 0;
  uint64_t seed = 0;
  double x = 1;
  std::vector<double> bound = {0, 1};
  template <class V>
  void Fields(V& v) {
    v("small", small, "an int");
    v("big", big, "an int64");
    v("seed", seed, "a uint64");
    v("x", x, "a float");
    v("bound", bound, "a range bound", Check::Bound());
  }
};

std::string NumberError(const std::string& yaml) {
  return ErrorOf([&] { ReadConfig<Numbers>(ParseYaml(yaml, "n.yaml"), "n"); });
}

TEST_CASE("numbers past their type say out of range with the type's limit", "[unit]") {
  CHECK_THAT(NumberError("big: 9223372036854775808\n"),
             Contains("n.yaml:1: key 'n.big': 9223372036854775808 is out of range (max "
                      "9223372036854775807)"));
  CHECK_THAT(NumberError("big: -9223372036854775809\n"),
             Contains("out of range (min -9223372036854775808)"));
  CHECK_THAT(NumberError("big: 1e19\n"), Contains("out of range (max 9223372036854775807)"));
  CHECK_THAT(NumberError("small: 2147483648\n"),
             Contains("key 'n.small': 2147483648 is out of range for int (max 2147483647)"));
  CHECK_THAT(NumberError("small: 3e9\n"), Contains("out of range for int (max 2147483647)"));
  CHECK_THAT(NumberError("small: -2147483649\n"), Contains("out of range for int (min"));
  CHECK_THAT(NumberError("seed: 18446744073709551616\n"),
             Contains("out of range (max 18446744073709551615)"));
  CHECK(ReadConfig<Numbers>(ParseYaml("big: 9223372036854775807\n", "n.yaml"), "").big ==
        std::numeric_limits<int64_t>::max());
  CHECK(ReadConfig<Numbers>(ParseYaml("small: 2e9\n", "n.yaml"), "").small == 2000000000);
}

TEST_CASE("floats are finite unless a field allows infinity - denormals are fine", "[unit]") {
  CHECK(ReadConfig<Numbers>(ParseYaml("x: 4.9e-324\n", "n.yaml"), "").x > 0);
  CHECK(ReadConfig<Numbers>(ParseYaml("x: 1e-400\n", "n.yaml"), "").x == 0);
  CHECK(ReadConfig<Numbers>(ParseYaml("x: -1e308\n", "n.yaml"), "").x == -1e308);
  for (const char* inf : {".inf", "-.inf", "+.inf", ".Inf"}) {
    CHECK_THAT(NumberError(std::string("x: ") + inf + "\n"),
               Contains("n.yaml:1: key 'n.x': ") && Contains("give a finite number"));
  }
  CHECK_THAT(NumberError("x: 1e400\n"), Contains("key 'n.x': 1e400 is out of range"));
  CHECK_THAT(NumberError("x: .nan\n"), Contains("key 'n.x'") && Contains("NaN"));
  const Numbers open = ReadConfig<Numbers>(ParseYaml("bound: [-.inf, .inf]\n", "n.yaml"), "");
  CHECK(std::isinf(open.bound[0]));
  CHECK(std::isinf(open.bound[1]));
  CHECK_THAT(NumberError("bound: [0, .nan]\n"), Contains("n.bound[1]"));
}

TEST_CASE("extends merges maps - replaces other values and detects cycles", "[unit]") {
  testing::TempDir dir;
  dir.Write("base.yaml", "lr: 0.1\nnum_steps: 64\nnet: {hidden: [8, 8], activation: relu}\n");
  const std::string child =
      dir.Write("child.yaml", "extends: base.yaml\nlr: 0.2\nnet: {hidden: [4]}\n");
  const AgentConfig c = ReadConfig<AgentConfig>(LoadConfigFile(child), "");
  CHECK(c.lr == 0.2);
  CHECK(c.num_steps == 64);
  CHECK(c.net.hidden == std::vector<int>{4});
  CHECK(c.net.activation == "relu");

  const std::string a = dir.Write("a.yaml", "extends: b.yaml\n");
  dir.Write("b.yaml", "extends: a.yaml\n");
  CHECK_THAT(ErrorOf([&] { LoadConfigFile(a); }), Contains("cycle"));

  const std::string missing = dir.Write("m.yaml", "lr: 1\nextends: nothere.yaml\n");
  CHECK_THAT(ErrorOf([&] { LoadConfigFile(missing); }),
             Contains("m.yaml:2") && Contains("nothere.yaml"));
  CHECK_THAT(ErrorOf([&] { LoadConfigFile(dir.Path() / "absent.yaml"); }), Contains("cannot read"));
}

TEST_CASE("command-line overrides create nested keys and parse YAML values", "[unit]") {
  ConfigNode root = ParseYaml("lr: 0.1\n", "a.yaml");
  ApplyOverride(root, "net.hidden=[16, 16]");
  ApplyOverride(root, "lr=0.5");
  const AgentConfig c = ReadConfig<AgentConfig>(root, "");
  CHECK(c.lr == 0.5);
  CHECK(c.net.hidden == std::vector<int>{16, 16});

  ApplyOverride(root, "net.typo=1");
  CHECK_THAT(ErrorOf([&] { ReadConfig<AgentConfig>(root, ""); }),
             Contains("--set net.typo") && Contains("net.typo"));
  CHECK_THAT(ErrorOf([&] { ApplyOverride(root, "novalue"); }), Contains("key=value"));
  CHECK_THAT(ErrorOf([&] { ApplyOverride(root, "lr.x=1"); }), Contains("not a map"));

  // name[i] steps into an existing list item, and never creates one
  ConfigNode list = ParseYaml("reward: [{type: env}, {type: heron, factors: [{term: a}]}]\n", "r");
  ApplyOverride(list, "reward[1].factors[0].scale=100");
  ApplyOverride(list, "reward[0]={type: rnd}");
  CHECK(list.Find("reward")->seq[1].Find("factors")->seq[0].Find("scale")->scalar == "100");
  CHECK(list.Find("reward")->seq[0].Find("type")->scalar == "rnd");
  CHECK_THAT(ErrorOf([&] { ApplyOverride(list, "reward[2].weight=1"); }),
             Contains("'reward' has no item 2 (2 items)"));
  CHECK_THAT(ErrorOf([&] { ApplyOverride(list, "reward[x].weight=1"); }),
             Contains("needs a list index"));
  CHECK_THAT(ErrorOf([&] { ApplyOverride(list, "lr[0]=1"); }), Contains("'lr' has no item 0"));
}

TEST_CASE("a written config reads back identically and describes itself", "[unit]") {
  AgentConfig c;
  c.lr = 0.1 + 0.2;  // not exactly representable in short form
  c.net.hidden = {3, 5};
  c.anneal = false;
  const ConfigNode n = ParseYaml(ToNode(c).ToYaml(), "roundtrip");
  const AgentConfig back = ReadConfig<AgentConfig>(n, "");
  CHECK(back.lr == c.lr);
  CHECK(back.net.hidden == c.net.hidden);
  CHECK(back.anneal == false);

  const auto rows = Describe(AgentConfig{}, "agent");
  REQUIRE(rows.size() == 6);
  CHECK(rows[0].key == "agent.lr");
  CHECK(rows[0].check == "> 0");
  CHECK(rows[4].key == "agent.net.hidden");
  CHECK(rows[4].default_value == "[64, 64]");
  CHECK(rows[5].check == "one of tanh|relu");
}

// An item of a list of structs.
struct LevelConfig {
  std::string term;
  double margin = 1.0;
  template <class V>
  void Fields(V& v) {
    v("term", term, "term name");
    v("margin", margin, "margin", Check::Min(0));
  }
};

struct ListConfig {
  std::vector<LevelConfig> levels;
  template <class V>
  void Fields(V& v) {
    v("levels", levels, "levels, most important first");
  }
};

TEST_CASE("a list of config structs reads, checks, writes and describes each item", "[unit]") {
  const ConfigNode n =
      ParseYaml("levels:\n  - {term: angle, margin: 0.5}\n  - {term: ctrl}\n", "l.yaml");
  const ListConfig c = ReadConfig<ListConfig>(n, "heron");
  REQUIRE(c.levels.size() == 2);
  CHECK(c.levels[0].term == "angle");
  CHECK(c.levels[0].margin == 0.5);
  CHECK(c.levels[1].term == "ctrl");
  CHECK(c.levels[1].margin == 1.0);

  // every item's keys are checked where they are written
  CHECK_THAT(ErrorOf([] {
               ReadConfig<ListConfig>(ParseYaml("levels: [{term: a}, {trem: b}]", "l.yaml"), "h");
             }),
             Contains("l.yaml:1") && Contains("h.levels[1].trem") && Contains("'term'"));
  CHECK_THAT(ErrorOf([] {
               ReadConfig<ListConfig>(ParseYaml("levels:\n  - {term: a, margin: -1}\n", "l.yaml"),
                                      "h");
             }),
             Contains("l.yaml:2") && Contains("h.levels[0].margin") && Contains(">= 0"));
  CHECK_THAT(ErrorOf([] { ReadConfig<ListConfig>(ParseYaml("levels: [a]", "l.yaml"), "h"); }),
             Contains("h.levels[0]") && Contains("expected a map"));
  CHECK_THAT(ErrorOf([] { ReadConfig<ListConfig>(ParseYaml("levels: a", "l.yaml"), "h"); }),
             Contains("h.levels") && Contains("list of maps"));

  // the resolved config reads back; describe lists the item fields
  const ListConfig back = ReadConfig<ListConfig>(ParseYaml(ToNode(c).ToYaml(), "rt"), "");
  REQUIRE(back.levels.size() == 2);
  CHECK(back.levels[1].margin == 1.0);
  const auto rows = Describe(ListConfig{}, "h");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].key == "h.levels");
  CHECK(rows[0].default_value == "[]");
  CHECK(rows[1].key == "h.levels[].term");
  CHECK(rows[2].key == "h.levels[].margin");
}

}  // namespace
}  // namespace rl
