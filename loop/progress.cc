#include "loop/progress.h"

#include <unistd.h>

namespace rl {

ProgressHook::ProgressHook(int64_t total_steps, double interval_s, std::FILE* out)
    : total_steps_(total_steps),
      interval_s_(interval_s),
      out_(out),
      tty_(isatty(fileno(out))),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

void ProgressHook::OnEpisode(const EpisodeRecord& episode) {
  recent_.push_back(episode.env_return);
  if (recent_.size() > 20) recent_.pop_front();
}

void ProgressHook::OnEval(const EvalRecord& eval) {
  last_eval_ = eval.mean;
  has_eval_ = true;
}

void ProgressHook::OnIteration(int64_t step, const IterationTiming& /*timing*/) {
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_print_).count() < interval_s_) return;
  last_print_ = now;
  Print(step, false);
}

void ProgressHook::OnEnd(int64_t step) { Print(step, true); }

void ProgressHook::EndLine() {
  if (!open_line_) return;
  std::fprintf(out_, "\n");
  std::fflush(out_);
  open_line_ = false;
}

void ProgressHook::Print(int64_t step, bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double sps = elapsed > 0 ? step / elapsed : 0.0;
  const double eta = sps > 0 ? (total_steps_ - step) / sps : 0.0;
  double mean = 0.0;
  for (double r : recent_) mean += r;
  if (!recent_.empty()) mean /= recent_.size();

  // one line: where we are, how fast, how long to go, how well
  std::fprintf(out_, "%s%10lld/%lld steps %3.0f%%  %8.0f steps/s  %s %5.1fs", tty_ ? "\r" : "",
               static_cast<long long>(step), static_cast<long long>(total_steps_),
               100.0 * step / total_steps_, sps, final ? "took" : "ETA ", final ? elapsed : eta);
  if (!recent_.empty()) std::fprintf(out_, "  return %.1f (last %zu)", mean, recent_.size());
  if (has_eval_) std::fprintf(out_, "  eval %.1f", last_eval_);
  open_line_ = tty_ && !final;
  std::fprintf(out_, "%s", open_line_ ? "   " : "\n");
  std::fflush(out_);
}

}  // namespace rl
