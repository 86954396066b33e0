// Fuzz target: the action-file reader of `rewardlab rollout`. The first byte picks the env
// (discrete CartPole, 1-D Pendulum, 3-D Hopper); the rest is the file. Any input must end in
// actions or in rl::UserError.
#include <array>
#include <cstdint>
#include <memory>

#include "core/error.h"
#include "envs/action_file.h"
#include "envs/registry.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::array<std::unique_ptr<rl::Env>, 3> envs = {
      rl::MakeEnv("CartPole-v1", {}), rl::MakeEnv("Pendulum-v1", {}), rl::MakeEnv("Hopper-v4", {})};
  if (size == 0) return 0;
  const rl::EnvSpec& spec = envs[data[0] % envs.size()]->Spec();
  const std::string path = rl::fuzz::WriteInput(data + 1, size - 1, ".txt");
  try {
    rl::ReadActionFile(path, spec);
  } catch (const rl::UserError&) {
  }
  return 0;
}
