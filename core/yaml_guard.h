// Inputs that yaml-cpp 0.7 (Debian 12) cannot parse in bounded time, refused before it builds
// nodes from them.
//
// A ',' at document level, outside any collection (",a", "'a' ,b", "[1] ,b", "&x ,a"), makes
// YAML::LoadAll loop forever, emitting a null node per turn and allocating it; fuzz/config_fuzz
// found it. A first pass runs yaml-cpp's event parser alone and stops it once it has emitted more
// events than the text could hold (every event but a document's start and end consumes input).
#ifndef REWARDLAB_CORE_YAML_GUARD_H_
#define REWARDLAB_CORE_YAML_GUARD_H_

#include <string>

namespace rl {

// Throws UserError("file:line: ...") when yaml-cpp makes no progress on `text`; yaml-cpp's own
// parse errors (YAML::Exception) pass through.
void RejectYamlCppHazards(const std::string& text, const std::string& file);

}  // namespace rl

#endif  // REWARDLAB_CORE_YAML_GUARD_H_
