// Pieces shared by the run file writer and reader. Not a public API.
#ifndef REWARDLAB_CORE_RUN_FILE_INTERNAL_H_
#define REWARDLAB_CORE_RUN_FILE_INTERNAL_H_

#include <string>
#include <utility>

#include "core/h5.h"
#include "core/run_file.h"

namespace rl::run_file_internal {

// Splits "losses/approx_kl" into ("losses", "approx_kl") at the last '/'; throws for a name
// without a group or with an empty part.
std::pair<std::string, std::string> SplitMetric(const std::string& full);

// Throws a one-line UserError unless the file says format="rewardlab-run", format_version=1.
void CheckFormat(const h5::File& file);

// The term names, metric names (grouped) and eval width stored in a run file.
RunLayout ReadLayout(const h5::File& file);

}  // namespace rl::run_file_internal

#endif  // REWARDLAB_CORE_RUN_FILE_INTERNAL_H_
