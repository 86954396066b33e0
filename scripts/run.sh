#!/usr/bin/env bash
# Installs, builds and runs rewardlab. With arguments they go to the `rewardlab` binary;
# without, it runs the main job: `rewardlab train`, PPO on CartPole-v1 for 100k steps (about a
# second), into a run folder under results/runs/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh" "$root/build"
bin="$root/build/rewardlab"
if [ $# -gt 0 ]; then
  exec "$bin" "$@"
fi
cd "$root"
exec "$bin" train
