#!/usr/bin/env bash
# The HERON study (hierarchical preference reward learning, algorithms.md §3): SAC on Pendulum-v1
# and MountainCarContinuous-v0 and PPO on Hopper-v4, each with the env reward, HERON's learned
# reward, flat `sum` preferences over the same factors (Pendulum) and the paper's linear
# heuristic with geometric weights; on Pendulum again with the velocity factor scaled by 100
# (scale robustness). 5 seeds (Hopper: 3), one sweep per variant. Runs go to results/runs/heron/,
# the report (README.md, curves, tables) to results/heron/. On 2 cores Pendulum takes about
# 1.5 min, MountainCar about 11 min and Hopper (6 runs of 1M steps, one at a time) about 16 min
# (estimated from 100k-step runs: env about 2 min, HERON about 3.2 min per run).
#   experiments/studies/heron/run.sh [--build DIR] [--seeds A:B] [--runs DIR] [--report DIR]
#                                    [--only SWEEP,...] [--fresh | --report-only]
#                                    (experiments/studies/study.sh)
# Sweep folders (for --only): pendulum/{env,heron,sum,linear}, pendulum_scaled/{env,heron,sum,
# linear}, mountaincar/{env,heron,linear}, hopper/{env,heron,heron_centered}. --seeds sets every
# sweep's seeds, Hopper's included (default 0:3 there).
{  # read to the end before running: editing this file while it runs changes nothing
set -euo pipefail
source "$(dirname "$0")/../study.sh"
study_init heron 0:5 "$@"
hopper_seeds=0:3
if [[ $seeds != 0:5 ]]; then hopper_seeds="$seeds"; fi

# variant FOLDER CONFIG REWARD: one sweep, the reward list as a one-value grid
variant() { study_sweep "$1" "experiments/configs/$2.yaml" --grid "reward=$3"; }

# Pendulum-v1, SAC, 20k steps. Factors (rewards, so higher is better): angle = -θ², velocity =
# -0.1·θ̇², ctrl = -0.001·u²; ranked angle > velocity > ctrl, margins 1·running std (the authors'
# classic-control setting). The reward model is refitted every 1000 env steps on the new 1000
# transitions paired with all earlier ones (fifo 20000 = the whole run) and relabels SAC's
# minibatches when they are sampled.
sac_fit="fit_every: 1000, window: 1000, fifo: 20000"
pend="[{term: angle}, {term: velocity}, {term: ctrl}]"
pend_scaled="[{term: angle}, {term: velocity, scale: 100}, {term: ctrl}]"
variant pendulum/env heron_pendulum_sac '[{type: env}]'
variant pendulum/heron heron_pendulum_sac "[{type: heron, factors: $pend, $sac_fit}]"
variant pendulum/sum heron_pendulum_sac "[{type: heron, labeller: sum, factors: $pend, $sac_fit}]"
# the heuristic r = -z1 - 0.5 z2 - 0.25 z3 on z = (θ², θ̇², u²)
variant pendulum/linear heron_pendulum_sac '[{type: env, terms: {angle: 1, velocity: 5, ctrl: 250}}]'

# the same with the velocity factor ×100
variant pendulum_scaled/env heron_pendulum_sac '[{type: env, terms: {angle: 1, velocity: 100, ctrl: 1}}]'
variant pendulum_scaled/heron heron_pendulum_sac "[{type: heron, factors: $pend_scaled, $sac_fit}]"
variant pendulum_scaled/sum heron_pendulum_sac \
  "[{type: heron, labeller: sum, factors: $pend_scaled, $sac_fit}]"
variant pendulum_scaled/linear heron_pendulum_sac \
  '[{type: env, terms: {angle: 1, velocity: 500, ctrl: 250}}]'

# MountainCarContinuous-v0, SAC, 50k steps: goal (+100 on reaching the flag, a true termination)
# > ctrl (-0.1·a²); the goal level decides any difference (margin 0, as the authors'). SAC's
# action noise does not find the flag, so every variant gets the same RND novelty bonus
# (heron_mountaincar_sac.yaml). The reward model reads (s, z) as the authors' classic-control
# code, 64-64 (it relabels 32 minibatches of 512 per 32 env steps), refitted every 1024 env steps
# (SAC updates every 32).
rnd="{type: rnd, window: 1024}"
mcc="[{term: goal, margin: 0}, {term: ctrl}]"
mcc_fit="fit_every: 1024, window: 1024, fifo: 50000, model: {hidden: [64, 64], inputs: obs_factors}"
variant mountaincar/env heron_mountaincar_sac "[{type: env}, $rnd]"
variant mountaincar/heron heron_mountaincar_sac "[{type: heron, factors: $mcc, $mcc_fit}, $rnd]"
# the heuristic r = z1 - z2 on z = (reached the goal, a²) = goal/100 + 10·ctrl
variant mountaincar/linear heron_mountaincar_sac "[{type: env, terms: {goal: 0.01, ctrl: 10}}, $rnd]"

# Hopper-v4, PPO, 1M steps (8 envs × 256 steps per update): healthy > forward > ctrl, compared as
# 32-step segments (a terminated episode's shorter last segment loses on healthy), margins as the
# authors' robotics runs; refitted before every PPO update on its 2048 transitions.
hop="[{term: healthy, margin: 0.1}, {term: forward, margin: 0.2}, {term: ctrl, margin: 0.5}]"
ppo_fit="compare: segments, segment_length: 32, pairs: 512, fifo: 512"
# one run at a time: each steps its envs and its minibatches on both cores
hopper() { seeds=$hopper_seeds study_sweep "$1" experiments/configs/hopper_ppo_2core.yaml \
  --grid "reward=$2" --jobs 1; }
hopper hopper/env '[{type: env}]'
# the learned level kept (center_output: auto = false for segments) and subtracted
hopper hopper/heron "[{type: heron, factors: $hop, $ppo_fit}]"
hopper hopper/heron_centered "[{type: heron, factors: $hop, $ppo_fit, center_output: true}]"

# plot only what exists (a part left out with --only has no folders)
plot() {  # plot NAME TITLE THRESHOLD GROUP: the sweeps $runs/GROUP/* if any
  local dirs=("$runs/$4"/*/)
  if [[ -d ${dirs[0]} ]]; then study_plot "$1" "$2" "$3" "${dirs[@]%/}"; fi
}
plot pendulum "SAC on Pendulum-v1" -200 pendulum
plot pendulum_scaled "SAC on Pendulum-v1, velocity factor ×100" -200 pendulum_scaled
plot mountaincar "SAC on MountainCarContinuous-v0" 90 mountaincar
plot hopper "PPO on Hopper-v4" 2000 hopper
table() { if [[ -f $report/$1.md ]]; then cat "$report/$1.md"; else echo "(not run)"; fi; }

# HERON's labels only compare factor differences with margins in units of the running std, so
# scaling a factor changes no label; with the reward model reading the observations only, the
# scaled runs must be bit-identical to the unscaled ones
identical() {
  [[ -d $runs/pendulum/heron/runs && -d $runs/pendulum_scaled/heron/runs ]] || { echo "(not run)"; return; }
  /usr/bin/python3 - "$runs/pendulum/heron/runs" "$runs/pendulum_scaled/heron/runs" <<'PY'
import sys, os, h5py, numpy as np
a, b = sys.argv[1], sys.argv[2]
runs = same = 0
differ = set()
for r in sorted(os.listdir(a)):
    pa, pb = os.path.join(a, r, "run.h5"), os.path.join(b, r, "run.h5")
    if not (os.path.exists(pa) and os.path.exists(pb)):
        continue
    runs += 1
    with h5py.File(pa, "r") as fa, h5py.File(pb, "r") as fb:
        names = []
        fa.visititems(lambda k, o: names.append(k) if isinstance(o, h5py.Dataset) else None)
        ok = True
        for k in names:
            if k.startswith("metrics/charts"):  # wall-clock speeds
                continue
            x = fa[k][()]
            y = fb[k][()] if k in fb else None
            if y is None or x.shape != y.shape or not np.array_equal(
                    x, y, equal_nan=x.dtype.kind == "f"):
                ok = False
                differ.add(k)
        same += ok
print(f"{same} of {runs} seeds bit-identical (every dataset of run.h5 but the wall-clock "
      f"speeds in /metrics/charts)" + (f"; differing: {', '.join(sorted(differ))}" if differ else ""))
PY
}

cat > "$report/README.md" <<MD
# HERON study (hierarchical preference reward learning; 5 seeds, Hopper 3)

$(study_made_by experiments/studies/heron/run.sh "$runs")
Every return is the **env** return (deterministic evaluation, 10 episodes; the last 100 training
episodes' env return beside it), never the optimised one. Seeds: $seeds (Hopper: $hopper_seeds).

Variants (one sweep each; the \`reward:\` list of its runs):
- \`env\`: the env reward;
- \`heron\`: a reward model R_ψ (an MLP; its inputs and size in each section) fitted with a Bradley–Terry loss to pairs
  labelled by HERON's decision tree over the ranked factors (the first factor whose difference
  exceeds margin × its running std decides; undecided pairs are dropped), its output standardised;
- \`sum\`: the same model fitted to flat preferences (the larger sum of the factors wins; the
  authors' "RLHF" ablation);
- \`linear\`: the authors' reward-engineering heuristic with geometric weights, as an \`env\` module
  re-weighting the terms.

## Pendulum-v1 (SAC, 20k steps)

Factors: angle = −θ², velocity = −0.1·θ̇², ctrl = −0.001·u², ranked angle > velocity > ctrl,
margins 1·std; \`linear\`: r = −θ² − 0.5·θ̇² − 0.25·u²
(\`{type: env, terms: {angle: 1, velocity: 5, ctrl: 250}}\`). Config
\`experiments/configs/heron_pendulum_sac.yaml\` (\`pendulum_sac.yaml\` evaluated every 1k steps);
HERON: \`$sac_fit\`, 4096 pairs per fit.

![Pendulum](pendulum.png)

$(table pendulum)

## Pendulum-v1, velocity factor ×100

\`env\`: angle + 100·velocity + ctrl; \`heron\` and \`sum\`: \`scale: 100\` on the velocity
factor; \`linear\`: velocity weight ×100 (\`{angle: 1, velocity: 500, ctrl: 250}\`).

![Pendulum, velocity ×100](pendulum_scaled.png)

$(table pendulum_scaled)

HERON scaled vs unscaled: $(identical).

## MountainCarContinuous-v0 (SAC, 50k steps)

Factors: goal (+100 on the step that reaches the flag) > ctrl (−0.1·a²), goal margin 0, ctrl
margin 1·std; \`linear\`: r = z1 − z2 with z1 = 1 on reaching the goal and z2 = a²
(\`{type: env, terms: {goal: 0.01, ctrl: 10}}\`). Every variant also gets an RND novelty
bonus (\`$rnd\`): without it SAC never reaches the flag. Config
\`experiments/configs/heron_mountaincar_sac.yaml\` (rl-zoo3's SAC set without gSDE, gamma 0.99,
automatic entropy); HERON: \`$mcc_fit\`, 4096 pairs per fit.

![MountainCarContinuous](mountaincar.png)

$(table mountaincar)

## Hopper-v4 (PPO, 1M steps)

Factors: healthy > forward > ctrl over 32-step segments, margins (0.1, 0.2, 0.5)·std; HERON:
\`$ppo_fit\`. \`heron\` keeps the output level the segments teach (\`center_output: auto\`, false
for segments); \`heron_centered\` subtracts the running mean as well (\`center_output: true\`; its
runs were made before the option existed, when centring was the only behaviour, and are the same
computation). Config \`experiments/configs/hopper_ppo_2core.yaml\`.

![Hopper](hopper.png)

$(table hopper)

$(cat "$root/experiments/studies/heron/findings.md")
MD
echo "report: $report/README.md"
exit
}
