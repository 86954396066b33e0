#include "experiments/sweep/manifest.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/error.h"

namespace rl {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kStatusNames[] = {"pending", "running", "finished", "interrupted", "failed"};

RunStatus ParseStatus(const std::string& text, const std::string& where) {
  for (int i = 0; i < 5; ++i) {
    if (text == kStatusNames[i]) return static_cast<RunStatus>(i);
  }
  throw UserError(where + ": unknown run status '" + text + "'");
}

// A run folder stays inside the sweep folder: relative, without a ".." that climbs out of it.
void RequireInside(const std::string& run_dir, const std::string& where) {
  const fs::path p(run_dir);
  int depth = 0;
  bool inside = !run_dir.empty() && p.is_relative() && !p.has_root_name();
  for (const fs::path& part : p) {
    if (part == "..")
      --depth;
    else if (part != "." && !part.empty())
      ++depth;
    inside = inside && depth >= 0;
  }
  if (!inside || depth == 0) {
    throw UserError(where + ": run_dir '" + run_dir +
                    "' is not a folder inside the sweep folder; restore the manifest");
  }
}

}  // namespace

const char* RunStatusName(RunStatus status) { return kStatusNames[static_cast<int>(status)]; }

std::string ManifestPath(const std::string& sweep_dir) {
  return (fs::path(sweep_dir) / "sweep.json").string();
}

void SaveManifest(const std::string& sweep_dir, const SweepManifest& m) {
  json grid = json::array();
  for (const auto& [key, values] : m.grid) grid.push_back({{"key", key}, {"values", values}});
  json runs = json::array();
  for (const SweepRun& r : m.runs) {
    runs.push_back({{"index", r.index},
                    {"overrides", r.overrides},
                    {"seed", r.seed},
                    {"run_dir", r.run_dir},
                    {"status", RunStatusName(r.status)},
                    {"attempts", r.attempts},
                    {"exit_code", r.exit_code}});
  }
  const SlurmOptions& s = m.slurm;
  const json doc = {{"format", "rewardlab-sweep"},
                    {"format_version", kSweepFormatVersion},
                    {"name", m.name},
                    {"backend", m.backend},
                    {"jobs", m.jobs},
                    {"config_path", m.config_path},
                    {"config", m.config_yaml},
                    {"seeds", m.seeds},
                    {"grid", grid},
                    {"slurm",
                     {{"partition", s.partition},
                      {"time", s.time},
                      {"cpus_per_task", s.cpus_per_task},
                      {"throttle", s.throttle},
                      {"requeue", s.requeue},
                      {"signal_seconds", s.signal_seconds},
                      {"extra", s.extra},
                      {"job_ids", s.job_ids}}},
                    {"created_at", m.created_at},
                    {"runs", runs}};

  // only the sweep process writes the manifest; SLURM tasks never do
  const std::string path = ManifestPath(sweep_dir);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw UserError(path + ": cannot write (check the folder exists and is writable)");
    out << doc.dump(2) << "\n";
    if (!out.flush()) throw UserError(path + ": write failed (disk full?)");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw UserError(path + ": cannot replace the manifest (" + ec.message() + ")");
}

SweepManifest LoadManifest(const std::string& sweep_dir) {
  const std::string path = ManifestPath(sweep_dir);
  std::ifstream in(path);
  if (!in) {
    throw UserError(sweep_dir +
                    ": not a sweep folder (no sweep.json); start a sweep with "
                    "`rewardlab sweep CONFIG --seeds A:B`");
  }
  json doc;
  try {
    doc = json::parse(in);
    if (doc.value("format", "") != "rewardlab-sweep") {
      throw UserError(path + ": not a rewardlab sweep manifest (format is not rewardlab-sweep)");
    }
    const int version = doc.at("format_version").get<int>();
    if (version != kSweepFormatVersion) {
      throw UserError(path + ": sweep format version " + std::to_string(version) +
                      ", this rewardlab reads version " + std::to_string(kSweepFormatVersion) +
                      "; resume it with the rewardlab that created it");
    }
    SweepManifest m;
    m.name = doc.at("name").get<std::string>();
    m.backend = doc.at("backend").get<std::string>();
    if (m.backend != "local" && m.backend != "slurm") {
      throw UserError(path + ": unknown backend '" + m.backend +
                      "' (local or slurm); restore the manifest or start a new sweep");
    }
    m.jobs = doc.at("jobs").get<int>();
    if (m.jobs < 1) {
      throw UserError(path + ": jobs " + std::to_string(m.jobs) +
                      " (must be >= 1); restore the manifest or start a new sweep");
    }
    m.config_path = doc.at("config_path").get<std::string>();
    m.config_yaml = doc.at("config").get<std::string>();
    m.seeds = doc.at("seeds").get<std::string>();
    for (const json& g : doc.at("grid")) {
      m.grid.emplace_back(g.at("key").get<std::string>(),
                          g.at("values").get<std::vector<std::string>>());
    }
    const json& s = doc.at("slurm");
    m.slurm.partition = s.at("partition").get<std::string>();
    m.slurm.time = s.at("time").get<std::string>();
    m.slurm.cpus_per_task = s.at("cpus_per_task").get<int>();
    m.slurm.throttle = s.at("throttle").get<int>();
    m.slurm.requeue = s.at("requeue").get<bool>();
    m.slurm.signal_seconds = s.at("signal_seconds").get<int>();
    m.slurm.extra = s.at("extra").get<std::vector<std::string>>();
    m.slurm.job_ids = s.at("job_ids").get<std::vector<std::string>>();
    m.created_at = doc.at("created_at").get<std::string>();
    for (const json& r : doc.at("runs")) {
      SweepRun run;
      run.index = r.at("index").get<int>();
      run.overrides = r.at("overrides").get<std::vector<std::string>>();
      run.seed = r.at("seed").get<uint64_t>();
      run.run_dir = r.at("run_dir").get<std::string>();
      RequireInside(run.run_dir, path);
      run.status = ParseStatus(r.at("status").get<std::string>(), path);
      run.attempts = r.at("attempts").get<int>();
      run.exit_code = r.at("exit_code").get<int>();
      m.runs.push_back(std::move(run));
    }
    return m;
  } catch (const json::exception& e) {
    throw UserError(path + ": broken sweep manifest (" + std::string(e.what()) +
                    "); restore it or start a new sweep");
  }
}

}  // namespace rl
