#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/*_fuzz.cc) with clang, libFuzzer, ASan and UBSan in build-fuzz/ and
# runs each for SECONDS (default 600). New inputs go to build-fuzz/corpus/<target>/ (the seeds in
# fuzz/corpus/ are only read); a finding is written to build-fuzz/artifacts/<target>/ and makes the
# script exit 1 after every target has run.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 60 config_fuzz
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-600}"
shift || true
build="$root/build-fuzz"

"$root/scripts/install-deps.sh"
if ! command -v clang++-14 >/dev/null ||
   ! compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null; then
  echo "fuzz: installing clang-14 and its libFuzzer runtime"
  apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev >/dev/null
fi
CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DREWARDLAB_FUZZ=ON -DREWARDLAB_NATIVE=OFF -DREWARDLAB_VIEWER=OFF >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for src in "$root"/fuzz/*_fuzz.cc; do targets+=("$(basename "$src" .cc)"); done
fi
ninja -C "$build" -j "$(nproc)" -k 1 "${targets[@]}" | { grep -v '^\[' || true; }

failed=()
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t" artifacts="$build/artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  echo "fuzz: $t for ${seconds}s"
  # UBSan findings abort like ASan's; the run's summary lines (execs, coverage) go to the log
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
       LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp" \
       UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       "$build/$t" "$corpus" "$root/fuzz/corpus/${t%_fuzz}" -max_total_time="$seconds" \
       -timeout=20 -rss_limit_mb=4096 -malloc_limit_mb=4096 -artifact_prefix="$artifacts" \
       -print_final_stats=1 >"$build/$t.log" 2>&1; then
    failed+=("$t")
  fi
  grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$build/$t.log" || true
  echo "fuzz: $t: $(ls "$artifacts" | wc -l) findings, corpus $(ls "$corpus" | wc -l) inputs"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]} (see build-fuzz/<target>.log and build-fuzz/artifacts/)" >&2
  exit 1
fi
