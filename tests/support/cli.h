// Runs the `rewardlab` binary the way a user does, capturing its output and exit code.
#ifndef REWARDLAB_TESTS_SUPPORT_CLI_H_
#define REWARDLAB_TESTS_SUPPORT_CLI_H_

#include <sys/wait.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

namespace rl::testing {

// The outcome of one CLI call.
struct CliResult {
  int code = -1;    // exit code, -1 when killed by a signal
  std::string out;  // stdout and stderr together
};

// Runs `rewardlab ARGS` through the shell (after `prefix`, e.g. a wrapper) and waits for it.
inline CliResult RunCli(const std::string& args, const std::string& prefix = "") {
  CliResult r;
  const std::string cmd = prefix + REWARDLAB_BINARY + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  REQUIRE(pipe);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_CLI_H_
