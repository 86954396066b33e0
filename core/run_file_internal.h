// Pieces shared by the run file writer and reader. Not a public API.
#ifndef REWARDLAB_CORE_RUN_FILE_INTERNAL_H_
#define REWARDLAB_CORE_RUN_FILE_INTERNAL_H_

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/h5.h"
#include "core/run_file.h"

namespace rl::run_file_internal {

// An appendable dataset whose new rows wait in memory until Flush: one extent change and one
// write per dataset per flush, instead of one per row. Readers and crash safety see no difference,
// since rows become visible and durable at H5Fflush either way.
template <h5::Element T>
struct Column {
  h5::Appendable<T> dataset;
  std::vector<T> pending;  // [rows x cols] not yet written

  void Append(T value) { pending.push_back(value); }
  void AppendRows(std::span<const T> rows) {
    pending.insert(pending.end(), rows.begin(), rows.end());
  }
  void Write() {
    if (pending.empty()) return;
    dataset.AppendRows(pending);
    pending.clear();
  }
  void Resize(uint64_t rows) {
    Write();
    dataset.Resize(rows);
  }
  // Reads every stored row, so that damaged metadata fails here (see RunFile::OpenForResume).
  void ReadBack() const { (void)dataset.ReadAll(); }
  uint64_t Rows() const { return dataset.Rows() + pending.size() / dataset.Cols(); }
  uint64_t Cols() const { return dataset.Cols(); }
  const std::string& Name() const { return dataset.Name(); }
};

// The writer's /rollouts datasets: one row per recorded episode (the index), and one row per step
// of those episodes.
struct RolloutColumns {
  Column<int64_t> step, episode, length, offset, start_rng;
  Column<double> episode_return, start_state;
  Column<uint8_t> terminated;
  Column<double> action, reward, terms;

  // Creates (when `create`) or opens every dataset of `layout`.
  void Bind(const h5::File& file, const RolloutLayout& layout, bool create);
  // Writes the buffered rows (readers keep only index rows whose steps are all there).
  void Write();
  // Reads every stored row of every dataset back (Column::ReadBack).
  void ReadBack() const;
  // Buffers one episode; throws when its widths differ from the datasets'.
  void Append(const std::string& path, const RecordedEpisode& e);
};

// The widths of a file's /rollouts datasets (all 0 for a file without them).
RolloutLayout ReadRolloutLayout(const h5::File& file);

// Reads the rollout index of a file into `d` (nothing for a file without /rollouts datasets),
// keeping only the episodes whose steps are all present.
void ReadRolloutIndex(const h5::File& file, RunData& d);

// Splits "losses/approx_kl" into ("losses", "approx_kl") at the last '/'; throws for a name
// without a group or with an empty part.
std::pair<std::string, std::string> SplitMetric(const std::string& full);

// Throws a one-line UserError unless the file says format="rewardlab-run", format_version=1.
void CheckFormat(const h5::File& file);

// The term names, metric names (grouped), eval width and rollout widths stored in a run file.
RunLayout ReadLayout(const h5::File& file);

}  // namespace rl::run_file_internal

#endif  // REWARDLAB_CORE_RUN_FILE_INTERNAL_H_
