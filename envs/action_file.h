// The action files of `rewardlab rollout`: one action per line, components separated by commas (a
// discrete action is its integer index), blank lines and `#` comments skipped.
#ifndef REWARDLAB_ENVS_ACTION_FILE_H_
#define REWARDLAB_ENVS_ACTION_FILE_H_

#include <string>
#include <vector>

#include "envs/env.h"

namespace rl {

// The longest line an action file may have, in bytes.
inline constexpr size_t kMaxActionLineBytes = 1 << 20;
// The most actions an action file may hold.
inline constexpr size_t kMaxActions = 10'000'000;

// Reads and validates every action of `path` for `spec` (finite, the right size, a valid index
// for discrete spaces); throws a one-line UserError naming FILE:LINE.
std::vector<Vec> ReadActionFile(const std::string& path, const EnvSpec& spec);

// The same for text already in memory; `name` stands for the file in messages.
std::vector<Vec> ParseActionText(const std::string& text, const std::string& name,
                                 const EnvSpec& spec);

}  // namespace rl

#endif  // REWARDLAB_ENVS_ACTION_FILE_H_
