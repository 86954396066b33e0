#!/usr/bin/env bash
# Everything issue 21 measures about SAC's cost, as Markdown for results/sac.md:
#   bench/sac_bench.sh [BUILD_DIR] [RLTOOLS_BIN]
# 1. the networks' products on Eigen, OpenBLAS and nn::Gemm (rewardlab's choice);
# 2. ms per gradient step against the GEMM floor under each linear-algebra choice: rewardlab's
#    (OPENBLAS_CORETYPE unset: SkylakeX on AVX-512, what a CPU missing from OpenBLAS's table gets
#    too), OpenBLAS's own choice for this CPU, the old behaviour on a misdetected CPU (OpenBLAS
#    forced to Prescott) and rewardlab's answer to it (Eigen);
# 3. a replay buffer of 10k, 100k and 1M Hopper transitions: ms per step and peak RSS;
# 4. two threads against two processes (bench/sac_threads.sh);
# 5. with RLTOOLS_BIN, the matched Pendulum work side by side (bench/sac_vs_rltools.sh).
# Each sac_bench runs on one core (taskset -c ${CPU:-1}).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
rltools="${2:-}"
cpu="${CPU:-1}"
bench() { taskset -c "$cpu" "$build/sac_bench" "$@"; }

echo "# bench/sac_bench.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), commit $(git -C "$root" rev-parse --short HEAD), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## 1. Products (rewardlab's choice, OPENBLAS_CORETYPE unset)"
env -u OPENBLAS_CORETYPE -u REWARDLAB_BLAS "$build/sac_bench" --gemm 1
echo
echo "## 2. SAC gradient steps under each linear-algebra choice"
echo
echo "The floor of every row divides by the peak of the first row (rewardlab's choice), the"
echo "machine's: a process on slower kernels cannot measure it."
peak=""
for choice in "rewardlab's choice|-u OPENBLAS_CORETYPE -u REWARDLAB_BLAS" \
              "OpenBLAS's own choice|-u OPENBLAS_CORETYPE REWARDLAB_BLAS=openblas" \
              "before: OpenBLAS on a misdetected CPU (Prescott)|OPENBLAS_CORETYPE=Prescott REWARDLAB_BLAS=openblas" \
              "rewardlab on a misdetected CPU (Prescott -> Eigen)|-u REWARDLAB_BLAS OPENBLAS_CORETYPE=Prescott"; do
  IFS='|' read -r name vars <<< "$choice"
  echo
  echo "### $name"
  # shellcheck disable=SC2086
  env $vars taskset -c "$cpu" "$build/sac_bench" --seconds 1 --repeats 5 ${peak:+--peak "$peak"} |
    tee /tmp/sac_bench_out.$$
  [ -n "$peak" ] || peak=$(sed -n 's/^# GEMM peak on one thread: \([0-9.]*\).*/\1/p' /tmp/sac_bench_out.$$)
done
rm -f /tmp/sac_bench_out.$$
echo
echo "## 3. Replay buffer size (hopper, rewardlab's choice)"
for stored in 10000 100000 1000000; do
  env -u OPENBLAS_CORETYPE -u REWARDLAB_BLAS /usr/bin/time -f "peak RSS %M KB" -o /tmp/sac_bench_time.$$ \
    taskset -c "$cpu" "$build/sac_bench" --shape hopper --stored "$stored" --seconds 1 --repeats 5 |
    grep '^| hopper'
  echo "stored $stored: $(cat /tmp/sac_bench_time.$$)"
done
rm -f /tmp/sac_bench_time.$$
echo
echo "## 4. Two threads"
env -u OPENBLAS_CORETYPE -u REWARDLAB_BLAS "$root/bench/sac_threads.sh" "$build" hopper 3
if [ -n "$rltools" ]; then
  echo
  echo "## 5. Matched Pendulum work against RLtools"
  "$root/bench/sac_vs_rltools.sh" "$rltools" "$build"
fi
