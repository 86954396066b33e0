// The env contract over every registered env: spaces, finiteness, reward == sum of terms, time
// limit, determinism, explicit reset and threaded == serial stepping.
#include <catch2/catch.hpp>
#include <set>

#include "envs/check_env.h"
#include "envs/registry.h"

namespace rl {
namespace {

TEST_CASE("every registered env satisfies the env contract", "[contract]") {
  REQUIRE(EnvRegistry().size() >= 11);
  for (const EnvEntry& entry : EnvRegistry()) {
    for (uint64_t seed : {0u, 1u}) {
      for (const CheckResult& r : CheckEnv(entry.id, ConfigNode{}, {seed, 3000})) {
        INFO(entry.id << " seed " << seed << " check " << r.name << ": " << r.detail);
        CHECK(r.passed);
      }
    }
  }
}

TEST_CASE("registry ids are unique and describe their options", "[contract]") {
  std::set<std::string> ids;
  for (const EnvEntry& entry : EnvRegistry()) {
    INFO(entry.id);
    CHECK(ids.insert(entry.id).second);
    CHECK(!entry.summary.empty());
    for (const FieldDoc& f : entry.describe()) CHECK(!f.doc.empty());
  }
}

TEST_CASE("unknown env ids suggest the closest names", "[contract]") {
  try {
    FindEnv("CartPol-v1");
    FAIL("no error");
  } catch (const UserError& e) {
    CHECK_THAT(e.what(), Catch::Matchers::Contains("did you mean 'CartPole-v1'"));
  }
}

}  // namespace
}  // namespace rl
