#!/usr/bin/env bash
# Installs, builds and runs the whole test suite under CTest.
#   scripts/test.sh              every label (unit, contract, fault, smoke, learning, slow, viewer)
#   scripts/test.sh --sanitize   an ASan+UBSan build in build-asan/ with warnings as errors (its
#                                flags do not depend on the host CPU), unit, contract and fault
#                                tests
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = "--sanitize" ]; then
  "$root/scripts/build.sh" "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DREWARDLAB_SANITIZE=ON \
    -DREWARDLAB_NATIVE=OFF -DREWARDLAB_WERROR=ON -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"
  cd "$root/build-asan"
  # libhdf5's own leak on a failed read of a damaged file is suppressed (scripts/lsan.supp)
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0" \
    ctest -L 'unit|contract|fault' -j "$(nproc)" --output-on-failure
else
  "$root/scripts/build.sh" "$root/build"
  cd "$root/build"
  ctest -j "$(nproc)" --output-on-failure
fi
