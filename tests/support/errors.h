// The message of the UserError a call throws, for tests of bad input.
#ifndef REWARDLAB_TESTS_SUPPORT_ERRORS_H_
#define REWARDLAB_TESTS_SUPPORT_ERRORS_H_

#include <functional>
#include <string>

#include "core/error.h"

namespace rl::testing {

// Runs `f` and returns the what() of the UserError it throws, or "" when it throws none.
inline std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

}  // namespace rl::testing

#endif  // REWARDLAB_TESTS_SUPPORT_ERRORS_H_
