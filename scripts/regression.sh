#!/usr/bin/env bash
# Bit-for-bit regression check of training: CartPole PPO and Pendulum SAC (seeds 0-2) and Hopper
# PPO (seed 0, 100k steps) hashed over episodes, evaluations, losses and rollouts.
#   scripts/regression.sh record [BUILD_DIR]   # write scripts/regression_hashes.txt
#   scripts/regression.sh check  [BUILD_DIR]   # compare with it; exit 1 on any difference
# Float results depend on the compiler, its flags and the CPU (-march=native), so the hashes file
# names the machine it was recorded on; compare only on that machine with the same build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-check}"
build="${2:-$root/build}"
hashes="$root/scripts/regression_hashes.txt"
bin="$build/rewardlab"
[ -x "$bin" ] || { echo "regression.sh: $bin is missing; run scripts/build.sh first" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

runs=()
train() {  # name config [--set...]
  local name="$1" config="$2"
  shift 2
  "$bin" train "$root/experiments/configs/$config" --out "$out/$name" --quiet "$@" >/dev/null
  runs+=("$name")
}
for seed in 0 1 2; do
  train "cartpole_ppo_s$seed" cartpole_ppo.yaml --seed "$seed"
  train "pendulum_sac_s$seed" pendulum_sac.yaml --seed "$seed"
done
train hopper_ppo_100k_s0 hopper_ppo.yaml --seed 0 --set total_steps=100000

actual="$out/hashes.txt"
for name in "${runs[@]}"; do
  echo "$name $(/usr/bin/python3 "$root/scripts/regression_hash.py" "$out/$name/run.h5")"
done >"$actual"

machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(g++ --version | head -1)"
case "$mode" in
  record)
    { echo "# recorded $(date -u +%F) at $(git -C "$root" rev-parse --short HEAD) on $machine"
      cat "$actual"; } >"$hashes"
    cat "$hashes" ;;
  check)
    if diff <(grep -v '^#' "$hashes") "$actual"; then
      echo "regression: all ${#runs[@]} runs bit-identical to $(head -1 "$hashes" | cut -c3-)"
    else
      echo "regression: runs differ from $hashes (this machine: $machine)" >&2
      exit 1
    fi ;;
  *) echo "usage: scripts/regression.sh record|check [BUILD_DIR]" >&2; exit 2 ;;
esac
