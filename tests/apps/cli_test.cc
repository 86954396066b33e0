// The CLI as a user runs it: exit codes, one-line errors, rollout CSV output.
#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/cli.h"
#include "tests/support/temp_dir.h"

namespace rl {
namespace {

using Catch::Matchers::Contains;

using Result = testing::CliResult;
using testing::RunCli;

// Bad input: exit code 2 and exactly one line on the terminal.
void ExpectOneLineError(const Result& r, const std::string& needle) {
  INFO(r.out);
  CHECK(r.code == 2);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
  CHECK_THAT(r.out, Contains("error") && Contains(needle));
}

TEST_CASE("rollout replays actions and writes the documented CSV", "[smoke]") {
  testing::TempDir dir;
  const std::string actions = dir.Write("a.txt", "1\n1\n# a comment\n0\n\n1\n");
  const std::string out = (dir.Path() / "out.csv").string();
  Result r = RunCli("rollout CartPole-v1 --actions " + actions +
                    " --init-state 0.01,0.02,-0.03,0.04 --out " + out);
  REQUIRE(r.code == 0);
  std::ifstream in(out);
  std::string header, line;
  std::getline(in, header);
  CHECK(header == "step,obs_0,obs_1,obs_2,obs_3,reward,terminated,truncated,term_alive");
  int rows = 0;
  while (std::getline(in, line)) ++rows;
  CHECK(rows == 4);

  // the first step by hand: explicit Euler on the given state, obs rounded to float32
  Result first = RunCli("rollout CartPole-v1 --actions " + actions + " --init-state 0,0,0,0");
  REQUIRE(first.code == 0);
  std::istringstream csv(first.out);
  std::getline(csv, header);
  std::getline(csv, line);
  CHECK_THAT(line, Contains("0,0,0.19512194,0,-0.29268292,1,0,0,1"));
}

TEST_CASE("rollout stops at the end of the episode", "[smoke]") {
  testing::TempDir dir;
  std::string many;
  for (int i = 0; i < 100; ++i) many += "1\n";
  Result r = RunCli("rollout CartPole-v1 --seed 3 --actions " + dir.Write("a.txt", many));
  REQUIRE(r.code == 0);
  std::istringstream csv(r.out);
  std::string line, last;
  int rows = -1;
  while (std::getline(csv, line)) {
    ++rows;
    last = line;
  }
  CHECK(rows < 100);
  CHECK_THAT(last,
             Contains(",1,1,0,1"));  // reward 1 on the failing step, terminated, not truncated
}

TEST_CASE("bad CLI input gets a one-line error and exit code 2", "[smoke]") {
  testing::TempDir dir;
  const std::string ok = dir.Write("ok.txt", "0\n1\n");
  ExpectOneLineError(RunCli("rollout CartPol-v1 --actions " + ok), "did you mean 'CartPole-v1'");
  ExpectOneLineError(RunCli("check-env Pendulm-v1"), "Pendulum-v1");
  ExpectOneLineError(RunCli("rollout CartPole-v1 --actions " + dir.Write("b.txt", "0\n1,0\n")),
                     "b.txt:2");
  ExpectOneLineError(RunCli("rollout CartPole-v1 --actions " + dir.Write("c.txt", "0\n2\n")),
                     "c.txt:2");
  ExpectOneLineError(RunCli("rollout CartPole-v1 --actions " + dir.Write("d.txt", "0\n1\nleft\n")),
                     "d.txt:3");
  ExpectOneLineError(RunCli("rollout Pendulum-v1 --actions " + dir.Write("e.txt", "0.5\nnan\n")),
                     "e.txt:2");
  ExpectOneLineError(RunCli("rollout CartPole-v1 --actions " + ok + " --init-state 1,2,3"),
                     "expects 4 (x,x_dot,theta,theta_dot)");
  ExpectOneLineError(RunCli("rollout CartPole-v1 --actions " + (dir.Path() / "none.txt").string()),
                     "none.txt");
  ExpectOneLineError(RunCli("config show " + dir.Write("bad.yaml", "env:\n  id: [CartPole\n")),
                     "bad.yaml:");
  ExpectOneLineError(
      RunCli("config show " + dir.Write("key.yaml", "seed: 1\nenv:\n  num_env: 2\n")),
      "key.yaml:3");
  ExpectOneLineError(RunCli("config show --set env.options.slip=2 --set env.id=Grid-FourRooms"),
                     "env.options.slip");
  ExpectOneLineError(RunCli("rollout"), "--help");
  // nothing half-written is left behind by a failed rollout
  const auto out = dir.Path() / "never.csv";
  RunCli("rollout CartPole-v1 --actions " + dir.Path().string() + "/c.txt --out " + out.string());
  CHECK(!std::filesystem::exists(out));
}

TEST_CASE("check-env passes on a registered env and lists every check", "[smoke]") {
  Result r = RunCli("check-env Acrobot-v1 --steps 500");
  INFO(r.out);
  CHECK(r.code == 0);
  CHECK_THAT(r.out,
             Contains("PASS reward-sum") && Contains("PASS determinism") && Contains("0 failed"));
  Result envs = RunCli("envs");
  CHECK(envs.code == 0);
  CHECK_THAT(envs.out, Contains("MountainCarContinuous-v0") && Contains("Grid-FourRooms"));
}

}  // namespace
}  // namespace rl
