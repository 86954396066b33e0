#!/usr/bin/env bash
# Training throughput with and without the `train --view` window: the same run (CONFIG, STEPS env
# steps, seed 0) trained plainly and with --view, alternating, REPEATS times each, all inside one
# Xvfb server. The window is the hidden one of --screenshot with --frames large enough to outlast
# training (it draws at most LiveViewer::kMaxFps frames per second, as the interactive window
# does, and takes its picture once training has finished). Prints, for every run, the median of
# charts/SPS (the loop's env steps per second per iteration, from run.h5), the wall time and the
# CPU time (user + system, all threads), then the drop of the median SPS with the window and the
# CPU time the window added. On a shared machine SPS moves with the other load; the added CPU
# time is the window's own cost and moves much less.
#   bench/view_overhead.sh [BUILD_DIR] [REPEATS] [CONFIG] [STEPS]
#   (defaults: build, 3, experiments/configs/hopper_ppo.yaml, 100000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(realpath "${1:-$root/build}")/rewardlab"
repeats="${2:-3}"
config="${3:-$root/experiments/configs/hopper_ppo.yaml}"
steps="${4:-100000}"

# everything below runs inside one Xvfb server
if [ -z "${VIEW_OVERHEAD_INNER:-}" ]; then
  export VIEW_OVERHEAD_INNER=1
  exec xvfb-run -a -s "-screen 0 1280x720x24" "$0" "$@"
fi

work="$(mktemp -d /tmp/rewardlab_view_bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
median_sps() {
  /usr/bin/python3 -c '
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r", libver="latest", swmr=True) as f:
    print("%.0f" % np.median(f["metrics/charts/SPS"][()]))' "$1/run.h5"
}
# one training run; prints "median_sps wall_seconds cpu_seconds"
train() {
  local dir="$1" cpu
  shift
  cpu=$( { /usr/bin/time -f "%e %U %S" "$bin" train "$config" --out "$dir" \
    --set "total_steps=$steps" --quiet "$@" > /dev/null; } 2>&1 | tail -1)
  read -r wall user sys <<< "$cpu"
  echo "$(median_sps "$dir") $wall $(echo "$user + $sys" | bc)"
}

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$root" rev-parse --short=12 HEAD)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "config: $config, $steps steps; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
plain=() viewed=()
for r in $(seq "$repeats"); do
  read -r sps wall cpu < <(train "$work/plain_$r")
  plain+=("$sps,$cpu")
  echo "repeat $r without window: median SPS $sps, wall ${wall} s, CPU ${cpu} s"
  read -r sps wall cpu < <(train "$work/view_$r" --view --screenshot "$work/view_$r.png" \
    --frames 1000000000)
  viewed+=("$sps,$cpu")
  echo "repeat $r with window:    median SPS $sps, wall ${wall} s, CPU ${cpu} s"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 -c '
import sys, statistics
n = len(sys.argv) // 2
plain = [[float(x) for x in a.split(",")] for a in sys.argv[1:n + 1]]
viewed = [[float(x) for x in a.split(",")] for a in sys.argv[n + 1:]]
p, v = (statistics.median(r[0] for r in runs) for runs in (plain, viewed))
pc, vc = (statistics.median(r[1] for r in runs) for runs in (plain, viewed))
print("median over repeats: without %.0f SPS, with window %.0f SPS, drop %.1f%%"
      % (p, v, 100 * (p - v) / p))
print("median CPU time: without %.1f s, with window %.1f s (+%.1f s, %.1f%%)"
      % (pc, vc, vc - pc, 100 * (vc - pc) / pc))' "${plain[@]}" "${viewed[@]}"
