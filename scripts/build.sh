#!/usr/bin/env bash
# Installs missing dependencies, then configures and builds rewardlab.
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]   (default BUILD_DIR: build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="${1:-$root/build}"
shift || true

"$root/scripts/install-deps.sh"
cmake -S "$root" -B "$build_dir" -G Ninja -DREWARDLAB_WERROR=ON "$@" >/dev/null
ninja -C "$build_dir" -j "$(nproc)" | grep -v '^\[' || true
test "${PIPESTATUS[0]}" -eq 0
