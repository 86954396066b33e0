// `rewardlab compare-rewards` as a user runs it: the distance matrix and one-line errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;
using testing::RunCli;

// The lines of `text`.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The whitespace-separated words of `line`.
std::vector<std::string> Words(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

void ExpectOneLineError(const testing::CliResult& r, const std::string& needle) {
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  CHECK_THAT(r.out, Contains("error") && Contains(needle));
}

TEST_CASE("compare-rewards prints the STARC distance table", "[starc][smoke]") {
  const auto r = RunCli("compare-rewards Grid-FourRooms env 'env*3' shaped:distance random:1");
  INFO(r.out);
  REQUIRE(r.code == 0);
  const std::vector<std::string> lines = Lines(r.out);
  REQUIRE(lines.size() == 6);
  CHECK_THAT(lines[0], Contains("Grid-FourRooms") && Contains("gamma 0.99"));
  CHECK(Words(lines[1]) == std::vector<std::string>{"env", "env*3", "shaped:distance", "random:1"});
  const std::vector<std::string> names = Words(lines[1]);
  for (int i = 0; i < 4; ++i) {
    const std::vector<std::string> row = Words(lines[2 + i]);
    REQUIRE(row.size() == 5);
    CHECK(row[0] == names[i]);
    for (int j = 0; j < 4; ++j) {
      // env, env*3 and shaped:distance are equivalent; random:1 is far from all three
      const bool equivalent = i == j || (i < 3 && j < 3);
      if (equivalent) {
        CHECK(row[1 + j] == "0.0000");
      } else {
        CHECK(std::stod(row[1 + j]) > 0.3);
      }
    }
  }
}

TEST_CASE("compare-rewards writes full-precision CSV", "[starc][smoke]") {
  testing::TempDir dir;
  const std::string zero = dir.Write("zero.csv", "s,a,s_next,r\n");
  const auto r = RunCli("compare-rewards Grid-Empty-5x5 env shaped:random:3 " + zero +
                        " --format csv --gamma 0.9 --set slip=0.2 --weighting occupancy");
  INFO(r.out);
  REQUIRE(r.code == 0);
  const std::vector<std::string> lines = Lines(r.out);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "reward,env,shaped:random:3," + zero);
  std::vector<std::vector<double>> d;
  for (int i = 1; i < 4; ++i) {
    std::vector<double> row;
    std::istringstream in(lines[i].substr(lines[i].find(',') + 1));
    for (std::string field; std::getline(in, field, ',');) row.push_back(std::stod(field));
    REQUIRE(row.size() == 3);
    d.push_back(row);
  }
  CHECK(d[0][1] <= 1e-9);
  CHECK(d[1][0] <= 1e-9);
  // the zero reward standardises to 0, a unit vector away from the env reward
  CHECK(d[0][2] == Approx(1.0).margin(1e-12));
  CHECK(d[1][2] == Approx(1.0).margin(1e-12));
}

TEST_CASE("compare-rewards rejects bad input with one line and exit code 2", "[starc][smoke]") {
  ExpectOneLineError(RunCli("compare-rewards CartPole-v1 env env"), "tabular");
  ExpectOneLineError(RunCli("compare-rewards Grid-FourRoom env env"), "Grid-FourRooms");
  ExpectOneLineError(RunCli("compare-rewards Grid-FourRooms env bogus"),
                     "unknown reward spec 'bogus'");
  ExpectOneLineError(RunCli("compare-rewards Grid-FourRooms env"), "at least two rewards");
  ExpectOneLineError(RunCli("compare-rewards Grid-FourRooms env env --gamma 1.5"), "gamma");
  ExpectOneLineError(RunCli("compare-rewards Grid-FourRooms env env --policy greedy"), "policy");
  testing::TempDir dir;
  const std::string bad = dir.Write("bad.csv", "s,a,s_next,r\n0,1,1,0.5\n3,1,oops,1\n");
  ExpectOneLineError(RunCli("compare-rewards Grid-FourRooms env " + bad), bad + ":3: s_next");
}

}  // namespace
}  // namespace rl
