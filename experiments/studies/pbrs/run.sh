#!/usr/bin/env bash
# The potential-based shaping study (issue 5): PPO on Grid-FourRooms and CartPole-v1 with the env
# reward alone, + PBRS with a good potential, + PBRS with a misleading potential (the good one
# negated), + a non-potential progress bonus; 5 seeds each, one sweep per variant. Runs go to
# results/runs/pbrs/, the report (README.md, curves, tables) to results/pbrs/. A few minutes on
# 2 cores.
#   experiments/studies/pbrs/run.sh [--build DIR] [--seeds A:B] [--runs DIR] [--report DIR]
#                                   [--fresh]        (experiments/studies/study.sh)
{  # read to the end before running: editing this file while it runs changes nothing
set -euo pipefail
source "$(dirname "$0")/../study.sh"
study_init pbrs 0:5 "$@"

# variant FOLDER CONFIG REWARD: one sweep, the reward list as a one-value grid (not in the label)
variant() { study_sweep "$1" "experiments/configs/$2.yaml" --grid "reward=$3"; }

# FourRooms: Φ = -(shortest-path steps to the goal)
variant fourrooms/env fourrooms_ppo '[{type: env}]'
variant fourrooms/pbrs_good fourrooms_ppo '[{type: env}, {type: pbrs, potential: {type: grid_distance}}]'
variant fourrooms/pbrs_misleading fourrooms_ppo \
  '[{type: env}, {type: pbrs, potential: {type: grid_distance, scale: -1}}]'
variant fourrooms/progress_bonus fourrooms_ppo \
  '[{type: env}, {type: progress_bonus, bonus: 0.1, progress: {type: grid_distance}}]'

# CartPole: Φ = V of a PPO teacher trained with seed 100 (its newest checkpoint)
seeds=100:101 study_sweep cartpole_teacher experiments/configs/cartpole_ppo.yaml  # this call only
teacher="$runs/cartpole_teacher/runs/000__s100"
v="{type: value_function, run: '$teacher'}"
vneg="{type: value_function, run: '$teacher', scale: -1}"
variant cartpole/env cartpole_ppo '[{type: env}]'
variant cartpole/pbrs_good cartpole_ppo "[{type: env}, {type: pbrs, potential: $v}]"
variant cartpole/pbrs_misleading cartpole_ppo "[{type: env}, {type: pbrs, potential: $vneg}]"
variant cartpole/progress_bonus cartpole_ppo \
  "[{type: env}, {type: progress_bonus, bonus: 0.1, progress: $v}]"

study_plot fourrooms "PPO on Grid-FourRooms (step cost 0.01)" 0.7 "$runs"/fourrooms/*
study_plot cartpole "PPO on CartPole-v1" 475 "$runs"/cartpole/*

cat > "$report/README.md" <<MD
# Potential-based shaping study (PPO, 5 seeds)

$(study_made_by experiments/studies/pbrs/run.sh "$runs")
Every return is the **env** return (deterministic evaluation every 20k steps on FourRooms, 10k
on CartPole, 10 episodes; the last 100 training episodes' env return beside it), never the shaped
one. Seeds: $seeds.

Variants (one sweep each; the \`reward:\` list of its runs):
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
exit
}
