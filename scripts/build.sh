#!/usr/bin/env bash
# Installs missing dependencies, then configures and builds rewardlab. Warnings are shown, never
# fatal: a user's build must not fail on a compiler's false positive for their CPU. CI adds
# -DREWARDLAB_WERROR=ON to a build with a fixed -march (scripts/test.sh --sanitize).
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]   (default BUILD_DIR: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${1:-$root/build}"
shift || true

"$root/scripts/install-deps.sh"
# WERROR is set OFF explicitly so a folder configured by an older script forgets it; "$@" may
# turn it back on
cmake -S "$root" -B "$build_dir" -G Ninja -DREWARDLAB_WERROR=OFF "$@" >/dev/null
# progress lines hidden; with pipefail a failed build stops here with ninja's status, right
# after the compiler's first error (-k 1)
ninja -C "$build_dir" -j "$(nproc)" -k 1 | { grep -v '^\[' || true; }
