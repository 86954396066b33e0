#!/usr/bin/env bash
# The MuJoCo returns study (issue "MuJoCo"): 1M env steps of PPO on Hopper-v4 (seeds 0-2, a few
# minutes each on 2 cores; CleanRL's one-env config, then its two-core variant hopper_ppo_2core)
# and of SAC on Hopper-v4 and HalfCheetah-v4 (seeds 0-2, one run at a time with agent.threads 2,
# about 45 min each on the 2-vCPU development machine), shipped configs, a checkpoint every
# 20k steps. Runs go to results/runs/mujoco/; each sweep's curve and table to
# results/mujoco/<sweep>.{png,md,csv}, stamped with the commit, date and machine in <sweep>.made,
# and README.md gathers the tables there. A sweep's figures are remade only where its runs are
# (and --only names it), so sweeps run in different sessions (whose run folders do not outlive
# them) add up:
#   experiments/studies/mujoco/run.sh --build BIN_DIR --only hopper_sac    # one sweep
#   experiments/studies/mujoco/run.sh --report-only --only hopper_sac      # its report alone
# Hours: start it in the background; run it again (or after a crash) and it continues from the
# checkpoints. BIN_DIR should hold a copy of rewardlab that no build will overwrite meanwhile.
#   experiments/studies/mujoco/run.sh [--build DIR] [--seeds A:B] [--runs DIR] [--report DIR]
#                                     [--only SWEEP,...] [--fresh | --report-only]
# --seeds applies to the PPO sweep (default 0:3); the SAC sweeps run seeds 0-2.
{  # read to the end before running: editing this file while it runs changes nothing
set -euo pipefail
source "$(dirname "$0")/../study.sh"
study_init mujoco 0:3 "$@"

# one sweep after the other: each uses both cores
every='--grid checkpoint.every_steps=20000'
study_sweep hopper_ppo experiments/configs/hopper_ppo.yaml $every
study_sweep hopper_ppo_2core experiments/configs/hopper_ppo_2core.yaml $every --jobs 1
seeds=0:3 study_sweep hopper_sac experiments/configs/hopper_sac.yaml $every --jobs 1
seeds=0:3 study_sweep halfcheetah_sac experiments/configs/halfcheetah_sac.yaml $every --jobs 1

# group SWEEP TITLE THRESHOLD: the sweep's figure and table, remade when its runs are here (and
# --only, if given, names it: a sweep still training elsewhere keeps its last report)
group() {
  [[ -d "$runs/$1/runs" && ( -z $only || $only == *",$1,"* ) ]] || return 0
  study_plot "$1" "$2" "$3" "$runs/$1"
  study_made_by experiments/studies/mujoco/run.sh "$runs/$1" > "$report/$1.made"
}
group hopper_ppo "PPO Hopper-v4, 1M env steps" 2000
group hopper_ppo_2core "PPO Hopper-v4 on two cores (8 envs in 8 rollout shards), 1M env steps" 2000
group hopper_sac "SAC Hopper-v4, 1M env steps" 2300
group halfcheetah_sac "SAC HalfCheetah-v4, 1M env steps" 9000

# section SWEEP HEADING: the README's part for one sweep
section() {
  printf '## %s\n\n' "$2"
  if [[ -f "$report/$1.md" ]]; then
    printf '![%s](%s.png)\n\n%s\n\n%s\n\n' "$1" "$1" "$(cat "$report/$1.md")" \
      "$(cat "$report/$1.made")"
  else
    printf 'Not run yet with the current layout; see [2026-11-26/](2026-11-26/README.md).\n\n'
  fi
}

{
  cat <<MD
# MuJoCo returns study: PPO and SAC at 1M env steps

Made by \`experiments/studies/mujoco/run.sh\`, one sweep at a time: each section says which
commit, day and machine made it. Configs
\`experiments/configs/{hopper_ppo,hopper_sac,halfcheetah_sac}.yaml\` (CleanRL's hyperparameters,
\`experiments/configs/base/\`) and \`hopper_ppo_2core.yaml\` (the same PPO batch as 8 envs in 8
rollout shards on two cores), 1M env steps, deterministic
evaluation every 50k steps (10 episodes), checkpoints every 20k. PPO and SAC seeds 0-2. A run
still training is read as far as it got (the table's "env steps"). The first report, made on
2026-11-26 before SAC ran on two threads and on OpenBLAS, is kept in
[2026-11-26/](2026-11-26/README.md).

Targets (issue "MuJoCo"; CleanRL's last-100-training-episodes numbers): PPO Hopper-v4 ≥ 2000
(CleanRL 2052 ± 314), SAC HalfCheetah-v4 ≥ 9000 (CleanRL 9635), SAC Hopper-v4 ≥ 2300 (CleanRL
2310). The tables give both protocols: the final deterministic evaluation and the mean of each
seed's last 100 training episodes (stochastic policy).

MD
  section hopper_ppo "PPO Hopper-v4"
  section hopper_ppo_2core "PPO Hopper-v4 on two cores (hopper_ppo_2core.yaml)"
  section hopper_sac "SAC Hopper-v4"
  section halfcheetah_sac "SAC HalfCheetah-v4"
} > "$report/README.md"
echo "report: $report/README.md"
exit
}
