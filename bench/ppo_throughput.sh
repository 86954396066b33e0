#!/usr/bin/env bash
# PPO training throughput on Hopper-v4 against the env's own stepping cost (issue "MuJoCo"):
#   bench/ppo_throughput.sh [BUILD_DIR] [STEPS] [REPEATS]   (defaults: build, 204800, 1)
# Each row trains experiments/configs/hopper_ppo.yaml (no evaluation, no checkpoints) and reads
# the run file: SPS = env steps per wall second of the training loop, env_SPS = env steps per
# second of the time spent inside VecEnv::Step on the same states, so SPS / env_SPS is the
# physics' share of training time (with rollout shards env_SPS counts the whole collection,
# acting included). `mujoco_bench --filter Hopper-v4` gives the random-action
# raw loop for comparison. Prints a Markdown table.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
steps="${2:-204800}"
repeats="${3:-1}"
python="${PYTHON:-/usr/bin/python3}"  # needs h5py and numpy
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

# name | overrides: CleanRL's 1 env on one core; 2 envs x 1024 and 8 envs x 256 steps (the same
# 2048-step batch) on one and on two cores, with the minibatch gradient split into 2 shards;
# then the 8 envs collected in 2 rollout shards (agent.rollout_shards, no per-step barrier)
two="agent.grad_shards=2"
eight="env.num_envs=8 agent.num_steps=256 $two"
rows=(
  "1 env, 1 thread|"
  "2 envs, 1 thread|env.num_envs=2 agent.num_steps=1024 $two"
  "2 envs, 2 threads|env.num_envs=2 agent.num_steps=1024 $two env.threads=2 agent.threads=2"
  "8 envs, 1 thread|$eight"
  "8 envs, 2 threads|$eight env.threads=2 agent.threads=2"
  "8 envs in 2 rollout shards, 1 thread|$eight agent.rollout_shards=2"
  "8 envs in 2 rollout shards, 2 threads|$eight agent.rollout_shards=2 env.threads=2 agent.threads=2"
)
echo "| setup | wall s | SPS (median) | env_SPS (median) | SPS / env_SPS | s per 1M steps |"
echo "|---|---:|---:|---:|---:|---:|"
for ((k = 0; k < repeats; ++k)); do for row in "${rows[@]}"; do
  name="${row%%|*}"
  sets=()
  for kv in ${row#*|}; do sets+=(--set "$kv"); done
  run="$out/run-${#name}-$RANDOM"
  start=$(date +%s.%N)
  "$build/rewardlab" train "$root/experiments/configs/hopper_ppo.yaml" --quiet --out "$run" \
    --set total_steps="$steps" --set eval.every_steps=0 --set checkpoint.every_steps=0 \
    --set eval.episodes=1 "${sets[@]}" > /dev/null
  wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
  "$python" - "$run/run.h5" "$name" "$wall" <<'PY'
import sys
import h5py
import numpy as np
path, name, wall = sys.argv[1], sys.argv[2], float(sys.argv[3])
with h5py.File(path, "r", libver="latest", swmr=True) as f:
    sps = np.median(f["metrics/charts/SPS"][()])
    env_sps = np.median(f["metrics/charts/env_SPS"][()])
print(f"| {name} | {wall:.1f} | {sps:.0f} | {env_sps:.0f} | {sps / env_sps:.2f} | {1e6 / sps:.0f} |")
PY
done; done
