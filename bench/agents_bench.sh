#!/usr/bin/env bash
# Learning and speed benchmark of the agents (issue "Agents"): for each config, 5 seeds of
# `rewardlab train`, whole-process wall time, peak memory and the final deterministic evaluation.
#   bench/agents_bench.sh [BUILD_DIR] [SEEDS]      (defaults: build, "0 1 2 3 4")
# Prints a Markdown table; results/agents.md records its output with the date and machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
seeds="${2:-0 1 2 3 4}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "| config | seed | final eval return (10 episodes) | wall s | steps/s | peak RSS MiB |"
echo "|---|---:|---:|---:|---:|---:|"
for config in cartpole_ppo pendulum_sac; do
  for seed in $seeds; do
    log="$out/$config-$seed.log"
    # eval only at the end, as the speed targets count the training itself
    /usr/bin/time -f "%e %M" -o "$out/time" "$build/rewardlab" train \
      "$root/experiments/configs/$config.yaml" --seed "$seed" --quiet \
      --set eval.every_steps=0 --out "$out/$config-$seed" > "$log"
    read -r wall rss < "$out/time"
    steps=$(grep -o '[0-9]* steps' "$log" | head -1 | cut -d' ' -f1)
    ret=$(grep -o 'return_mean=[-0-9.]*' "$log" | tail -1 | cut -d= -f2)
    sps=$(awk -v s="$steps" -v w="$wall" 'BEGIN { printf "%.0f", s / w }')
    echo "| $config | $seed | $ret | $wall | $sps | $((rss / 1024)) |"
  done
done
