// Inputs that yaml-cpp 0.7 (Debian 12) cannot parse in bounded time, refused before it sees them.
//
// A document whose root node starts with ',' (",a", "--- ,a", "&x ,a", "# c\n,a") makes
// YAML::LoadAll loop forever, allocating; fuzz/config_fuzz found it. Inside a map or a sequence
// the same ',' is an ordinary parse error, so only document starts are checked.
#ifndef REWARDLAB_CORE_YAML_GUARD_H_
#define REWARDLAB_CORE_YAML_GUARD_H_

#include <string>

namespace rl {

// Throws UserError("file:line: ...") when `text` holds a document that yaml-cpp would loop on.
void RejectYamlCppHazards(const std::string& text, const std::string& file);

}  // namespace rl

#endif  // REWARDLAB_CORE_YAML_GUARD_H_
