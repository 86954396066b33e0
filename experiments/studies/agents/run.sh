#!/usr/bin/env bash
# The agents study (issue "Agents"): PPO on CartPole-v1 (100k steps) and SAC on Pendulum-v1 (20k
# steps) with the shipped configs, 5 seeds each, as two sweeps; the report with learning curves
# and final returns goes to results/agents/README.md. About a minute on 2 cores.
#   experiments/studies/agents/run.sh [--build DIR] [--seeds A:B] [--runs DIR] [--report DIR]
#                                     [--fresh]        (experiments/studies/study.sh)
# Speed (whole-process wall time, memory) is a benchmark, not this study: bench/agents_bench.sh.
{  # read to the end before running: editing this file while it runs changes nothing
set -euo pipefail
source "$(dirname "$0")/../study.sh"
study_init agents 0:5 "$@"

study_sweep cartpole_ppo experiments/configs/cartpole_ppo.yaml
study_sweep pendulum_sac experiments/configs/pendulum_sac.yaml
study_plot cartpole "PPO on CartPole-v1" 475 "$runs/cartpole_ppo"
study_plot pendulum "SAC on Pendulum-v1" -200 "$runs/pendulum_sac"

cat > "$report/README.md" <<MD
# Agents study: PPO on CartPole-v1, SAC on Pendulum-v1

$(study_made_by experiments/studies/agents/run.sh "$runs")
Seeds $seeds of the shipped configs \`experiments/configs/cartpole_ppo.yaml\` (100k env steps,
evaluation every 10k) and \`experiments/configs/pendulum_sac.yaml\` (20k env steps, evaluation
every 5k). Returns are deterministic evaluations (10 episodes); the table's final return is the
last evaluation, at the end of training. Targets (results/agents.md): CartPole 500 on 4 of 5
seeds (rl-zoo3: 500 at 100k), Pendulum ≥ −200 on 4 of 5 seeds (rl-zoo3: −157 at 20k).
Speed is measured separately by \`bench/agents_bench.sh\` (results/agents.md).

## PPO on CartPole-v1

![CartPole](cartpole.png)

$(cat "$report/cartpole.md")

## SAC on Pendulum-v1

![Pendulum](pendulum.png)

$(cat "$report/pendulum.md")
MD
echo "report: $report/README.md"
exit
}
