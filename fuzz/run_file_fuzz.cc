// Fuzz target: the run-file reader (`export`, `plot`'s checks, `view`, `train --resume` read
// run.h5 through it). Any bytes must end in RunData or in rl::UserError, in bounded time.
#include <cstdint>

#include "core/error.h"
#include "core/run_file.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = rl::fuzz::WriteInput(data, size, ".h5");
  try {
    const rl::RunData data = rl::ReadRunFile(path);
    // the viewer's replay reads recorded episodes step by step
    for (size_t k = 0; k < data.rollout_step.size() && k < 2; ++k) {
      rl::ReadRecordedEpisode(path, static_cast<int64_t>(k));
    }
  } catch (const rl::UserError&) {
  }
  return 0;
}
