#!/usr/bin/env bash
# The BARFI study (behaviour alignment via reward function optimisation, algorithms.md §2; issue
# "BARFI"): can an agent use a heuristic reward where it helps and ignore it where it misleads?
# For each env x heuristic, one sweep per variant:
#   rp             the primary reward alone;
#   naive          r_p + heuristic (the env module with the heuristic term's weight set);
#   pbrs           r_p + γΦ(s') − Φ(s) with Φ = the heuristic as a function of the state, where
#                  it is one (GridWorld good|bad, MountainCar velocity);
#   barfi          BARFI first-order (H⁻¹ ≈ −I), r_φ starting at r_p + heuristic;
#   barfi_neumann  BARFI with the Neumann series (K = 5, α = 5e-4 at first; the guard shrinks α
#                  to 1/λmax(−H) once α·λmax >= 2, where the series would diverge: the paper
#                  tuned α per domain, shrink_alpha stands in for that sweep).
# The inner learner is REINFORCE (the paper's); the metric is the undiscounted primary return of
# every training episode. Runs go to results/runs/barfi/, the report to results/barfi/.
# GridWorld, CartPole and MountainCar: 10 seeds, seconds a run (the whole part about an hour on 2
# cores); HalfCheetah: 3 seeds (CHEETAH_SEEDS=A:B for others), 1M steps, minutes a run.
#   experiments/studies/barfi/run.sh [--build DIR] [--seeds A:B] [--runs DIR] [--report DIR]
#                                    [--only SWEEP,...] [--fresh | --report-only]
#                                    (experiments/studies/study.sh)
# Sweep folders (for --only): gridworld/{good,bad}/*, cartpole/{best,bad,best5,bad5}/*,
# mountaincar/{pump,velocity}/*, halfcheetah/{ctrl1,ctrl4}/* (each ending in a variant name).
{  # read to the end before running: editing this file while it runs changes nothing
set -euo pipefail
source "$(dirname "$0")/../study.sh"
study_init barfi 0:10 "$@"
cheetah_seeds="${CHEETAH_SEEDS:-0:3}"

# the paper's learned discount γ_φ = sigmoid(η), its value penalised (algorithms.md §2.7)
learn_gamma="learn_gamma: true, gamma_l2: 0.25"

# heuristic GROUP CONFIG H PBRS BARFI_OPTIONS: the variants of one env whose env option
# `heuristic` is H; PBRS = 1 where the heuristic is a function of the state
heuristic() {
  local group="$1/$3" config="experiments/configs/$2.yaml" h="$3" pbrs="$4" opts="$5"
  sweep() { study_sweep "$group/$1" "$config" --grid "env.options.heuristic=$h" --grid "reward=$2"; }
  sweep rp '[{type: env}]'
  sweep naive '[{type: env, terms: {heuristic: 1}}]'
  if [[ $pbrs == 1 ]]; then
    sweep pbrs '[{type: env}, {type: pbrs, potential: {type: heuristic}}]'
  fi
  sweep barfi "[{type: barfi, r_aux: {term: heuristic}, $opts}]"
  sweep barfi_neumann \
    "[{type: barfi, r_aux: {term: heuristic}, approx: neumann, shrink_alpha: true, $opts}]"
  sweep barfi_gamma "[{type: barfi, r_aux: {term: heuristic}, $learn_gamma, $opts}]"
}

# the almost gridworld: good = −squared distance to the goal centre, bad = +50 in the centre
for h in good bad; do
  heuristic gridworld barfi_gridworld_reinforce "$h" 1 "features: {type: fourier, order: 3}"
done
# CartPole: agreement with a PD controller, +1 (best) or −1 (bad), ×5 in best5 / bad5
for h in best bad best5 bad5; do
  heuristic cartpole barfi_cartpole_reinforce "$h" 0 "features: {type: fourier, order: 3}"
done
# sparse MountainCar: energy pumping (action-dependent) and the speed 10|v| (state-only)
heuristic mountaincar barfi_mountaincar_reinforce pump 0 "features: {type: tile}"
heuristic mountaincar barfi_mountaincar_reinforce velocity 1 "features: {type: tile}"

# HalfCheetah-v4: primary = forward, heuristic = ctrl × 1 (the env's own reward) or × 4
cheetah() {
  local aux="r_p: {term: forward}, r_aux: {term: ctrl, scale: $1}, features: {type: constant}"
  sweep() {
    seeds=$cheetah_seeds study_sweep "halfcheetah/ctrl$1/$2" \
      experiments/configs/barfi_halfcheetah_reinforce.yaml --grid "reward=$3"
  }
  sweep "$1" rp '[{type: env, terms: {ctrl: 0}}]'
  sweep "$1" naive "[{type: env, terms: {ctrl: $1}}]"
  sweep "$1" barfi "[{type: barfi, $aux}]"
  sweep "$1" barfi_neumann "[{type: barfi, $aux, approx: neumann, shrink_alpha: true}]"
  sweep "$1" barfi_gamma "[{type: barfi, $aux, $learn_gamma}]"
}
cheetah 1
cheetah 4

# curves of the primary return of training episodes, one figure per env x heuristic
for dir in "$runs"/*/*/; do
  sweeps=("$dir"*/)
  [[ -d ${sweeps[0]} ]] || continue
  env=$(basename "$(dirname "$dir")") h=$(basename "$dir")
  flags=(--metric train --smooth 20)
  [[ $env == halfcheetah ]] && flags+=(--terms)
  study_plot "${env}_$h" "BARFI study: $env, heuristic $h (training episodes)" 0 \
    "${sweeps[@]%/}" "${flags[@]}"
done
/usr/bin/python3 "$root/experiments/studies/barfi/report.py" "$runs" "$report" > "$report/table.md"

cat > "$report/README.md" <<MD
# BARFI study (behaviour alignment via reward function optimisation)

$(study_made_by experiments/studies/barfi/run.sh "$runs")
Seeds: $seeds (HalfCheetah: $cheetah_seeds). The inner learner is REINFORCE
(\`experiments/configs/barfi_*_reinforce.yaml\`); every number is the **undiscounted primary
return** of training episodes (GridWorld: −0.1 per step and +100 at the goal; CartPole: +1 per
step; MountainCar: +1 at the flag; HalfCheetah: the forward term), never the reward optimised.
Variants: \`rp\` the primary alone; \`naive\` r_p + heuristic; \`pbrs\` potential-based shaping with
Φ = the heuristic as a function of the state (only where it is one); \`barfi\` first-order;
\`barfi_neumann\` Neumann series (K = 5, α = 5e-4, shrunk to 1/λmax(−H) by the guard once
α·λmax ≥ 2; without it the series diverged in about half the GridWorld outer steps);
\`barfi_gamma\` first-order with the learned discount γ_φ = sigmoid(η) (\`learn_gamma\`, η from
logit(0.99) ≈ 4.6, \`gamma_l2\` 0.25); the other BARFI variants keep γ = 0.99 fixed.

## Table

Columns: the mean primary return over a run's first N training episodes (N: the paper's budget,
or every episode when a run had fewer) and over its last 100, mean ± std over seeds; the learned
γ_φ (mean over seeds, with the range where they differ) and the mean blend weights at the end of
BARFI runs.

$(cat "$report/table.md")

## Curves

$(for f in "$report"/*.png; do [[ -f $f ]] && printf '![%s](%s)\n\n' "$(basename "$f" .png)" "$(basename "$f")"; done)

## Claims

$(if [[ -f $report/claims.md ]]; then cat "$report/claims.md"; else echo "(not written yet)"; fi)
MD
echo "report: $report/README.md"
exit 0
}
