#!/usr/bin/env bash
# The potential-based shaping study (issue 5): PPO on Grid-FourRooms and CartPole-v1 with the env
# reward alone, + PBRS with a good potential, + PBRS with a misleading potential (the good one
# negated), + a non-potential progress bonus; 5 seeds each. Writes runs to results/runs/pbrs/ and
# the report (README.md, curves, tables) to results/pbrs/.
#   experiments/studies/pbrs/run.sh [BUILD_DIR] [SEEDS]     (defaults: build, "0 1 2 3 4")
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
build="${1:-$root/build}"
seeds="${2:-0 1 2 3 4}"
runs="$root/results/runs/pbrs"
report="$root/results/pbrs"
rm -rf "$runs"
mkdir -p "$runs" "$report"

train() {  # ENV_DIR CONFIG VARIANT SEED REWARD
  "$build/rewardlab" train "$root/experiments/configs/$2.yaml" --quiet --seed "$4" \
    --set "reward=$5" --out "$runs/$1/$3-s$4" > /dev/null
}

# FourRooms: Φ = -(shortest-path steps to the goal)
for seed in $seeds; do
  train fourrooms fourrooms_ppo env "$seed" '[{type: env}]'
  train fourrooms fourrooms_ppo pbrs_good "$seed" \
    '[{type: env}, {type: pbrs, potential: {type: grid_distance}}]'
  train fourrooms fourrooms_ppo pbrs_misleading "$seed" \
    '[{type: env}, {type: pbrs, potential: {type: grid_distance, scale: -1}}]'
  train fourrooms fourrooms_ppo progress_bonus "$seed" \
    '[{type: env}, {type: progress_bonus, bonus: 0.1, progress: {type: grid_distance}}]'
done

# CartPole: Φ = V of a PPO teacher trained with another seed (its newest checkpoint)
teacher="$runs/cartpole_teacher"
"$build/rewardlab" train "$root/experiments/configs/cartpole_ppo.yaml" --quiet --seed 100 \
  --out "$teacher" > /dev/null
v="{type: value_function, run: $teacher}"
vneg="{type: value_function, run: $teacher, scale: -1}"
for seed in $seeds; do
  train cartpole cartpole_ppo env "$seed" '[{type: env}]'
  train cartpole cartpole_ppo pbrs_good "$seed" "[{type: env}, {type: pbrs, potential: $v}]"
  train cartpole cartpole_ppo pbrs_misleading "$seed" \
    "[{type: env}, {type: pbrs, potential: $vneg}]"
  train cartpole cartpole_ppo progress_bonus "$seed" \
    "[{type: env}, {type: progress_bonus, bonus: 0.1, progress: $v}]"
done

plot="/usr/bin/python3 $root/experiments/plot/curves.py"
$plot --out "$report/fourrooms.png" --table "$report/fourrooms.md" --threshold 0.7 \
  --title "PPO on Grid-FourRooms (step cost 0.01)" "$runs"/fourrooms/*
$plot --out "$report/cartpole.png" --table "$report/cartpole.md" --threshold 475 \
  --title "PPO on CartPole-v1" "$runs"/cartpole/*

# the report: tables and figures above, with how they were made
cat > "$report/README.md" <<MD
# Potential-based shaping study (PPO, 5 seeds)

Made by \`experiments/studies/pbrs/run.sh\` (commit $(git -C "$root" rev-parse --short HEAD),
$(date -u +%Y-%m-%d), $(nproc) vCPUs, $(uname -sm)); figures and tables by
\`experiments/plot/curves.py\`. Every return is the **env** return (deterministic evaluation every
20k steps on FourRooms, 10k on CartPole, 10 episodes), never the shaped one. Seeds: $seeds.

Variants (the \`reward:\` list of each run):
- \`env\`: the env reward alone;
- \`pbrs_good\`: + \`pbrs\` with a good potential — FourRooms: Φ = −(shortest-path steps to the
  goal) (\`grid_distance\`); CartPole: Φ = V of a PPO teacher (\`cartpole_ppo.yaml\`, seed 100,
  100k steps; \`value_function\`);
- \`pbrs_misleading\`: + \`pbrs\` with that potential negated (\`scale: -1\`);
- \`progress_bonus\`: + 0.1 · max(0, Φ(s') − Φ(s)) with the good Φ — not potential-based.

Configs: \`experiments/configs/fourrooms_ppo.yaml\` (300k steps, step cost 0.01, so a shortest
path returns about 0.8) and \`experiments/configs/cartpole_ppo.yaml\` (100k steps).

## Grid-FourRooms

![FourRooms](fourrooms.png)

$(cat "$report/fourrooms.md")

## CartPole-v1

![CartPole](cartpole.png)

$(cat "$report/cartpole.md")

$(cat "$root/experiments/studies/pbrs/findings.md")
MD
echo "report: $report/README.md"
