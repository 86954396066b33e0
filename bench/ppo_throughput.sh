#!/usr/bin/env bash
# PPO training throughput on Hopper-v4 against the env's own stepping cost (issue "MuJoCo"):
#   bench/ppo_throughput.sh [BUILD_DIR] [STEPS] [REPEATS]   (defaults: build, 204800, 1)
# Each row trains experiments/configs/hopper_ppo.yaml or hopper_ppo_2core.yaml (no evaluation,
# no checkpoints) and reads the run file: SPS = env steps per wall second of the training loop,
# env_SPS = env steps per second of the time spent inside VecEnv::Step on the same states, so
# SPS / env_SPS is the physics' share of training time (with rollout shards env_SPS counts the
# whole collection, acting included). The last row runs the one-thread sharded row twice at once
# as two processes, which share nothing: its summed SPS is what this machine's two cores give
# work that never waits for the other core, the ceiling for the two-thread row. Repeats run the
# rows in turn, so slow drift in the machine's speed lands on every row alike; the ratios below
# the table are per repeat. SPS p90 is the 90th percentile of a run's per-update SPS (summed over
# the two processes of the last row): a VM whose cores switch between a fast and a slow state
# every few seconds (the 2-vCPU development machine) shows each row's fast state there. `mujoco_bench --filter Hopper-v4` gives the random-action raw
# loop. Prints Markdown.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
steps="${2:-204800}"
repeats="${3:-1}"
python="${PYTHON:-/usr/bin/python3}"  # needs h5py and numpy
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
configs="$root/experiments/configs"

# name | config | overrides
one="env.threads=1 agent.threads=1"
rows=(
  "1 env, 1 thread (CleanRL's config)|hopper_ppo|"
  "8 envs lockstep, 2 threads|hopper_ppo_2core|agent.rollout_shards=0"
  "8 envs in 8 rollout shards, 1 thread|hopper_ppo_2core|$one"
  "8 envs in 8 rollout shards, 2 threads|hopper_ppo_2core|"
  "two processes of the 1-thread sharded row at once|hopper_ppo_2core|$one"
)

# trains one row into $1 with seed $2
train() {
  local dir="$1" seed="$2" config="$3"
  shift 3
  "$build/rewardlab" train "$configs/$config.yaml" --quiet --out "$dir" --seed "$seed" \
    --set total_steps="$steps" --set eval.every_steps=0 --set checkpoint.every_steps=0 \
    --set eval.episodes=1 "$@" > /dev/null
}

for ((k = 0; k < repeats; ++k)); do
  for ((r = 0; r < ${#rows[@]}; ++r)); do
    IFS='|' read -r name config overrides <<< "${rows[r]}"
    sets=()
    for kv in $overrides; do sets+=(--set "$kv"); done
    start=$(date +%s.%N)
    if [[ "$name" == two\ processes* ]]; then
      train "$out/$k-$r-a" 0 "$config" "${sets[@]}" &
      train "$out/$k-$r-b" 1 "$config" "${sets[@]}"
      wait
    else
      train "$out/$k-$r-a" 0 "$config" "${sets[@]}"
    fi
    wall=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
    echo "$k	$r	$name	$wall" >> "$out/rows.tsv"
  done
done

"$python" - "$out" "$steps" <<'PY'
import glob
import sys
import h5py
import numpy as np
out, steps = sys.argv[1], int(sys.argv[2])
def stats(run):
    with h5py.File(run + "/run.h5", "r", libver="latest", swmr=True) as f:
        sps, env_sps = f["metrics/charts/SPS"][()], f["metrics/charts/env_SPS"][()]
    return np.median(sps), np.percentile(sps, 90), np.median(env_sps)
rows, names = {}, {}
for line in open(out + "/rows.tsv"):
    k, r, name, wall = line.rstrip("\n").split("\t")
    runs = [stats(p) for p in sorted(glob.glob(f"{out}/{k}-{r}-*"))]
    rows.setdefault(int(r), []).append((float(wall), *np.sum(runs, axis=0)))
    names[int(r)] = name
print("| setup | wall s | SPS (median) | SPS p90 | env_SPS (median) | SPS / env_SPS | s per 1M steps |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r in sorted(rows):
    wall, sps, p90, env_sps = zip(*rows[r])
    join = lambda values, fmt: " / ".join(f"{v:{fmt}}" for v in values)
    print(f"| {names[r]} | {join(wall, '.1f')} | {join(sps, '.0f')} | {join(p90, '.0f')} | "
          f"{join(env_sps, '.0f')} | {join(np.divide(sps, env_sps), '.2f')} | "
          f"{join(np.divide(1e6, sps), '.0f')} |")
def line(label, a, b, col=1):
    x = np.array([v[col] for v in rows[a]]) / np.array([v[col] for v in rows[b]])
    print(f"- {label}: " + " / ".join(f"{v:.2f}x" for v in x) + f" (median {np.median(x):.2f}x)")
print()
line("two threads against CleanRL's config, medians", 3, 0)
line("two threads against the same config on one thread, medians", 3, 2)
line("the same, p90s (each row's fast state)", 3, 2, col=2)
line("two processes against one (the machine's two-core ceiling), medians", 4, 2)
line("two threads against that ceiling, medians", 3, 4)
PY
