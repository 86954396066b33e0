#!/usr/bin/env bash
# Matched-work SAC Pendulum-v1 against RLtools, side by side: 20k env steps, 2x64 ReLU networks,
# batch 100, one gradient step per env step from step 100, a final deterministic evaluation of
# 100 episodes in both. RLtools is built outside this repository (its zoo target
# rl_zoo_pendulum_v1_sac_benchmark, RLtools' own Release CMake); pass that binary.
#   bench/sac_vs_rltools.sh RLTOOLS_BIN [BUILD_DIR] [SEEDS]   (defaults: build, "0 1 2 3 4")
# Runs alternate (RLtools, rewardlab, per seed) on one core (taskset -c ${CPU:-1}), both with
# OPENBLAS_CORETYPE unset and one OpenBLAS thread. Prints one Markdown row per run and the medians.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rltools="${1:?usage: bench/sac_vs_rltools.sh RLTOOLS_BIN [BUILD_DIR] [SEEDS]}"
build="${2:-$root/build}"
seeds="${3:-0 1 2 3 4}"
cpu="${CPU:-1}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
export OPENBLAS_NUM_THREADS=1
unset OPENBLAS_CORETYPE

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), core $cpu, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| seed | RLtools s | RLtools return | rewardlab s | rewardlab return |"
echo "|---:|---:|---:|---:|---:|"
for seed in $seeds; do
  (cd "$out" && /usr/bin/time -o "$out/t_rlt" -f "%e" taskset -c "$cpu" "$rltools" --seed "$seed" >"$out/rlt.log" 2>&1)
  rlt_ret=$(grep -o "Step: 20000/20000 Mean return: [-0-9.e]*" "$out/rlt.log" | awk '{print $NF}')
  rm -rf "$out/run"
  /usr/bin/time -o "$out/t_rl" -f "%e" taskset -c "$cpu" "$build/rewardlab" train \
    "$root/experiments/configs/pendulum_sac.yaml" --seed "$seed" --quiet \
    --set agent.batch_size=100 --set agent.train_freq=1 --set eval.every_steps=0 \
    --set eval.episodes=100 --out "$out/run" >"$out/rl.log"
  rl_ret=$(grep -o 'return_mean=[-0-9.]*' "$out/rl.log" | tail -1 | cut -d= -f2)
  echo "| $seed | $(cat "$out/t_rlt") | $rlt_ret | $(cat "$out/t_rl") | $rl_ret |" | tee -a "$out/rows"
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo
echo "median wall: RLtools $(cut -d'|' -f3 "$out/rows" | median) s, rewardlab $(cut -d'|' -f5 "$out/rows" | median) s; load after $(cut -d' ' -f1-3 /proc/loadavg)"
