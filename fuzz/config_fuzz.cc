// Fuzz target: the experiment config reader (YAML parsing, `extends:`, typed validation, the
// memory check). Any input must end in a config or in rl::UserError; anything else - another
// exception, a crash, a hang, unbounded memory - is a finding.
#include <cstdint>

#include "core/error.h"
#include "experiments/experiment_config.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = rl::fuzz::WriteInput(data, size, ".yaml");
  try {
    rl::LoadExperimentConfig(path, {});
  } catch (const rl::UserError&) {
  }
  return 0;
}
