#include "core/checkpointer.h"

#include <cstdio>
#include <filesystem>

#include "core/error.h"
#include "core/h5.h"

namespace rl {
namespace fs = std::filesystem;

Checkpointer::Checkpointer(std::string dir, int64_t every_steps, Trainer& trainer, Agent& agent,
                           RunFile& file, RunLogger& logger)
    : dir_(std::move(dir)),
      every_steps_(every_steps),
      next_(every_steps > 0 ? (trainer.GlobalStep() / every_steps + 1) * every_steps : -1),
      trainer_(trainer),
      agent_(agent),
      file_(file),
      logger_(logger) {}

void Checkpointer::OnIteration(int64_t step, const IterationTiming& /*timing*/) {
  if (next_ <= 0 || step < next_) return;
  Write(step);
  while (next_ <= step) next_ += every_steps_;
}

void Checkpointer::OnEnd(int64_t step) { Write(step); }

void Checkpointer::Write(int64_t step) {
  logger_.Flush();
  for (const auto& flush : flushes_) flush();
  char name[64];
  std::snprintf(name, sizeof(name), "step_%012lld.h5", static_cast<long long>(step));
  const fs::path final_path = fs::path(dir_) / name;
  const fs::path tmp = fs::path(dir_) / (std::string(name) + ".tmp");

  // trainer loop, agent, and the run file's rows at this moment
  {
    h5::File f = h5::File::Create(tmp.string());
    f.WriteStringAttr("format", "rewardlab-checkpoint");
    f.WriteIntAttr("format_version", 1);
    f.WriteIntAttr("step", step);
    trainer_.SaveState(f.CreateGroup("trainer"));
    agent_.Save(f.CreateGroup("agent"));
    const RowCounts counts = file_.Counts();
    const h5::Group rows = f.CreateGroup("run_rows");
    rows.WriteIntAttr("episodes", static_cast<int64_t>(counts.episodes));
    rows.WriteIntAttr("eval", static_cast<int64_t>(counts.eval));
    rows.WriteIntAttr("rollouts", static_cast<int64_t>(counts.rollouts));
    rows.WriteIntAttr("rollout_steps", static_cast<int64_t>(counts.rollout_steps));
    std::string groups;
    std::vector<int64_t> metric_rows;
    for (const auto& [group, n] : counts.metrics) {
      groups += group + "\n";
      metric_rows.push_back(static_cast<int64_t>(n));
    }
    rows.WriteStringAttr("metric_groups", groups);
    rows.Write<int64_t>("metric_rows", metric_rows);
    f.Close();
  }
  fs::rename(tmp, final_path);

  // keep only the newest, and drop temporaries a killed run left
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const auto ext = entry.path().extension();
    if (entry.path() != final_path && (ext == ".h5" || ext == ".tmp")) fs::remove(entry.path());
  }
}

std::string Checkpointer::Latest(const std::string& dir) {
  std::string best;
  if (!fs::is_directory(dir)) return best;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("step_") && entry.path().extension() == ".h5" &&
        name > fs::path(best).filename().string()) {
      best = entry.path().string();
    }
  }
  return best;
}

namespace {

h5::File OpenCheckpoint(const std::string& path) {
  h5::File f = h5::File::OpenReadOnly(path);
  if (!f.HasAttr("format") || f.ReadStringAttr("format") != "rewardlab-checkpoint") {
    throw UserError(path + ": not a rewardlab checkpoint");
  }
  return f;
}

}  // namespace

void Checkpointer::RestoreAgent(const std::string& path, Agent& agent) {
  agent.Load(OpenCheckpoint(path).OpenGroup("agent"));
}

RowCounts Checkpointer::Restore(const std::string& path, Trainer& trainer, Agent& agent) {
  h5::File f = OpenCheckpoint(path);
  trainer.LoadState(f.OpenGroup("trainer"));
  agent.Load(f.OpenGroup("agent"));
  RowCounts counts;
  const h5::Group rows = f.OpenGroup("run_rows");
  counts.episodes = static_cast<uint64_t>(rows.ReadIntAttr("episodes"));
  counts.eval = static_cast<uint64_t>(rows.ReadIntAttr("eval"));
  // checkpoints written before recorded episodes existed count none
  if (rows.HasAttr("rollouts")) {
    counts.rollouts = static_cast<uint64_t>(rows.ReadIntAttr("rollouts"));
    counts.rollout_steps = static_cast<uint64_t>(rows.ReadIntAttr("rollout_steps"));
  }
  const std::string groups = rows.ReadStringAttr("metric_groups");
  const std::vector<int64_t> metric_rows = rows.Read<int64_t>("metric_rows");
  size_t start = 0;
  for (int64_t n : metric_rows) {
    const size_t end = groups.find('\n', start);
    counts.metrics[groups.substr(start, end - start)] = static_cast<uint64_t>(n);
    start = end + 1;
  }
  return counts;
}

}  // namespace rl
