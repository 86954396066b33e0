// Errors caused by bad user input: printed as one line by the CLI, which exits with code 2.
#ifndef REWARDLAB_CORE_ERROR_H_
#define REWARDLAB_CORE_ERROR_H_

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rl {

// An error the user can fix (bad config, bad file, bad flag); `what()` is the whole message line.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exit code of the CLI for a UserError.
inline constexpr int kUserErrorExitCode = 2;
// Exit code of `train` stopped by SIGTERM or SIGUSR1 after writing a checkpoint (EX_TEMPFAIL):
// the run is resumable with `train --resume`.
inline constexpr int kInterruptedExitCode = 75;

// Edit distance between two strings (Levenshtein), for "did you mean" hints.
int EditDistance(std::string_view a, std::string_view b);

// Returns " (did you mean 'x'?)" or " (did you mean 'x' or 'y'?)" for the closest candidates, or
// "".
std::string DidYouMean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace rl

#endif  // REWARDLAB_CORE_ERROR_H_
