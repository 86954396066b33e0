#include "experiments/run_dir.h"

#include <ctime>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "git_commit.h"  // generated at build time: REWARDLAB_GIT_COMMIT

namespace rl {
namespace fs = std::filesystem;

std::string UtcNow(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), format, &tm);
  return buf;
}

std::string DefaultRunDir(const ExperimentConfig& config, const std::string& root) {
  std::string env = config.env.id;
  for (char& c : env) {
    if (c == '/') c = '_';
  }
  return root + "/" + config.name + "/" + env + "__" + config.name + "__s" +
         std::to_string(config.seed) + "__" + UtcNow("%Y%m%d-%H%M%S");
}

void CreateRunDir(const std::string& dir, const ConfigNode& resolved) {
  if (fs::exists(fs::path(dir) / "run.h5")) {
    throw UserError(dir + ": already holds a run; continue it with --resume " + dir +
                    " or choose another --out");
  }
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "checkpoints", ec);
  if (ec) throw UserError(dir + ": cannot create the run folder (" + ec.message() + ")");
  std::ofstream out(fs::path(dir) / "config.yaml");
  out << resolved.ToYaml();
  if (!out.flush()) throw UserError(dir + "/config.yaml: cannot write");
}

RunInfo MakeRunInfo(const ExperimentConfig& config, const ConfigNode& resolved) {
  RunInfo info;
  info.config = resolved.ToYaml();
  info.seed = static_cast<int64_t>(config.seed);
  info.env_id = config.env.id;
  info.agent_type = config.agent.Find("type")->scalar;
  info.git_commit = REWARDLAB_GIT_COMMIT;
  info.started_at = UtcNow("%Y-%m-%dT%H:%M:%SZ");
  return info;
}

ExperimentConfig LoadRunConfig(const std::string& dir, ConfigNode* resolved,
                               ValidatedParts* parts) {
  const fs::path config = fs::path(dir) / "config.yaml";
  if (!fs::is_directory(dir) || !fs::exists(config) || !fs::exists(fs::path(dir) / "run.h5")) {
    throw UserError(dir + ": not a run folder (expected config.yaml and run.h5 inside)");
  }
  return LoadExperimentConfig(config.string(), {}, resolved, parts);
}

}  // namespace rl
