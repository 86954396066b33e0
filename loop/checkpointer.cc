#include "loop/checkpointer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/checkpoint.h"
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

namespace {

// fsync of a file or folder; throws with the OS's reason
void Sync(const fs::path& path, bool folder) {
  const int fd = open(path.c_str(), (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0 || fsync(fd) != 0) {
    const std::string reason = std::strerror(errno);
    if (fd >= 0) close(fd);
    throw UserError(path.string() + ": cannot sync (" + reason + ")");
  }
  close(fd);
}

h5::File OpenCheckpoint(const std::string& path) {
  h5::File f = h5::File::OpenReadOnly(path);
  if (!f.HasAttr("format") || f.ReadStringAttr("format") != "rewardlab-checkpoint") {
    throw UserError(path + ": not a rewardlab checkpoint");
  }
  ckpt::VerifyChecksum(f);
  return f;
}

// "...: No space left on device" -> "No space left on device": the reason of an h5 failure
std::string Reason(const std::string& what, const std::string& tmp) {
  std::string reason = what.starts_with(tmp + ": ") ? what.substr(tmp.size() + 2) : what;
  const size_t open = reason.rfind(" (");
  if (open != std::string::npos && reason.back() == ')') {
    reason = reason.substr(open + 2, reason.size() - open - 3);
  }
  return reason;
}

}  // namespace

void Checkpointer::WriteFile(const std::string& path, int64_t step) {
  h5::File f = h5::File::Create(path);
  f.WriteStringAttr("format", "rewardlab-checkpoint");
  f.WriteIntAttr("format_version", 1);
  f.WriteIntAttr("step", step);
  trainer_.SaveState(f.CreateGroup("trainer"));
  agent_.Save(f.CreateGroup("agent"));
  {
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
  }
  f.WriteStringAttr(ckpt::kChecksumAttr, ckpt::PayloadChecksum(f));
  // every group is closed here, so Close reports the final flush's errors
  f.Flush();
  f.Close();
}

void Checkpointer::Write(int64_t step) {
  logger_.Flush();
  for (const auto& flush : flushes_) flush();
  char name[64];
  std::snprintf(name, sizeof(name), "step_%012lld.h5", static_cast<long long>(step));
  const fs::path final_path = fs::path(dir_) / name;
  const fs::path tmp = fs::path(dir_) / (std::string(name) + ".tmp");
  const std::string previous = Latest(dir_);

  // the temporary is complete, durable and verified before it replaces anything
  try {
    WriteFile(tmp.string(), step);
    Sync(tmp, /*folder=*/false);
    OpenCheckpoint(tmp.string());
    if (std::rename(tmp.c_str(), final_path.c_str()) != 0) {
      throw UserError(tmp.string() + ": cannot rename (" + std::strerror(errno) + ")");
    }
    Sync(dir_, /*folder=*/true);
  } catch (const UserError& e) {
    std::error_code ec;
    fs::remove(tmp, ec);
    const std::string kept =
        previous.empty()
            ? "there is no earlier checkpoint"
            : "the last good checkpoint " + fs::path(previous).filename().string() + " is kept";
    throw UserError(final_path.string() +
                    ": cannot write checkpoint: " + Reason(e.what(), tmp.string()) + "; " + kept);
  }

  // keep only the newest, and drop temporaries a killed run left
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const auto ext = entry.path().extension();
    if (entry.path() != final_path && (ext == ".h5" || ext == ".tmp")) fs::remove(entry.path(), ec);
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

void Checkpointer::RestoreAgent(const std::string& path, Agent& agent, RewardPipeline* reward) {
  const h5::File f = OpenCheckpoint(path);
  agent.Load(f.OpenGroup("agent"));
  if (reward && reward->Learned()) reward->Load(f.OpenGroup("trainer/reward"));
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
