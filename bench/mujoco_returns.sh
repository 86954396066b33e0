#!/usr/bin/env bash
# The 1M-step return runs of issue "MuJoCo", one after another at the lowest CPU priority:
#   bench/mujoco_returns.sh [BUILD_DIR] [OUT_DIR]     (defaults: build, results/runs/mujoco)
# PPO Hopper-v4 seeds 0-2, then SAC HalfCheetah-v4 and SAC Hopper-v4 seed 0. A run that already
# finished is skipped and one that was interrupted is resumed from its last checkpoint, so the
# script can be restarted at any time (SAC needs hours per run on 2 vCPUs). Summarise with
# bench/returns_summary.py OUT_DIR/*.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
out="${2:-$root/results/runs/mujoco}"
mkdir -p "$out"

run() {  # CONFIG SEED
  local dir="$out/$1-s$2"
  if [[ -f "$dir/run.h5" ]]; then
    nice -n 19 "$build/rewardlab" train --resume "$dir" --quiet || true  # exit 2 when finished
  else
    nice -n 19 "$build/rewardlab" train "$root/experiments/configs/$1.yaml" --seed "$2" \
      --set checkpoint.every_steps=20000 --out "$dir" --quiet
  fi
}

for seed in 0 1 2; do run hopper_ppo "$seed"; done
run halfcheetah_sac 0
run hopper_sac 0
