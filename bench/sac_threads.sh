#!/usr/bin/env bash
# SAC's update on two threads against this machine's two-process ceiling (issue 21 item 3):
#   bench/sac_threads.sh [BUILD_DIR] [SHAPE] [REPEATS]   (defaults: build, hopper, 3)
# Rows, in turn per repeat: sac_bench on one thread alone; on two threads alone (the twin critics
# side by side, the actor's batch in two shards); and two one-thread processes at once, which share
# nothing: their summed steps per second is what the two cores give work that never waits for the
# other core, the ceiling for the two-thread row. OPENBLAS_CORETYPE is left as the caller set it.
# Prints Markdown: gradient steps per second and two-thread / ceiling per repeat.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
shape="${2:-hopper}"
repeats="${3:-3}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# steps per second of one sac_bench process (its median ms per step)
sps() { "$build/sac_bench" --shape "$shape" --threads "$1" --seconds 2 --repeats 3 |
  awk -F'|' '/^\| '"$shape"' /{ printf "%.1f", 1000 / $4 }'; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $("$build/sac_bench" --shape none --seconds 0.1 | head -1 | sed 's/^# //')"
echo "| repeat | 1 thread steps/s | 2 threads steps/s | two 1-thread processes steps/s (sum) | 2 threads / ceiling |"
echo "|---:|---:|---:|---:|---:|"
for ((k = 0; k < repeats; ++k)); do
  one=$(sps 1)
  two=$(sps 2)
  sps 1 > "$out/a" &
  sps 1 > "$out/b"
  wait
  ceiling=$(awk -v a="$(cat "$out/a")" -v b="$(cat "$out/b")" 'BEGIN { printf "%.1f", a + b }')
  ratio=$(awk -v t="$two" -v c="$ceiling" 'BEGIN { printf "%.2f", t / c }')
  echo "| $k | $one | $two | $ceiling | $ratio |"
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
