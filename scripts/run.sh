#!/usr/bin/env bash
# Installs, builds and runs rewardlab. With arguments they go to the `rewardlab` binary;
# without, it runs the demo: the env contract on CartPole-v1 and a short replay.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh" "$root/build"
bin="$root/build/rewardlab"
if [ $# -gt 0 ]; then
  exec "$bin" "$@"
fi
"$bin" check-env CartPole-v1
printf '1\n0\n1\n1\n0\n' > "$root/build/demo_actions.txt"
"$bin" rollout CartPole-v1 --actions "$root/build/demo_actions.txt" --init-state 0,0,0.01,0
