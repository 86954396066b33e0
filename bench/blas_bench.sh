#!/usr/bin/env bash
# sgemm GFLOP/s on one thread under each linear-algebra choice (nn/blas.h), one process each,
# since OpenBLAS picks its kernels when it is loaded:
#   bench/blas_bench.sh [BUILD_DIR] [REPEATS]   (defaults: build, 5)
# Rows: Eigen; OpenBLAS as it selects by itself; OpenBLAS forced to Prescott (what it falls back
# to on a CPU missing from its table), SkylakeX and Haswell; then nn::Gemm as rewardlab chooses
# without OPENBLAS_CORETYPE and with OPENBLAS_CORETYPE=Prescott; last, nn_bench's 256-256 critic
# under the old behaviour on a misdetecting CPU (OpenBLAS Prescott), the Eigen fallback and
# rewardlab's choice. The "report:" line above each table is that process's BlasReport(). Prints
# Markdown, with the machine's load before and after: other processes lower every number.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
repeats="${2:-5}"
bench="$build/blas_bench"
# run TITLE PATHS ENV_ARGS...: one process of blas_bench under `env ENV_ARGS`
run() {
  local title="$1" paths="$2"
  shift 2
  printf '\n## %s\n\n' "$title"
  env "$@" "$bench" --paths "$paths" --repeats "$repeats" | sed 's/^# /report: /'
}

echo "# blas_bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), load: $(cut -d' ' -f1-3 /proc/loadavg)"
run "Eigen, and OpenBLAS as it selects by itself" eigen,openblas \
  -u OPENBLAS_CORETYPE REWARDLAB_BLAS=openblas
for core in Prescott SkylakeX Haswell; do
  run "OpenBLAS forced $core" openblas OPENBLAS_CORETYPE=$core REWARDLAB_BLAS=openblas
done
run "nn::Gemm, rewardlab's choice (OPENBLAS_CORETYPE unset)" gemm \
  -u OPENBLAS_CORETYPE -u REWARDLAB_BLAS
run "nn::Gemm, rewardlab's choice with OPENBLAS_CORETYPE=Prescott (as on a CPU OpenBLAS misdetects)" \
  gemm -u REWARDLAB_BLAS OPENBLAS_CORETYPE=Prescott

# the networks: SAC's critic (256-256 ReLU, batch 256) through nn::Gemm under three choices
printf '\n## nn_bench: a 256-256 critic on a batch of 256 (microseconds per call)\n\n'
for cfg in "REWARDLAB_BLAS=openblas OPENBLAS_CORETYPE=Prescott" \
  "-u REWARDLAB_BLAS OPENBLAS_CORETYPE=Prescott" "-u REWARDLAB_BLAS -u OPENBLAS_CORETYPE"; do
  echo "env $cfg:"
  # shellcheck disable=SC2086
  env $cfg "$build/nn_bench" --min-seconds 0.5 | grep -E '^linear|256-256|256x256' | sed 's/^/    /'
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
