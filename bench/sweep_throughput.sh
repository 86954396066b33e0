#!/usr/bin/env bash
# Throughput of `rewardlab sweep`: 4 CartPole PPO runs (STEPS env steps each) with the local
# backend one at a time (--jobs 1) and two at a time (--jobs 2), and, where SLURM can start here,
# the same sweep as an array with one task at a time (--throttle 1) to measure the per-task
# overhead of SLURM against --jobs 1. Prints one line per measurement.
#   bench/sweep_throughput.sh [BUILD_DIR] [STEPS] [REPEATS]     (defaults: build, 400000, 1)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$(realpath "${1:-$root/build}")/rewardlab"
steps="${2:-400000}"
repeats="${3:-1}"
work="$(mktemp -d /tmp/rewardlab_sweep_bench.XXXXXX)"
chmod 0755 "$work"
source "$root/tests/slurm/slurm_local.sh"
trap 'slurm_stop > /dev/null 2>&1 || true; rm -rf "$work"' EXIT

config="$root/experiments/configs/cartpole_ppo.yaml"
sets=(--grid "total_steps=$steps" --grid "eval.every_steps=$((steps / 4))")
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$repeats"); do
  t1=$(seconds "$bin" sweep "$config" --seeds 0:4 "${sets[@]}" --jobs 1 --out "$work/j1_$r")
  t2=$(seconds "$bin" sweep "$config" --seeds 0:4 "${sets[@]}" --jobs 2 --out "$work/j2_$r")
  echo "repeat $r: 4 runs x $steps steps: --jobs 1 ${t1} s, --jobs 2 ${t2} s, speed-up $(echo "scale=2; $t1 / $t2" | bc)"
done
echo "load average after local: $(cut -d' ' -f1-3 /proc/loadavg)"

if command -v sbatch > /dev/null && [ "$(id -u)" -eq 0 ] && slurm_start "$work" > /dev/null; then
  for r in $(seq "$repeats"); do
    tl=$(seconds "$bin" sweep "$config" --seeds 0:4 "${sets[@]}" --jobs 1 --out "$work/l_$r")
    ts=$(seconds "$bin" sweep "$config" --seeds 0:4 "${sets[@]}" --backend slurm --throttle 1 \
      --out "$work/s_$r")
    echo "repeat $r: slurm --throttle 1 ${ts} s vs local --jobs 1 ${tl} s: overhead per task $(echo "scale=2; ($ts - $tl) / 4" | bc) s"
  done
else
  echo "slurm: not measured (SLURM cannot start here)"
fi
