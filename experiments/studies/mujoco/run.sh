#!/usr/bin/env bash
# The MuJoCo returns study (issue "MuJoCo"): 1M env steps of PPO on Hopper-v4 (seeds 0-2) and of
# SAC on HalfCheetah-v4 and Hopper-v4 (seed 0; SAC needs about 4 h per 1M steps on one core of
# the 2-vCPU development machine), with the shipped configs and a checkpoint every 20k steps.
# Runs go to results/runs/mujoco/, the report to results/mujoco/README.md (results/mujoco.md has
# the speed benchmarks). Hours: start it in the background at low priority; run it again (or
# after a crash) and it continues from the checkpoints:
#   nohup nice -n 19 experiments/studies/mujoco/run.sh --build BIN_DIR > mujoco.log 2>&1 &
# BIN_DIR should hold a copy of rewardlab that no build will overwrite while the study runs.
#   experiments/studies/mujoco/run.sh [--build DIR] [--seeds A:B] [--runs DIR] [--report DIR]
#                                     [--fresh | --report-only]  (experiments/studies/study.sh)
# --seeds applies to the PPO sweep (default 0:3); the SAC sweeps run seed 0.
set -euo pipefail
source "$(dirname "$0")/../study.sh"
study_init mujoco 0:3 "$@"

every='--grid checkpoint.every_steps=20000'
study_sweep hopper_ppo experiments/configs/hopper_ppo.yaml $every
# the two SAC runs side by side, one core each
seeds=0:1 study_sweep halfcheetah_sac experiments/configs/halfcheetah_sac.yaml $every &
cheetah=$!
seeds=0:1 study_sweep hopper_sac experiments/configs/hopper_sac.yaml $every &
wait $!
wait $cheetah

study_plot hopper "Hopper-v4, 1M env steps" 2000 "$runs/hopper_ppo" "$runs/hopper_sac"
study_plot halfcheetah "HalfCheetah-v4, 1M env steps" 9000 "$runs/halfcheetah_sac"

cat > "$report/README.md" <<MD
# MuJoCo returns study: PPO and SAC at 1M env steps

$(study_made_by experiments/studies/mujoco/run.sh)
Configs \`experiments/configs/{hopper_ppo,halfcheetah_sac,hopper_sac}.yaml\` (CleanRL's
hyperparameters, \`experiments/configs/base/\`), 1M env steps, deterministic evaluation every 50k
steps (10 episodes), checkpoints every 20k. PPO seeds: $seeds; SAC: seed 0. A run still training
is read as far as it got (the table's "env steps").

Targets (issue "MuJoCo"; CleanRL's last-100-training-episodes numbers): PPO Hopper-v4 ≥ 2000
(CleanRL 2052 ± 314), SAC HalfCheetah-v4 ≥ 9000 (CleanRL 9635), SAC Hopper-v4 ≥ 2300 (CleanRL
2310). The tables give both protocols: the final deterministic evaluation and the mean of each
seed's last 100 training episodes (stochastic policy).

## Hopper-v4

![Hopper](hopper.png)

$(cat "$report/hopper.md")

## HalfCheetah-v4

![HalfCheetah](halfcheetah.png)

$(cat "$report/halfcheetah.md")
MD
echo "report: $report/README.md"
